/**
 * What the lesson editor does with files, without React or the page: open a lesson (its draft or
 * the shipped text), open a share link without losing the learner's own draft, edit, revert,
 * rename, start a new lesson. The editor's hooks call these; Node tests call them directly with a
 * draft store in memory.
 */
import type { DraftStore, StoredDraft } from './drafts.ts';
import { isLessonFile, LESSON_FILE_RULE } from './lesson-file-name.ts';
import { LESSON_TEMPLATE, NEW_LESSON_FILE } from './lesson-template.ts';
import type { SharedDraft } from './share-link.ts';

/** The editor's surroundings: where drafts live and which lessons ship. */
export interface Workspace {
  drafts: DraftStore;
  /** `lessons/02-first-token.md`, ... for every shipped lesson, sorted. */
  lessonFiles: readonly string[];
  /** The shipped source of a lesson file, or undefined for a file that is not one. */
  loadShipped(file: string): Promise<string | undefined>;
}

export interface EditorDocument {
  file: string;
  source: string;
  /** The lesson as shipped (undefined for a new lesson). */
  shipped?: string;
}

/** A shared link for a file the learner has their own, different, draft of: they choose. */
export interface SharedConflict {
  shared: SharedDraft;
  mine: StoredDraft;
  shipped?: string;
}

/** The file name without its folder: `02-first-token.md`. */
export const baseName = (file: string) => file.slice(file.lastIndexOf('/') + 1);

export const notALessonFile = (file: string) =>
  `“${file.slice(0, 120)}” is not a lesson file: ${LESSON_FILE_RULE}.`;

const withShipped = (shipped: string | undefined) => (shipped === undefined ? {} : { shipped });

/** A lesson as the editor opens it: the learner's draft if there is one, else as shipped. */
export async function openFile(ws: Workspace, file: string): Promise<EditorDocument> {
  if (!isLessonFile(file)) throw new Error(notALessonFile(file));
  const shipped = await ws.loadShipped(file);
  const draft = ws.drafts.read(file);
  if (shipped === undefined && !draft) throw new Error(`There is no lesson ${file}.`);
  ws.drafts.remember(file);
  return { file, source: draft?.source ?? shipped ?? '', ...withShipped(shipped) };
}

/** Open a shared draft as the draft of `file` (its own, or a copy's name). */
export function openShared(
  ws: Workspace,
  shared: SharedDraft,
  file: string,
  shipped: string | undefined,
): EditorDocument {
  ws.drafts.write(file, shared.source);
  return { file, source: shared.source, ...withShipped(shipped) };
}

/** `lessons/02-first-token-shared.md`, or `-shared-2`...: a name no lesson or draft has yet. */
export function copyName(ws: Workspace, file: string): string {
  const stem = file.replace(/\.md$/, '-shared');
  let name = `${stem}.md`;
  for (let n = 2; ws.lessonFiles.includes(name) || ws.drafts.read(name); n++) {
    name = `${stem}-${n}.md`;
  }
  return name;
}

/** Where the editor starts. */
export type Start =
  | { doc: EditorDocument; notice?: string; fromLink?: true }
  | { conflict: SharedConflict };

/**
 * Where the editor starts: the shared draft a link carries (never over the learner's own
 * different draft without asking), `?lesson=<file>`, the last draft, or the first lesson.
 */
export async function startDocument(
  ws: Workspace,
  asked: { shared?: SharedDraft; lesson?: string | null },
): Promise<Start> {
  const { shared } = asked;
  if (shared) {
    const shipped = await ws.loadShipped(shared.file);
    const mine = ws.drafts.read(shared.file);
    if (mine && mine.source !== shared.source) {
      return { conflict: { shared, mine, ...withShipped(shipped) } };
    }
    return {
      doc: openShared(ws, shared, shared.file, shipped),
      notice: `Opened ${shared.file} from a shared link.`,
      fromLink: true,
    };
  }
  if (asked.lesson) return { doc: await openFile(ws, asked.lesson) };
  const last = ws.drafts.lastEdited();
  if (last && (ws.lessonFiles.includes(last) || ws.drafts.read(last))) {
    return { doc: await openFile(ws, last) };
  }
  const first = ws.lessonFiles[0];
  if (!first) return { doc: { file: NEW_LESSON_FILE, source: LESSON_TEMPLATE } };
  return { doc: await openFile(ws, first) };
}

