/**
 * Share links come from strangers: the decoder caps what it reads (the link's length, then the
 * unpacked size, while it inflates) and accepts only a lesson path as the file name.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeDraft,
  encodeDraft,
  MAX_LINK_CHARS,
  MAX_UNPACKED_BYTES,
  readStreamCapped,
  TooLargeError,
} from '../../src/ui/editor/share-link.ts';

/** A `#draft=` fragment for any JSON value, made the way the editor makes one. */
async function linkFor(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const packed = new Uint8Array(
    await new Response(
      new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')),
    ).arrayBuffer(),
  );
  let binary = '';
  for (let i = 0; i < packed.length; i += 0x8000) {
    binary += String.fromCharCode(...packed.subarray(i, i + 0x8000));
  }
  const base64url = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `#draft=${base64url}`;
}

const TOO_LARGE = /^The shared link unpacks to more than 256 KB: a lesson is never that large\.$/;

describe('share links from strangers', () => {
  it('stop inflating a link that unpacks past the cap (an 81 KB link that unpacks to 60 MB)', async () => {
    const bomb = await linkFor({
      v: 1,
      file: 'lessons/16-bomb.md',
      source: 'a'.repeat(60_000_000),
    });
    expect(bomb.length).toBeLessThan(100_000);
    await expect(decodeDraft(bomb)).rejects.toThrow(TOO_LARGE);
  });

  it('read a stream only until the cap is passed, then cancel it', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    await expect(readStreamCapped(endless, 10 * 1024)).rejects.toBeInstanceOf(TooLargeError);
    expect(cancelled).toBe(true);
    // The eleventh kilobyte passes the cap; the stream may have queued one more chunk.
    expect(pulled).toBeLessThanOrEqual(12);
  });

  it('accept a large lesson just under the cap', async () => {
    const source = `---\ntitle: Long\n---\n${'Ünïcödé text, line after line. '.repeat(7000)}`;
    expect(new TextEncoder().encode(source).length).toBeLessThan(MAX_UNPACKED_BYTES);
    const fragment = await encodeDraft({ file: 'lessons/16-long.md', source });
    expect((await decodeDraft(fragment)).source).toBe(source);
  });

  it('refuse a link longer than any draft the editor makes, before decoding it', async () => {
    const long = `#draft=${'A'.repeat(MAX_LINK_CHARS + 1)}`;
    await expect(decodeDraft(long)).rejects.toThrow(
      /^The shared link is too long \([\d,]+ characters; a lesson's link is at most [\d,]+\)\.$/,
    );
  });

  it('refuse to make a link for a draft it would not open', async () => {
    await expect(
      encodeDraft({ file: 'lessons/16-huge.md', source: 'x'.repeat(MAX_UNPACKED_BYTES) }),
    ).rejects.toThrow('This draft is too large to share as a link');
  });

  it.each([
    'evil.html',
    'lessons/evil.html',
    'lessons/16-x.md.html',
    '../lessons/16-x.md',
    'lessons/../16-x.md',
    'lessons/16-x/../../evil.md',
    '/etc/16-x.md',
    'lessons\\16-x.md',
    'C:\\Users\\me\\lessons\\16-x.md',
    'C:/lessons/16-x.md',
    'lessons/16-Evil Name.md',
    'lessons/x.md',
    'lessons/16-x.md\n',
    `lessons/16-${'x'.repeat(200)}.md`,
  ])('refuse a draft whose file is %j', async (file) => {
    await expect(decodeDraft(await linkFor({ v: 1, file, source: 'text' }))).rejects.toThrow(
      /^The shared link names the file “.*”, which is not a lesson file: a lesson is lessons\/NN-slug\.md\.$/s,
    );
  });

  it('keep opening the links the editor made before (same format)', async () => {
    // Made by encodeDraft before these limits: {v: 1, file, source} in deflate-raw, base64url.
    const before = await linkFor({ v: 1, file: 'lessons/02-first-token.md', source: '# hi\n' });
    expect(await decodeDraft(before)).toEqual({
      file: 'lessons/02-first-token.md',
      source: '# hi\n',
    });
  });
});
