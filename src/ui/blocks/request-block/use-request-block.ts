/**
 * A request block's state and actions over the lesson runtime: the text and its draft, Send, the
 * exports. Its rules are request-block-model.ts's plain functions (tested in Node);
 * request-block.tsx only draws what this returns (and sizes its editor).
 */
import { useMemo, useRef, useState } from 'react';
// From the modules themselves, not the client's index: the index would also bring the export
// formats, which load on first use.
import type { PlaywrightTestExport } from '../../../client/export-request.ts';
import { parseHttpRequest } from '../../../client/http-request.ts';
import type { TokenRequestForm } from '../../../client/token-request.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { findLoadedLesson } from '../../shared/use-lessons.ts';
import { requestStep, stepsBefore } from './export-steps.ts';
import {
  builderView,
  DEFAULT_FORM,
  dpopApplies,
  opensEditing,
  type SendReport,
  sendReport,
  unsentReason,
  usesDpop,
  variableChips,
  withDpop,
} from './request-block-model.ts';
import { isTokenEndpoint, updateTokenRequestText } from './token-form.ts';

const loadExportFormats = () => import('../../../client/export-request.ts');

/** A request block's state and actions, over the lesson runtime. */
export function useRequestBlock(block: BlockProps<'request'>['block']) {
  const runtime = useLessonRuntime();
  const draft = runtime.drafts[block.id];
  const text = draft ?? block.request.source;
  const edited = draft !== undefined && draft !== block.request.source;
  const parsed = useMemo(() => parseHttpRequest(text), [text]);
  const builder = builderView(parsed, block.request.url);
  const [editing, setEditing] = useState(opensEditing(block, builder.isToken, edited));

  const [report, setReport] = useState<SendReport>({
    sendError: undefined,
    saved: undefined,
    drifted: false,
  });
  const exchange = runtime.exchanges[block.id];
  const expectation = exchange && block.expect ? runtime.judge(exchange, block.expect) : undefined;
  const pending = runtime.pending[block.id] === true;

  // The builder shows the last request it could read while the raw text is mid-edit.
  const lastForm = useRef<TokenRequestForm>(DEFAULT_FORM);
  if (builder.form) lastForm.current = builder.form;

  const setText = (next: string) => {
    runtime.setDraft(block.id, next === block.request.source ? undefined : next);
  };

  const onFormChange = (form: TokenRequestForm) => {
    const url = parsed.ok ? parsed.request.url : block.request.url;
    // Into the text as written: the learner's comments and header order stay.
    setText(updateTokenRequestText(text, form, url));
  };

  /** Send the text; false when it does not parse (the view then focuses the editor). */
  const send = async (): Promise<boolean> => {
    if (pending) return true;
    if (!parsed.ok) {
      setReport((r) => ({ ...r, sendError: unsentReason(parsed) }));
      return false;
    }
    setReport((r) => ({ ...r, sendError: undefined }));
    const outcome = await runtime.send(block.id, parsed.request, {
      save: block.save,
      ...(block.expect && { expect: block.expect }),
    });
    setReport(sendReport(outcome));
    if (!('error' in outcome)) runtime.checkDrift();
    return true;
  };

  // The export formats load on first use: a lesson page goes live without them.
  const exportText = async (format: 'curl' | 'fetch') => {
    const request = parsed.ok ? parsed.request : block.request;
    const [filled, formats] = await Promise.all([runtime.fill(request), loadExportFormats()]);
    return format === 'curl' ? formats.toCurl(filled.request) : formats.toFetch(filled.request);
  };

  const [playwright, setPlaywright] = useState<PlaywrightTestExport>();
  const togglePlaywright = async () => {
    if (playwright) {
      setPlaywright(undefined);
      return;
    }
    const { toPlaywrightTest } = await loadExportFormats();
    const lesson = findLoadedLesson(runtime.slug);
    const request = parsed.ok ? parsed.request : block.request;
    // The lesson's expectation; without one, the answer the learner last saw.
    const want = block.expect ?? (exchange ? { status: exchange.status } : undefined);
    setPlaywright(
      toPlaywrightTest({
        id: block.id,
        ...(lesson && { lesson: { slug: lesson.slug, title: lesson.title } }),
        setup: (lesson && stepsBefore(lesson.body, block.id)) ?? [],
        step: { ...requestStep(block), request, ...(want && { expect: want }) },
        vars: runtime.vars,
        // This playground, base path included: the command the panel shows runs against it.
        playgroundUrl: new URL(import.meta.env.BASE_URL, window.location.href).href,
      }),
    );
  };

  const resetText = () => {
    setText(block.request.source);
    setReport((r) => ({ ...r, sendError: undefined }));
    if (!opensEditing(block, isTokenEndpoint(block.request.url), false)) setEditing(false);
  };

  const dpopOn = usesDpop(text);
  return {
    runtime,
    dpop: {
      /** The switch is shown for token requests and API calls. */
      applies: dpopOn || dpopApplies(parsed.ok ? parsed.request.url : block.request.url),
      on: dpopOn,
      // The switch edits the text: show it, so the learner sees what changed.
      toggle: (on: boolean) => {
        setText(withDpop(text, on));
        setEditing(true);
      },
    },
    text,
    setText,
    edited,
    parsed,
    builder,
    form: builder.form ?? lastForm.current,
    onFormChange,
    editing,
    setEditing,
    exchange,
    expectation,
    pending,
    lastStatus: runtime.statuses[block.id],
    progress: runtime.progress[block.id],
    ...report,
    dismissDrift: () => setReport((r) => ({ ...r, drifted: false })),
    send,
    exportText,
    playwright,
    togglePlaywright: () => void togglePlaywright(),
    resetText,
    variables: variableChips(text, runtime.vars),
  };
}
