/**
 * Editor drafts in the browser's storage, one per lesson file, so an edit survives a reload. A
 * draft is dropped when it is reverted to the lesson as shipped. Only lesson paths count
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

/** Where drafts live: the page's localStorage ({@link browserDrafts}), or any `Storage`. */
export interface DraftStore {
  read(file: string): StoredDraft | undefined;
  /** Keep a draft; false when storage refused it (full, or disabled): the caller says so. */
  write(file: string, source: string): boolean;
  delete(file: string): void;
  /** Files with a draft, most recent first. */
  list(): StoredDraft[];
  /** The file last edited, to reopen when the editor opens with nothing asked. */
  lastEdited(): string | undefined;
  remember(file: string): void;
}

/** Drafts kept in `storage` (which may throw on any call: a disabled or full storage). */
export function draftStore(storage: () => Storage, now: () => number = Date.now): DraftStore {
  const store: DraftStore = {
    read(file) {
      if (!isLessonFile(file)) return undefined;
      try {
        const raw = storage().getItem(PREFIX + file);
        if (raw === null) return undefined;
        const value = JSON.parse(raw) as Partial<StoredDraft>;
        if (typeof value.source !== 'string' || typeof value.savedAt !== 'number') return undefined;
        return { file, source: value.source, savedAt: value.savedAt };
      } catch {
        return undefined;
      }
    },
    write(file, source) {
      try {
        storage().setItem(PREFIX + file, JSON.stringify({ source, savedAt: now() }));
        storage().setItem(LAST, file);
        return true;
      } catch {
        return false;
      }
    },
    delete(file) {
      try {
        storage().removeItem(PREFIX + file);
      } catch {
        // nothing kept, nothing to drop
      }
    },
    list() {
      const out: StoredDraft[] = [];
      try {
        const s = storage();
        for (let i = 0; i < s.length; i++) {
          const key = s.key(i);
          if (!key?.startsWith(PREFIX)) continue;
          const draft = store.read(key.slice(PREFIX.length));
          if (draft) out.push(draft);
        }
      } catch {
        return out;
      }
      return out.sort((a, b) => b.savedAt - a.savedAt);
    },
    lastEdited() {
      try {
        const file = storage().getItem(LAST);
        return file !== null && isLessonFile(file) ? file : undefined;
      } catch {
        return undefined;
      }
    },
    remember(file) {
      try {
        storage().setItem(LAST, file);
      } catch {
        // not remembered: the editor opens the first lesson next time
      }
    },
  };
  return store;
}

/** The page's drafts, in localStorage (read on each call: a disabled storage throws then). */
export const browserDrafts: DraftStore = draftStore(() => localStorage);
