import { BufferedRequest } from './buffered-request.ts';
import { OAuthError } from './errors.ts';
import { MAX_JSON_DEPTH, type ParsedJson, parseJson } from './parse-json.ts';
import { readCapped } from './read-capped.ts';
import { redactForm, redactJson } from './redact.ts';

/** Largest body the server reads. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Parameters as sent, in order, before duplicate and empty-value handling. */
export interface RawParams {
  kind: 'form' | 'json' | 'none';
  pairs: [string, string][];
  /** Top-level JSON keys in order, duplicates included (JSON.parse hides them). */
  keys: string[];
  /** The body with secrets replaced, for the log. */
  redacted: string | undefined;
}

/** Request parameters after duplicate rejection; empty values count as absent (RFC 6749 §3.1). */
export class Params {
  constructor(private readonly values: Map<string, string[]>) {}
  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }
  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }
  has(name: string): boolean {
    return this.values.has(name);
  }
}

const bad = (description: string, detail: string) =>
  new OAuthError('invalid_request', description, { detail });

const tooLarge = (detail: string) =>
  bad(
    `The request body is larger than ${MAX_BODY_BYTES} bytes. Send only the parameters the endpoint needs.`,
    detail,
  );

const EMPTY = new Uint8Array(0);

/** Bytes already in memory, refused past the limit. */
function withinLimit(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge(`read more than ${MAX_BODY_BYTES} bytes`);
  return bytes;
}

/**
 * Read at most MAX_BODY_BYTES of a request body; more is an error, not a truncation.
 *
 * Three shapes of request reach here: the Node adapter's {@link BufferedRequest} (bytes in
 * memory), a `Request` with a body stream (Node, Chromium), and Firefox's `Request`, which has no
 * `body` property at all (`request.body` is undefined, not null): its body is read whole with
 * `arrayBuffer()`. In the page that costs nothing extra — msw hands the handler a body the service
 * worker already copied into memory — and the limit is applied to what was read.
 */
