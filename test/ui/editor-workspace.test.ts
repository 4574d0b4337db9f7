/**
 * The lesson editor's file handling, in Node: what opens, what a share link may replace, what an
 * edit keeps, with drafts in a storage in memory.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { draftStore } from '../../src/ui/editor/drafts.ts';
import {
  answerConflict,
  edit,
  newLesson,
  newLessonDrafts,
  openFile,
  pickerFiles,
  rename,
  revert,
  startDocument,
  undoReplace,
  type Workspace,
} from '../../src/ui/editor/editor-workspace.ts';
import { LESSON_TEMPLATE, NEW_LESSON_FILE } from '../../src/ui/editor/lesson-template.ts';
import { MemoryStorage } from '../support/memory-storage.ts';

const SHIPPED: Record<string, string> = {
  'lessons/01-what-and-why.md': '# one',
  'lessons/02-first-token.md': '# two',
};

let storage: MemoryStorage;
let ws: Workspace;
let clock = 1_000;
beforeEach(() => {
  storage = new MemoryStorage();
  clock = 1_000;
  ws = {
    drafts: draftStore(
      () => storage,
      () => clock++,
    ),
    lessonFiles: Object.keys(SHIPPED),
    loadShipped: async (file) => SHIPPED[file],
  };
});

const at = new Date(2026, 11, 6, 10, 30);

describe('where the editor starts', () => {
  it('opens the first lesson, then the one last edited, then the one asked for', async () => {
    expect(await startDocument(ws, {})).toEqual({
      doc: { file: 'lessons/01-what-and-why.md', source: '# one', shipped: '# one' },
    });
    ws.drafts.write('lessons/02-first-token.md', '# two, edited');
    expect(await startDocument(ws, {})).toEqual({
      doc: { file: 'lessons/02-first-token.md', source: '# two, edited', shipped: '# two' },
    });
    const asked = await startDocument(ws, { lesson: 'lessons/01-what-and-why.md' });
    expect('doc' in asked && asked.doc.file).toBe('lessons/01-what-and-why.md');
    await expect(startDocument(ws, { lesson: 'lessons/99-nope.md' })).rejects.toThrow(
      'There is no lesson lessons/99-nope.md.',
    );
    // A name that is no lesson file is refused before anything is read, a stored draft too.
    storage.setItem(
      'ccp:editor:draft:evil.html',
      JSON.stringify({ source: '<script>', savedAt: 1 }),
    );
    await expect(openFile(ws, 'evil.html')).rejects.toThrow(
      '“evil.html” is not a lesson file: a lesson is lessons/NN-slug.md.',
    );
  });

  it('opens a shared draft at once when the learner has none of that file', async () => {
    const shared = { file: 'lessons/02-first-token.md', source: '# shared' };
    expect(await startDocument(ws, { shared })).toEqual({
      doc: { file: shared.file, source: '# shared', shipped: '# two' },
      notice: 'Opened lessons/02-first-token.md from a shared link.',
      fromLink: true,
    });
    expect(ws.drafts.read(shared.file)?.source).toBe('# shared');
  });

  it('asks before a shared draft replaces the learner’s own, and each answer keeps what it says', async () => {
    const file = 'lessons/02-first-token.md';
    ws.drafts.write(file, '# mine');
    const shared = { file, source: '# shared' };
    const start = await startDocument(ws, { shared });
    if (!('conflict' in start)) throw new Error('expected a question');
    expect(start.conflict.mine.source).toBe('# mine');
    expect(ws.drafts.read(file)?.source).toBe('# mine'); // asking changed nothing

    const copy = answerConflict(ws, start.conflict, 'copy');
    expect(copy.doc).toEqual({ file: 'lessons/02-first-token-shared.md', source: '# shared' });
    expect(ws.drafts.read(file)?.source).toBe('# mine');
    // A second copy gets the next free name.
    expect(answerConflict(ws, start.conflict, 'copy').doc.file).toBe(
      'lessons/02-first-token-shared-2.md',
    );

    const keep = answerConflict(ws, start.conflict, 'keep');
    expect(keep.doc.source).toBe('# mine');
    expect(ws.drafts.read(file)?.source).toBe('# mine');

    const replace = answerConflict(ws, start.conflict, 'replace');
    expect(replace.doc.source).toBe('# shared');
    expect(replace.replaced?.source).toBe('# mine');
    expect(ws.drafts.read(file)?.source).toBe('# shared');
    // Undo brings the learner's draft back, on screen and in storage.
    const undone = undoReplace(ws, replace.doc, replace.replaced ?? start.conflict.mine);
    expect(undone.doc.source).toBe('# mine');
    expect(ws.drafts.read(file)?.source).toBe('# mine');
  });
});

describe('editing', () => {
  it('keeps a draft, drops it when the text is the shipped one again, and says so', async () => {
    const doc = await openFile(ws, 'lessons/01-what-and-why.md');
    const edited = edit(ws, doc, '# one!', at);
    expect(edited.status).toBe(`Draft saved in this browser at ${at.toLocaleTimeString()}.`);
    expect(ws.drafts.read(doc.file)?.source).toBe('# one!');
    const back = edit(ws, edited.doc, '# one', at);
    expect(back.status).toBe('Same as the shipped lesson: no draft kept.');
    expect(ws.drafts.read(doc.file)).toBeUndefined();
  });

  it('keeps the text on screen and says so when storage refuses the draft', async () => {
    const doc = await openFile(ws, 'lessons/01-what-and-why.md');
    storage.quota = 5;
    const edited = edit(ws, doc, '# a longer text', at);
    expect(edited.doc.source).toBe('# a longer text');
    expect(edited.status).toMatch(/refused to store the draft .*download it/);
  });

  it('reverts a shipped lesson only', async () => {
    const doc = edit(ws, await openFile(ws, 'lessons/01-what-and-why.md'), '# x', at).doc;
    expect(revert(ws, doc)?.doc.source).toBe('# one');
    expect(ws.drafts.read(doc.file)).toBeUndefined();
    expect(revert(ws, { file: 'lessons/16-new.md', source: '# new' })).toBeUndefined();
  });

  it('makes new lessons under free names, lists them, and renames them but never onto a shipped one', () => {
    const first = newLesson(ws);
    expect(first.doc).toEqual({ file: NEW_LESSON_FILE, source: LESSON_TEMPLATE });
    const second = newLesson(ws);
    expect(second.doc.file).toBe(NEW_LESSON_FILE.replace(/\.md$/, '-2.md'));
    expect(newLessonDrafts(ws).sort()).toEqual([NEW_LESSON_FILE, second.doc.file].sort());

    expect(rename(ws, first.doc, 'lessons/01-what-and-why.md')).toBeUndefined();
    expect(rename(ws, first.doc, 'evil.html')).toBeUndefined();
    const renamed = rename(ws, first.doc, 'lessons/16-rate-limits.md');
    expect(renamed?.file).toBe('lessons/16-rate-limits.md');
    expect(ws.drafts.read(NEW_LESSON_FILE)).toBeUndefined();
    expect(ws.drafts.read('lessons/16-rate-limits.md')?.source).toBe(LESSON_TEMPLATE);
  });

  it('lists shipped lessons, new drafts and the open file once each', () => {
    expect(pickerFiles(ws, 'lessons/16-open.md', ['lessons/16-a.md'])).toEqual([
      'lessons/01-what-and-why.md',
      'lessons/02-first-token.md',
      'lessons/16-a.md',
      'lessons/16-open.md',
    ]);
    expect(pickerFiles(ws, 'lessons/16-a.md', ['lessons/16-a.md'])).toHaveLength(3);
  });
});
