/**
 * The lesson editor's state, as hooks over editor-workspace.ts (which does the work and is tested
 * in Node): which document is open and how it got there (`useEditorStart`), and the open
 * document with what the toolbar does to it (`useEditorDocument`). The page only renders.
 */
import { useEffect, useState } from 'react';
import type { StoredDraft } from './drafts.ts';
import {
  answerConflict,
  baseName,
  type EditorDocument,
  edit,
  newLesson,
  newLessonDrafts,
  notALessonFile,
  type Outcome,
  openFile,
  pickerFiles,
  rename,
  revert,
  type SharedAnswer,
  type SharedConflict,
  type Start,
  undoReplace,
  type Workspace,
} from './editor-workspace.ts';
import { isLessonFile } from './lesson-file-name.ts';
import { LESSON_TEMPLATE, NEW_LESSON_FILE } from './lesson-template.ts';
import { encodeDraft } from './share-link.ts';

export type LoadState =
  | { status: 'loading' }
  | { status: 'ready'; doc: EditorDocument; replaced?: StoredDraft; notice?: string }
  | { status: 'asking'; conflict: SharedConflict }
  | { status: 'failed'; message: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Open the editor's first document (`start()` reads the address), again whenever `attempt`
 * changes (a share link pasted into the address bar); ask when a link would replace a draft.
 */
export function useEditorStart(ws: Workspace, start: () => Promise<Start>, attempt: number) {
  const [state, setState] = useState<LoadState>({ status: 'loading' });

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again for each pasted link
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    start().then(
      (started) => {
        if (!live) return;
        if ('conflict' in started) setState({ status: 'asking', conflict: started.conflict });
        else
          setState({
            status: 'ready',
            doc: started.doc,
            ...(started.notice && { notice: started.notice }),
          });
      },
      (error: unknown) => {
        if (live) setState({ status: 'failed', message: messageOf(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  return {
    state,
    /** Another document is open now (the toolbar opened it), with what to say. */
    opened(doc: EditorDocument, notice?: string) {
      setState({ status: 'ready', doc, ...(notice !== undefined && { notice }) });
    },
    /** The learner answered the shared-link question. */
    answer(answer: SharedAnswer) {
      if (state.status !== 'asking') return;
      const { doc, notice, replaced } = answerConflict(ws, state.conflict, answer);
      setState({ status: 'ready', doc, notice, ...(replaced && { replaced }) });
    },
    /** After a failed start: open the first lesson (or a new one) instead. */
    async openFirst() {
      setState({ status: 'loading' });
      try {
        const doc = await openFile(ws, ws.lessonFiles[0] ?? NEW_LESSON_FILE);
        setState({ status: 'ready', doc });
      } catch {
        setState({ status: 'ready', doc: { file: NEW_LESSON_FILE, source: LESSON_TEMPLATE } });
      }
    },
  };
}

export interface EditorDocumentOptions {
  initial: EditorDocument;
  notice: string | undefined;
  /** The learner's draft a shared link replaced (they asked for it): Undo brings it back. */
  replaced: StoredDraft | undefined;
  /** Another file was opened: the page remounts the editor with it. */
  onOpen(doc: EditorDocument, notice?: string): void;
  /** The open file changed: put it in the address. */
  onFileShown(file: string): void;
}

/** The open document and the toolbar's actions on it. */
export function useEditorDocument(ws: Workspace, options: EditorDocumentOptions) {
  const { initial, onOpen, onFileShown } = options;
  const [doc, setDoc] = useState(initial);
  const [status, setStatus] = useState<string | undefined>(options.notice);
  const [undoable, setUndoable] = useState(options.replaced);
  const [share, setShare] = useState<string>();
  // Read once per open file: the editor remounts when another file opens.
  const [newDrafts] = useState(() => newLessonDrafts(ws));

  const apply = (outcome: Outcome | undefined) => {
    if (!outcome) return;
    setDoc(outcome.doc);
    setShare(undefined);
    setStatus(outcome.status);
  };

  const open = async (file: string) => {
    try {
      onOpen(await openFile(ws, file));
      onFileShown(file);
    } catch (error) {
      setStatus(messageOf(error));
    }
  };

  return {
    doc,
    status,
    setStatus,
    undoable,
    share,
    /** The files the picker lists. */
    files: pickerFiles(ws, doc.file, newDrafts),
    /** Edited from the shipped lesson (a new lesson always is). */
    edited: doc.shipped === undefined || doc.source !== doc.shipped,
    edit: (source: string) => apply(edit(ws, doc, source, new Date())),
    open,
    newLesson() {
      const { doc: created, status: said } = newLesson(ws);
      onOpen(created, said);
      onFileShown(created.file);
    },
    undoReplace() {
      if (!undoable) return;
      setUndoable(undefined);
      apply(undoReplace(ws, doc, undoable));
    },
    revert: () => apply(revert(ws, doc)),
    discard() {
      ws.drafts.delete(doc.file);
      const first = ws.lessonFiles[0];
      if (first) void open(first);
    },
    /** Rename a new lesson; false when the name is refused. */
    rename(file: string): boolean {
      const renamed = rename(ws, doc, file);
      if (!renamed) return false;
      setDoc(renamed);
      onFileShown(file);
      return true;
    },
    /** The file to download (the name checked once more), or why not. */
    download(): { name: string; source: string } | undefined {
      if (!isLessonFile(doc.file)) {
        setStatus(`Not downloaded: ${notALessonFile(doc.file)}`);
        return undefined;
      }
      const name = baseName(doc.file);
      setStatus(`Downloaded ${name}: put it in lessons/ and run npm run lessons:check.`);
      return { name, source: doc.source };
    },
    /** Make a link that carries the draft, and copy it with `copy`. */
    async makeShareLink(origin: string, copy: (text: string) => Promise<void>) {
      try {
        const url = `${origin}#${await encodeDraft({ file: doc.file, source: doc.source })}`;
        setShare(url);
        try {
          await copy(url);
          setStatus(
            `Share link copied (${url.length.toLocaleString()} characters). It carries the whole draft: no server keeps it.`,
          );
        } catch {
          setStatus('Copy the share link below: it carries the whole draft, no server keeps it.');
        }
      } catch (error) {
        setStatus(`Could not make a share link: ${messageOf(error)}`);
      }
    },
  };
}
