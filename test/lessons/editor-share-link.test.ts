/**
 * The lesson editor's share links: a draft survives the trip through the URL hash byte for byte,
 * and a damaged link gets a sentence, not a crash.
 */
import { describe, expect, it } from 'vitest';
import { decodeDraft, encodeDraft, hasSharedDraft } from '../../src/ui/editor/share-link.ts';

const draft = {
  file: 'lessons/16-rate-limits.md',
  source:
    '---\ntitle: Rate limits — “429” ✓\nsummary: Ünïcödé, emoji 🚦 and CRLF\r\n\n```request id=a expect=200\nGET https://api.example.com/api/v1/users\n```\n',
};

describe('share links', () => {
  it('carry a draft in base64url after #draft= and give it back unchanged', async () => {
    const fragment = await encodeDraft(draft);
    expect(fragment).toMatch(/^draft=[A-Za-z0-9_-]+$/);
    expect(hasSharedDraft(`#${fragment}`)).toBe(true);
    expect(await decodeDraft(`#${fragment}`)).toEqual(draft);
  });

  it('compress a whole lesson to a link a browser accepts', async () => {
    const source = `${draft.source}\n${'Send both and compare the answers. '.repeat(600)}`;
    const fragment = await encodeDraft({ file: draft.file, source });
    expect(fragment.length).toBeLessThan(source.length / 4);
    expect((await decodeDraft(fragment)).source).toBe(source);
  });

  it('say what is wrong with a damaged or foreign link', async () => {
    const fragment = await encodeDraft(draft);
    await expect(decodeDraft('#draft=not-a-real-draft')).rejects.toThrow(
      /^The shared link is damaged \(.+\): was it cut short when it was copied\?$/,
    );
    await expect(decodeDraft(`#${fragment.slice(0, fragment.length - 12)}`)).rejects.toThrow(
      /^The shared link is damaged/,
    );
    await expect(decodeDraft('#draft=a+b')).rejects.toThrow(
      'The shared link is damaged (it has characters base64url never uses): was it cut short when it was copied?',
    );
    await expect(decodeDraft('#section-2')).rejects.toThrow(
      'The link carries no draft (#draft=...).',
    );
    expect(hasSharedDraft('#section-2')).toBe(false);
  });

  it('refuse a link whose content is not a draft of this version', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ v: 2, file: 'x.md', source: '' }));
    const packed = new Uint8Array(
      await new Response(
        new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw')),
      ).arrayBuffer(),
    );
    const base64url = btoa(String.fromCharCode(...packed))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    await expect(decodeDraft(`draft=${base64url}`)).rejects.toThrow(
      'The shared link holds no draft this version of the editor can open.',
    );
  });
});