async function readLimited(request: Request): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) {
    throw tooLarge(`Content-Length: ${declared}`);
  }
  if (request instanceof BufferedRequest) return withinLimit(request.buffered ?? EMPTY);
  // Typed as the engines actually shape it: Firefox leaves `body` undefined.
  const stream: ReadableStream<Uint8Array> | null | undefined = request.body;
  if (stream === null) return EMPTY;
  if (stream === undefined) {
    let whole: ArrayBuffer;
    try {
      whole = await request.arrayBuffer();
    } catch (error) {
      throw bad('The request body could not be read. Send it again.', String(error));
    }
    return withinLimit(new Uint8Array(whole));
  }
  try {
    return await readCapped(stream, MAX_BODY_BYTES, () =>
      tooLarge(`read more than ${MAX_BODY_BYTES} bytes`),
    );
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw bad('The request body could not be read. Send it again.', String(error));
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Split `type/subtype; a=b` into a lower-case media type and its charset, if any. */
function parseContentType(header: string): { type: string; charset: string | undefined } {
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq === -1) continue;
    if (p.slice(0, eq).trim().toLowerCase() === 'charset') {
      charset = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

/**
 * The top-level keys of a JSON object text, in order, duplicates kept. Runs only on text that
 * JSON.parse accepted, so a simple scanner suffices.
 */
export function topLevelJsonKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) {
        keys.push(JSON.parse(text.slice(i, j + 1)) as string);
        expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (depth === 1 && ch === '{') expectKey = true;
    } else if (ch === '}' || ch === ']') {
      depth--;
    } else if (ch === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

const FORM_ESCAPES = /%(?![0-9A-Fa-f]{2})/;

/**
 * Read a form (RFC 6749 §3.2) or JSON body into parameter pairs. Anything else, malformed
 * content, non-string JSON values or more than 64 KiB: 400 invalid_request.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function parseBody(request: Request): Promise<RawParams> {
  const header = request.headers.get('content-type');
  const bytes = await readLimited(request);
  if (header === null) {
    if (bytes.byteLength === 0) return { kind: 'none', pairs: [], keys: [], redacted: undefined };
    throw bad(
      'The request has a body but no Content-Type. Send Content-Type: application/x-www-form-urlencoded (or application/json).',
      'missing Content-Type with a non-empty body',
    );
  }
  const { type, charset } = parseContentType(header);
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
    throw bad(
      `The body type ${type || '(empty)'} is not accepted. Send application/x-www-form-urlencoded or application/json.`,
      `Content-Type: ${header}`,
    );
  }
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw bad(
      `The charset ${charset} is not accepted. Encode the body as UTF-8.`,
      `Content-Type: ${header}`,
    );
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw bad('The body is not valid UTF-8. Encode it as UTF-8.', 'UTF-8 decoding failed');
  }
  if (type === 'application/x-www-form-urlencoded') {
    if (FORM_ESCAPES.test(text)) {
      throw bad(
        'The form body has a % that does not start a %XX escape. Percent-encode the values (URLSearchParams does this).',
        'malformed percent-encoding',
      );
    }
    const pairs = [...new URLSearchParams(text)];
    return { kind: 'form', pairs, keys: pairs.map(([k]) => k), redacted: redactForm(pairs) };
  }
  const value = parsedOrThrow(
    parseJson(text),
    'The body is not valid JSON. Send a JSON object such as {"grant_type":"client_credentials"}.',
  );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(
      'The JSON body must be an object of parameters, such as {"grant_type":"client_credentials"}.',
      `JSON body is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`,
    );
  }
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw bad(
        `The parameter ${k} must be a string. Send every parameter as a JSON string.`,
        `${k} is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`,
      );
    }
    pairs.push([k, v]);
  }
  return {
    kind: 'json',
    pairs,
    keys: topLevelJsonKeys(text),
    redacted: JSON.stringify(redactJson(value)),
  };
}

/**
 * Refuse any parameter sent twice (RFC 6749 §3.1, §3.2), except those in `repeatable`
 * (RFC 8707 lets `resource` repeat); drop empty values, which count as absent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export function rejectDuplicateParams(raw: RawParams, repeatable: readonly string[] = []): Params {
  const seen = new Set<string>();
  for (const k of raw.keys) {
    if (seen.has(k) && !repeatable.includes(k)) {
      throw bad(
        `The parameter ${k} was sent more than once. Send each parameter once.`,
        `duplicate parameter ${k}`,
      );
    }
    seen.add(k);
  }
  const values = new Map<string, string[]>();
  for (const [k, v] of raw.pairs) {
    if (v === '') continue;
    const list = values.get(k);
    if (list) list.push(v);
    else values.set(k, [v]);
  }
  return new Params(values);
}

/** Read a body as UTF-8 text, at most MAX_BODY_BYTES. */
export async function readText(request: Request): Promise<string> {
  const bytes = await readLimited(request);
  try {
    return decoder.decode(bytes);
  } catch {
    throw bad('The body is not valid UTF-8. Encode it as UTF-8.', 'UTF-8 decoding failed');
  }
}

/**
 * Read an optional JSON body (the admin API and the orders route): empty means undefined;
 * anything but application/json, or unparseable JSON, is 400 invalid_request.
 */
export async function readJsonBody(
  request: Request,
): Promise<{ value: unknown; text: string } | undefined> {
  const text = await readText(request);
  if (text.trim() === '') return undefined;
  const type = parseContentType(request.headers.get('content-type') ?? '').type;
  if (type !== 'application/json') {
    throw bad(
      `The body must be JSON. Send Content-Type: application/json (got ${type || 'none'}).`,
      `Content-Type: ${request.headers.get('content-type')}`,
    );
  }
  return {
    value: parsedOrThrow(
      parseJson(text),
      'The body is not valid JSON. Check quotes, commas and braces.',
    ),
    text,
  };
}

/**
 * The parsed value, or 400 invalid_request: `invalidDescription` for malformed JSON, and a
 * description of its own for JSON nested too deep. The detail never quotes the body.
 */
export function parsedOrThrow(parsed: ParsedJson, invalidDescription: string): unknown {
  if (parsed.ok) return parsed.value;
  throw bad(
    parsed.tooDeep
      ? `The JSON body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels. Send a flat object of parameters.`
      : invalidDescription,
    parsed.reason,
  );
}

/** The lower-case media type of a request, without parameters. */
export function mediaType(request: Request): string {
  return parseContentType(request.headers.get('content-type') ?? '').type;
}
