/**
 * The editor's one rule for a lesson's file name, `lessons/NN-slug.md`: the name "Download .md"
 * saves under, so nothing else gets in, from a link, the address or this browser's storage.
 */
import { describe, expect, it } from 'vitest';
import { draftStore } from '../../src/ui/editor/drafts.ts';
import { isLessonFile } from '../../src/ui/editor/lesson-file-name.ts';
import { LESSON_FILES } from '../../src/ui/editor/lesson-sources.ts';
import { NEW_LESSON_FILE } from '../../src/ui/editor/lesson-template.ts';
import { MemoryStorage } from '../support/memory-storage.ts';

/** localStorage as the page has it, in memory. */
describe('isLessonFile', () => {
  it('accepts every shipped lesson and the names "New lesson" makes', () => {
    expect(LESSON_FILES.length).toBeGreaterThan(10);
    for (const file of [...LESSON_FILES, NEW_LESSON_FILE, 'lessons/16-my-new-lesson-2.md']) {
      expect(isLessonFile(file), file).toBe(true);
    }
  });

  it.each([
    'evil.html',
    'lessons/evil.html',
    'lessons/16-x.html',
    'lessons/16-x.md.html',
    'lessons/16-x.MD',
    'lessons/README.md',
    'lessons/x.md',
    'lessons/16-.md',
    'lessons/16-x-.md',
    'lessons/16-x--y.md',
    'lessons/16_x.md',
    'lessons/../16-x.md',
    'lessons/sub/16-x.md',
    './lessons/16-x.md',
    '/lessons/16-x.md',
    'lessons\\16-x.md',
    'C:\\lessons\\16-x.md',
    'C:/lessons/16-x.md',
    'file:///lessons/16-x.md',
    'lessons/16-x.md ',
    'lessons/16-x.md\u0000.html',
    `lessons/16-${'a'.repeat(100)}.md`,
    '',
  ])('refuses %j', (file) => {
    expect(isLessonFile(file)).toBe(false);
  });
});

describe('drafts in this browser', () => {
  it('never list or reopen a draft stored under another name', () => {
    const storage = new MemoryStorage();
    const drafts = draftStore(() => storage);
    drafts.write('lessons/16-mine.md', 'my text');
    // Left by an older version that took any name from a share link.
    storage.setItem(
      'ccp:editor:draft:evil.html',
      JSON.stringify({ source: '<script>', savedAt: Date.now() + 1000 }),
    );
    storage.setItem('ccp:editor:last', 'evil.html');

    expect(drafts.list().map((d) => d.file)).toEqual(['lessons/16-mine.md']);
    expect(drafts.read('evil.html')).toBeUndefined();
    expect(drafts.lastEdited()).toBeUndefined();
    expect(drafts.read('lessons/16-mine.md')?.source).toBe('my text');
  });
});
