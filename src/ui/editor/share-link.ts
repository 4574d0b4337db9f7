/**
 * A draft lesson in a URL, so an instructor can share it without a server: the JSON
 * `{ file, source }`, compressed with deflate-raw (CompressionStream, in every current browser
 * and Node 20) and written as base64url in the hash (`#draft=...`), which never reaches a server.
 */

export interface SharedDraft {
  /** The lesson's path, e.g. `lessons/02-first-token.md`. */
  file: string;
  source: string;
}

const PREFIX = 'draft=';
const VERSION = 1;

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

async function pipe(
  bytes: Uint8Array<ArrayBuffer>,
  transform: GenericTransformStream,
): Promise<Uint8Array> {
  const stream = new Blob([bytes])
    .stream()
    .pipeThrough(transform as TransformStream<Uint8Array, Uint8Array>);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The hash fragment (`draft=...`, without `#`) that carries a draft. */
export async function encodeDraft(draft: SharedDraft): Promise<string> {
  const json = JSON.stringify({ v: VERSION, file: draft.file, source: draft.source });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw'));
  return PREFIX + toBase64Url(packed);
}

/** Whether a location hash (with or without `#`) carries a shared draft. */
export function hasSharedDraft(hash: string): boolean {
  return hash.replace(/^#/, '').startsWith(PREFIX);
}

/** Read a draft from a location hash; throws an Error saying what is wrong with a bad link. */
export async function decodeDraft(hash: string): Promise<SharedDraft> {
  const fragment = hash.replace(/^#/, '');
  if (!fragment.startsWith(PREFIX)) throw new Error('The link carries no draft (#draft=...).');
  let json: string;
  try {
    const bytes = fromBase64Url(fragment.slice(PREFIX.length));
    json = new TextDecoder('utf-8', { fatal: true }).decode(
      await pipe(bytes, new DecompressionStream('deflate-raw')),
    );
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
  return { file: draft.file, source: draft.source };
}
