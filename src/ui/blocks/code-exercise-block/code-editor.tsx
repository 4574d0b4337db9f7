/**
 * The code exercise's editor: CodeMirror 6, with what writing a small module needs and nothing
 * more. Line numbers, TypeScript or JavaScript highlighting, undo, bracket matching, indentation
 * with Tab (Escape then Tab moves on, CodeMirror's way out for keyboard users), and the run's
 * errors marked at their lines. No autocompletion or auto-closing brackets: what a learner types
 * (or a test types for them) is what the editor holds.
 *
 * This module is the only one that imports CodeMirror, and only the code exercise block imports
 * it: lessons without a code exercise never load it (`npm run bench` reports its size).
 *
 * The editor lives in a shadow root. CodeMirror styles itself at run time, and in a document it
 * does so with a `<style>` element, which the page's Content-Security-Policy blocks (no
 * 'unsafe-inline', and a static host cannot hand out nonces); in a shadow root it uses a
 * constructed stylesheet instead, which the policy does not govern, as it does not govern
 * React's `style={...}` (docs/decisions/content-security-policy.md).
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching,
  delimitedIndent,
  HighlightStyle,
  indentNodeProp,
  indentOnInput,
  LRLanguage,
  syntaxHighlighting,
} from '@codemirror/language';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { parser } from '@lezer/javascript';
import { useEffect, useRef } from 'react';

/** A problem to mark in the editor, at a 1-based line. */
export interface EditorMark {
  line: number;
  message: string;
}

export interface CodeEditorProps {
  value: string;
  lang: 'ts' | 'js';
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun(): void;
  /** Problems from the last run, marked at their lines (underlined, with a gutter sign). */
  marks: readonly EditorMark[];
  /** The accessible name and description of the editable area (it sits in a shadow root, where
   * ids from the page do not reach). */
  label: string;
  description: string;
  /** Set by the block to move the cursor to a line (a failed test's "line 12" link). */
  focusLine?: { line: number; seq: number };
}

/**
 * TypeScript and JavaScript from the Lezer grammar directly: @codemirror/lang-javascript would
 * add autocompletion and JSX support this editor does not use (13 kB gzip more).
 */
function language(lang: 'ts' | 'js'): LRLanguage {
  return LRLanguage.define({
    name: lang === 'ts' ? 'typescript' : 'javascript',
    parser: parser.configure({
      ...(lang === 'ts' && { dialect: 'ts' }),
      props: [
        indentNodeProp.add({
          'Block ClassBody SwitchBody EnumBody ObjectType ObjectExpression': delimitedIndent({
            closing: '}',
          }),
          'ArrayExpression TupleType': delimitedIndent({ closing: ']' }),
          'ArgList ParamList': delimitedIndent({ closing: ')' }),
        }),
      ],
    }),
    languageData: {
      commentTokens: { line: '//', block: { open: '/*', close: '*/' } },
      indentOnInput: /^\s*(?:case |default:|\{|\}|\]|\))$/,
      closeBrackets: { brackets: ['(', '[', '{', "'", '"', '`'] },
    },
  });
}

/** Colours from the theme's variables, so the editor follows the light and dark themes. */
const highlightStyle = HighlightStyle.define([
  { tag: [tags.keyword, tags.modifier, tags.operatorKeyword], color: 'var(--syntax-keyword)' },
  { tag: [tags.string, tags.special(tags.string), tags.regexp], color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--syntax-number)' },
  {
    tag: [tags.comment, tags.lineComment, tags.blockComment],
    color: 'var(--syntax-comment)',
    fontStyle: 'italic',
  },
  { tag: [tags.typeName, tags.className, tags.namespace], color: 'var(--syntax-type)' },
  {
    tag: [tags.function(tags.variableName), tags.function(tags.propertyName)],
    color: 'var(--syntax-function)',
  },
  { tag: tags.definition(tags.variableName), color: 'var(--syntax-definition)' },
]);

const editorTheme = EditorView.theme({
  '&': {
    maxHeight: '32rem',
    fontSize: '0.86rem',
    backgroundColor: 'var(--code-bg)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: 'var(--radius-sm)',
  },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--text)', padding: '8px 0' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg-subtle)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'var(--code-active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--code-active-line)', color: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': {
    backgroundColor: 'var(--code-selection) !important',
  },
  '.cm-matchingBracket': { outline: '1px solid var(--text-muted)', backgroundColor: 'transparent' },
  // CodeMirror draws lint marks as data: SVG images, which the policy's img-src refuses: a dot
  // and a wavy underline from CSS instead.
  '.cm-lint-marker-error': {
    content: 'none',
    backgroundImage: 'none',
    width: '0.6em',
    height: '0.6em',
    margin: '0.45em auto 0',
    borderRadius: '50%',
    backgroundColor: 'var(--danger)',
  },
  '.cm-lintRange-error': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy var(--danger)',
    textUnderlineOffset: '3px',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--bg-elevated)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
  },
});

function diagnosticsFor(state: EditorState, marks: readonly EditorMark[]): Diagnostic[] {
  return marks
    .filter((mark) => mark.line >= 1 && mark.line <= state.doc.lines)
    .map((mark) => {
      const line = state.doc.line(mark.line);
      const start = line.from + (line.text.length - line.text.trimStart().length);
      return {
        from: start,
        to: Math.max(start, line.to),
        severity: 'error',
        message: mark.message,
      };
    });
}

export function CodeEditor({
  value,
  lang,
  onChange,
  onRun,
  marks,
  label,
  description,
  focusLine,
}: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once; value and marks follow below
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
    shadow.replaceChildren();
    const parent = document.createElement('div');
    const help = document.createElement('p');
    help.id = 'code-editor-help';
    help.hidden = true;
    help.textContent = description;
    shadow.append(parent, help);
    const editor = new EditorView({
      parent,
      root: shadow,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          indentOnInput(),
          bracketMatching(),
          lintGutter(),
          language(lang),
          syntaxHighlighting(highlightStyle),
          EditorState.tabSize.of(2),
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                callbacks.current.onRun();
                return true;
              },
            },
            indentWithTab,
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          EditorView.contentAttributes.of({
            'aria-label': label,
            'aria-describedby': help.id,
            'aria-multiline': 'true',
            // Editable content is focusable already; said outright, so a checker sees that the
            // scroller around a long line is reachable by keyboard.
            tabindex: '0',
            spellcheck: 'false',
            autocapitalize: 'off',
            autocorrect: 'off',
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
          editorTheme,
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = undefined;
    };
  }, []);

  // A value set from outside (reset, the reference solution): replace the document.
  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (editor) editor.dispatch(setDiagnostics(editor.state, diagnosticsFor(editor.state, marks)));
  }, [marks]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || !focusLine) return;
    const line = editor.state.doc.line(
      Math.min(Math.max(1, focusLine.line), editor.state.doc.lines),
    );
    editor.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
    editor.focus();
  }, [focusLine]);

  return <div ref={host} className="code-editor" data-lang={lang} />;
}
