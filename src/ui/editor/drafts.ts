/**
 * Editor drafts in localStorage, one per lesson file, so an edit survives a reload. A draft is
 * dropped when it is reverted to the lesson as shipped. Only lesson paths count
 * (`lessons/NN-slug.md`): a key under another name (left by an older version, or written by hand)
 * is never listed or opened.
 */
import { isLessonFile } from './lesson-file-name.ts';

const PREFIX = 'ccp:editor:draft:';
const LAST = 'ccp:editor:last';

export interface StoredDraft {
  file: string;
  source: string;
  /** Epoch milliseconds of the last edit. */
  savedAt: number;
}

export function readDraft(file: string): StoredDraft | undefined {
  if (!isLessonFile(file)) return undefined;
  try {
    const raw = localStorage.getItem(PREFIX + file);
    if (raw === null) return undefined;
    const value = JSON.parse(raw) as Partial<StoredDraft>;
    if (typeof value.source !== 'string' || typeof value.savedAt !== 'number') return undefined;
    return { file, source: value.source, savedAt: value.savedAt };
  } catch {
    return undefined;
  }
}

/** Keep a draft; false when storage refused it (full, or disabled): the caller says so. */
export function writeDraft(file: string, source: string): boolean {
  try {
    localStorage.setItem(PREFIX + file, JSON.stringify({ source, savedAt: Date.now() }));
    localStorage.setItem(LAST, file);
    return true;
  } catch {
    return false;
  }
}

export function deleteDraft(file: string): void {
  try {
    localStorage.removeItem(PREFIX + file);
  } catch {
    // nothing kept, nothing to drop
  }
}

/** Files with a draft, most recent first. */
export function listDrafts(): StoredDraft[] {
  const out: StoredDraft[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      const draft = readDraft(key.slice(PREFIX.length));
      if (draft) out.push(draft);
    }
  } catch {
    return out;
  }
  return out.sort((a, b) => b.savedAt - a.savedAt);
}

/** The file last edited, to reopen when the editor opens with nothing asked. */
export function lastEditedFile(): string | undefined {
  try {
    const file = localStorage.getItem(LAST);
    return file !== null && isLessonFile(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

export function rememberFile(file: string): void {
  try {
    localStorage.setItem(LAST, file);
  } catch {
    // not remembered: the editor opens the first lesson next time
  }
}
