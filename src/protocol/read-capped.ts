/**
 * Read a stream to its end, unless it passes `cap` bytes: then cancel it (which also stops a
 * DecompressionStream inflating further) and throw what `tooLarge` makes. The cancel is not
 * awaited: under some interceptors (msw in Node) it never settles.
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array>,
  cap: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
