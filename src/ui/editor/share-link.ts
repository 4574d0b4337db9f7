/**
 * A draft lesson in a URL, so an instructor can share it without a server: the JSON
 * `{ file, source }`, compressed with deflate-raw (CompressionStream, in every current browser
 * and Node 20) and written as base64url in the hash (`#draft=...`), which never reaches a server.
 *
 * A link may come from a stranger, so decoding trusts nothing: the link's length is capped before
 * it is decoded, inflating stops as soon as the output passes `MAX_UNPACKED_BYTES` (an 81 KB link
 * once unpacked to 60 MB and froze the tab), and the file must be a lesson path.
 */

import { readCapped } from '../../protocol/index.ts';
import { isLessonFile, LESSON_FILE_RULE } from './lesson-file-name.ts';

export interface SharedDraft {
  /** The lesson's path, e.g. `lessons/02-first-token.md`. */
  file: string;
  source: string;
}

const PREFIX = 'draft=';
const VERSION = 1;

/**
 * The most a link may unpack to (its JSON, UTF-8): 256 KB, 17 times the longest lesson (15 KB).
 * `encodeDraft` refuses to make a link for more, so every link the editor makes opens.
 */
export const MAX_UNPACKED_BYTES = 256 * 1024;
/**
 * The longest `#draft=` the decoder reads: enough for `MAX_UNPACKED_BYTES` of text that does not
 * compress at all (deflate adds a little, base64 a third), checked before anything is decoded.
 */
export const MAX_LINK_CHARS = Math.ceil(((MAX_UNPACKED_BYTES * 1.01 + 64) * 4) / 3);

const kilobytes = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('it has characters base64url never uses');
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function pipe(
  bytes: Uint8Array<ArrayBuffer>,
  transform: GenericTransformStream,
): ReadableStream<Uint8Array> {
  return new Blob([bytes])
    .stream()
    .pipeThrough(transform as TransformStream<Uint8Array, Uint8Array>);
}

/** What `readStreamCapped` throws when a stream passes its cap. */
export class TooLargeError extends Error {
  constructor(readonly cap: number) {
    super(`too large: more than ${cap} bytes`);
    this.name = 'TooLargeError';
  }
}

/** Read a stream to its end, unless it passes `cap` bytes: then a `TooLargeError`. */
export function readStreamCapped(
  stream: ReadableStream<Uint8Array>,
  cap: number,
): Promise<Uint8Array> {
  return readCapped(stream, cap, () => new TooLargeError(cap));
}

/** The hash fragment (`draft=...`, without `#`) that carries a draft. */
export async function encodeDraft(draft: SharedDraft): Promise<string> {
  const json = new TextEncoder().encode(
    JSON.stringify({ v: VERSION, file: draft.file, source: draft.source }),
  );
  if (json.length > MAX_UNPACKED_BYTES) {
    throw new Error(
      `This draft is too large to share as a link (${kilobytes(json.length)}; a link carries at most ${kilobytes(MAX_UNPACKED_BYTES)}): download it instead.`,
    );
  }
  const packed = await new Response(pipe(json, new CompressionStream('deflate-raw'))).arrayBuffer();
  return PREFIX + toBase64Url(new Uint8Array(packed));
}

/** Whether a location hash (with or without `#`) carries a shared draft. */
export function hasSharedDraft(hash: string): boolean {
  return hash.replace(/^#/, '').startsWith(PREFIX);
}

/** Read a draft from a location hash; throws an Error saying what is wrong with a bad link. */
export async function decodeDraft(hash: string): Promise<SharedDraft> {
  const fragment = hash.replace(/^#/, '');
  if (!fragment.startsWith(PREFIX)) throw new Error('The link carries no draft (#draft=...).');
  const packed = fragment.slice(PREFIX.length);
  if (packed.length > MAX_LINK_CHARS) {
    throw new Error(
      `The shared link is too long (${packed.length.toLocaleString('en')} characters; a lesson's link is at most ${MAX_LINK_CHARS.toLocaleString('en')}).`,
    );
  }
  let unpacked: Uint8Array;
  try {
    unpacked = await readStreamCapped(
      pipe(fromBase64Url(packed), new DecompressionStream('deflate-raw')),
      MAX_UNPACKED_BYTES,
    );
  } catch (error) {
    if (error instanceof TooLargeError) {
      throw new Error(
        `The shared link unpacks to more than ${kilobytes(MAX_UNPACKED_BYTES)}: a lesson is never that large.`,
      );
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`The shared link is damaged (${why}): was it cut short when it was copied?`);
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(unpacked);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`The shared link is damaged (${why}): was it cut short when it was copied?`);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('The shared link holds no readable draft.');
  }
  const draft = value as Partial<SharedDraft> & { v?: unknown };
  if (draft.v !== VERSION || typeof draft.file !== 'string' || typeof draft.source !== 'string') {
    throw new Error('The shared link holds no draft this version of the editor can open.');
  }
  if (!isLessonFile(draft.file)) {
    throw new Error(
      `The shared link names the file “${draft.file.slice(0, 120)}”, which is not a lesson file: ${LESSON_FILE_RULE}.`,
    );
  }
  return { file: draft.file, source: draft.source };
}
