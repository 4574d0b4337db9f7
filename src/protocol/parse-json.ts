/**
 * JSON text from a client, parsed without two hazards of a bare `JSON.parse`:
 *
 * - **Depth.** `JSON.parse` itself reads a 64 KiB body of `[[[[…` fine, but every recursive walk
 *   after it (redaction for the log, `JSON.stringify` into a detail or a response) overflows the
 *   stack at a few thousand levels, and a stack overflow is a 500. Nothing the server accepts
 *   needs more than a handful of levels, so deeper text is refused before it is parsed.
 * - **Echo.** V8's message quotes the text (`Unexpected token 'd', "…secret…" is not valid
 *   JSON`), and that message used to become the log's private detail: a body with a secret in it
 *   reached `/__admin/log`. The failure is described by position only.
 */

/** Deepest nesting of arrays and objects accepted anywhere (bodies, JWT headers and claims). */
export const MAX_JSON_DEPTH = 32;

export type ParsedJson =
  | { ok: true; value: unknown }
  /** `tooDeep`: well-formed or not, it nests past the limit; `reason`: the private detail. */
  | { ok: false; tooDeep: boolean; reason: string };

/** The deepest nesting of `[` and `{` in `text`, outside strings; stops counting past `limit`. */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22)
        i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return deepest;
}

/** Why `JSON.parse` failed, by position only: never any of the text, which may hold a secret. */
function parseFailure(error: unknown, length: number): string {
  const message = error instanceof Error ? error.message : '';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `JSON.parse failed at character ${position} of ${length}`;
  const line = /line (\d+) column (\d+)/.exec(message); // Firefox's wording
  if (line) return `JSON.parse failed at line ${line[1]}, column ${line[2]} (${length} characters)`;
  if (/unexpected end/i.test(message))
    return `JSON.parse: the text ends early (${length} characters)`;
  return `JSON.parse: an unexpected character (${length} characters)`;
}

/**
 * Parse JSON text from a request, refusing nesting deeper than {@link MAX_JSON_DEPTH}. A
 * failure's `reason` is a private detail that quotes none of the text.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-9
 */
export function parseJson(text: string): ParsedJson {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return { ok: false, tooDeep: true, reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, tooDeep: false, reason: parseFailure(error, text.length) };
  }
}