export type SharedAnswer = 'copy' | 'replace' | 'keep';

/** What the learner's answer to a {@link SharedConflict} opens, and what to tell them. */
export function answerConflict(
  ws: Workspace,
  conflict: SharedConflict,
  answer: SharedAnswer,
): { doc: EditorDocument; notice: string; replaced?: StoredDraft } {
  const { shared, mine, shipped } = conflict;
  if (answer === 'copy') {
    const file = copyName(ws, shared.file);
    return {
      doc: openShared(ws, shared, file, undefined),
      notice: `Opened the shared version as ${file}; your draft of ${shared.file} is unchanged.`,
    };
  }
  if (answer === 'replace') {
    return {
      doc: openShared(ws, shared, shared.file, shipped),
      notice: `Opened ${shared.file} from a shared link, in place of your draft.`,
      replaced: mine,
    };
  }
  return {
    doc: { file: mine.file, source: mine.source, ...withShipped(shipped) },
    notice: `Kept your draft of ${mine.file}; the shared link was not opened.`,
  };
}

/** The documents' state after an action, and the sentence the status line says. */
export interface Outcome {
  doc: EditorDocument;
  status: string;
}

/** Keep an edit: as a draft, or no draft at all when it is the shipped text again. */
export function edit(ws: Workspace, doc: EditorDocument, source: string, at: Date): Outcome {
  const next = { ...doc, source };
  if (source === doc.shipped) {
    ws.drafts.delete(doc.file);
    return { doc: next, status: 'Same as the shipped lesson: no draft kept.' };
  }
  if (ws.drafts.write(doc.file, source)) {
    return { doc: next, status: `Draft saved in this browser at ${at.toLocaleTimeString()}.` };
  }
  return {
    doc: next,
    status:
      'This browser refused to store the draft (storage full or disabled): download it to keep it.',
  };
}

/** Back to the shipped lesson (a shipped lesson only): the draft goes. */
export function revert(ws: Workspace, doc: EditorDocument): Outcome | undefined {
  if (doc.shipped === undefined) return undefined;
  ws.drafts.delete(doc.file);
  return {
    doc: { ...doc, source: doc.shipped },
    status: 'Back to the shipped lesson; the draft is gone.',
  };
}

/** Bring back the draft a shared link replaced. */
export function undoReplace(ws: Workspace, doc: EditorDocument, replaced: StoredDraft): Outcome {
  const next = { ...doc, source: replaced.source };
  if (ws.drafts.write(doc.file, replaced.source)) {
    return { doc: next, status: 'Your draft is back; the shared version is gone.' };
  }
  return {
    doc: next,
    status:
      'Your draft is back on screen, but this browser refused to store it: download it to keep it.',
  };
}

/** A new lesson's draft under a name no lesson or draft has, from the template. */
export function newLesson(ws: Workspace): Outcome {
  let file = NEW_LESSON_FILE;
  for (let n = 2; ws.lessonFiles.includes(file) || ws.drafts.read(file); n++) {
    file = NEW_LESSON_FILE.replace(/\.md$/, `-${n}.md`);
  }
  ws.drafts.write(file, LESSON_TEMPLATE);
  return {
    doc: { file, source: LESSON_TEMPLATE },
    status: `New lesson ${file}, from the template.`,
  };
}

/** Rename a new lesson's draft; undefined when the name is not a lesson file or is shipped. */
export function rename(
  ws: Workspace,
  doc: EditorDocument,
  file: string,
): EditorDocument | undefined {
  if (!isLessonFile(file) || ws.lessonFiles.includes(file)) return undefined;
  ws.drafts.delete(doc.file);
  ws.drafts.write(file, doc.source);
  return { ...doc, file };
}

/** The files the picker lists: shipped lessons, drafts of new ones, and the open file. */
export function pickerFiles(ws: Workspace, open: string, newDrafts: readonly string[]): string[] {
  const known = [...ws.lessonFiles, ...newDrafts];
  return known.includes(open) ? known : [...known, open];
}

/** Drafts of lessons that do not ship (read when a file opens). */
export function newLessonDrafts(ws: Workspace): string[] {
  return ws.drafts
    .list()
    .filter((d) => !ws.lessonFiles.includes(d.file))
    .map((d) => d.file);
}
