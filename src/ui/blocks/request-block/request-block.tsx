import {
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
// From the modules themselves, not the client's index: the index would also bring the export
// formats, which load on first use.
import type { PlaywrightTestExport } from '../../../client/export-request.ts';
import { type HttpSyntaxError, parseHttpRequest } from '../../../client/http-request.ts';
import { findVariables } from '../../../client/placeholders.ts';
import type { TokenRequestForm } from '../../../client/token-request.ts';
import type { BlockProps } from '../../shared/block-props.ts';
import { useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServerStatus } from '../../shared/mock-server-context.tsx';
import { findLoadedLesson } from '../../shared/use-lessons.ts';
import { CopyButton } from './copy-button.tsx';
import { requestStep, stepsBefore } from './export-steps.ts';
import { PlaywrightExportPanel } from './playwright-export-panel.tsx';
import { ResponseView, statusLine, statusTone } from './response-view.tsx';
import { isTokenEndpoint, readTokenForm, updateTokenRequestText } from './token-form.ts';
import { TokenFormFields } from './token-form-fields.tsx';
import './request-block.css';

const DEFAULT_FORM: TokenRequestForm = {
  grantType: 'client_credentials',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  authMethod: 'client_secret_post',
  scope: [],
};

const loadExportFormats = () => import('../../../client/export-request.ts');

function describeSyntaxError(error: HttpSyntaxError): string {
  return `Line ${error.line}, column ${error.column}: ${error.message}`;
}

/** Whether the browser sizes a textarea to its content by itself (CSS `field-sizing`). */
const FIELD_SIZING = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content');

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}

const noSubscription = () => () => {};

/** The platform's send shortcut; a prerendered page says Ctrl+Enter until it hydrates. */
function useSendShortcut(): string {
  const mac = useSyncExternalStore(noSubscription, isMac, () => false);
  return mac ? '⌘ Enter' : 'Ctrl+Enter';
}

/**
 * A lesson's request: the builder (for token requests) and the raw `.http` editor, Send and the
 * export buttons, then the response with its explanation. Sends go through the lesson runtime
 * (a TanStack Query mutation), which records the exchange, saves variables and marks progress.
 */
export function RequestBlockView({ block }: BlockProps<'request'>) {
  const runtime = useLessonRuntime();
  // Rendered at once, before the mock servers run: a Send then waits for them (the runtime's).
  const status = useMockServerStatus();
  const ids = useId();
  const shortcut = useSendShortcut();
  const textareaRef = useRef<HTMLTextAreaElement>(null);

  const draft = runtime.drafts[block.id];
  const text = draft ?? block.request.source;
  const edited = draft !== undefined && draft !== block.request.source;
  const parsed = useMemo(() => parseHttpRequest(text), [text]);
  const isToken = isTokenEndpoint(parsed.ok ? parsed.request.url : block.request.url);
  const [editing, setEditing] = useState(block.editable || isToken || edited);
  const focusEditor = useRef(false);

  const [sendError, setSendError] = useState<string>();
  const [drifted, setDrifted] = useState(false);
  const [saved, setSaved] = useState<string[]>();
  const exchange = runtime.exchanges[block.id];
  const expectation = exchange && block.expect ? runtime.judge(exchange, block.expect) : undefined;
  const pending = runtime.pending[block.id] === true;
  const lastStatus = runtime.statuses[block.id];
  const progress = runtime.progress[block.id];

  // The builder shows the last request it could read while the raw text is mid-edit.
  const lastForm = useRef<TokenRequestForm>(DEFAULT_FORM);
  const formResult = isToken && parsed.ok ? readTokenForm(parsed.request) : undefined;
  if (formResult?.ok) lastForm.current = formResult.form;
  const blockedReason = !isToken
    ? undefined
    : !parsed.ok
      ? 'the raw request has a syntax error.'
      : formResult && !formResult.ok
        ? formResult.reason
        : undefined;

  // The editor grows with its text (wrapped lines included), up to a limit, then scrolls. CSS
  // `field-sizing: content` does it without a forced layout; this is for browsers without it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useLayoutEffect(() => {
    const area = textareaRef.current;
    if (!area || FIELD_SIZING) return;
    area.style.height = 'auto';
    area.style.height = `${Math.min(area.scrollHeight + 2, 480)}px`;
  }, [text, editing]);

  useEffect(() => {
    if (editing && focusEditor.current) {
      focusEditor.current = false;
      textareaRef.current?.focus();
    }
  }, [editing]);

  const setText = (next: string) => {
    runtime.setDraft(block.id, next === block.request.source ? undefined : next);
  };

  const onFormChange = (form: TokenRequestForm) => {
    const url = parsed.ok ? parsed.request.url : block.request.url;
    // Into the text as written: the learner's comments and header order stay.
    setText(updateTokenRequestText(text, form, url));
  };

  const send = async () => {
    if (pending) return;
    if (!parsed.ok) {
      setSendError(
        `The request cannot be sent until it parses. ${parsed.errors.map(describeSyntaxError).join(' ')}`,
      );
      textareaRef.current?.focus();
      return;
    }
    setSendError(undefined);
    const outcome = await runtime.send(block.id, parsed.request, {
      save: block.save,
      ...(block.expect && { expect: block.expect }),
    });
    if ('error' in outcome) {
      setSendError(outcome.error);
      setSaved(undefined);
      setDrifted(false);
    } else {
      setSaved(outcome.saved);
      // Not what the step expects, and the server had moved since the last step: say so.
      setDrifted(outcome.expectation?.ok === false && (outcome.drift?.length ?? 0) > 0);
      runtime.checkDrift();
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  // The export formats load on first use: a lesson page goes live without them.
  const exportText = async (format: 'curl' | 'fetch') => {
    const request = parsed.ok ? parsed.request : block.request;
    const [filled, formats] = await Promise.all([runtime.fill(request), loadExportFormats()]);
    return format === 'curl' ? formats.toCurl(filled.request) : formats.toFetch(filled.request);
  };

  const [playwright, setPlaywright] = useState<PlaywrightTestExport>();
  const exportPlaywright = async () => {
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

  const variables = findVariables(text).filter((name) => !name.startsWith('$'));
  const headingId = `${ids}-title`;
  const errorsId = `${ids}-errors`;
  const hintId = `${ids}-hint`;

  return (
    <section
      id={`request-${block.id}`}
      className="request-block"
      aria-labelledby={headingId}
      data-request-id={block.id}
      data-progress={progress}
    >
      <header className="request-block__header">
        <div className="request-block__heading">
          <span className="request-block__kind">Request</span>
          <h3 id={headingId} className="request-block__title">
            {block.title ?? block.id}
          </h3>
        </div>
        <div className="request-block__badges">
          {block.expect ? (
            <span className="badge" title="What this step expects">
              expects {block.expect.status}
              {block.expect.error ? ` ${block.expect.error}` : ''}
            </span>
          ) : null}
          {progress === 'done' ? (
            <span className="badge badge--success">✓ Done</span>
          ) : progress === 'failed' ? (
            <span className="badge badge--warning">Not yet</span>
          ) : null}
        </div>
      </header>
      <div className="request-block__panes">
        {/* biome-ignore lint/a11y/noStaticElementInteractions: Ctrl/Cmd+Enter anywhere in the editor sends, as in editor REST clients; the Send button is the primary control */}
        <div className="request-pane" onKeyDown={onKeyDown}>
          {isToken ? (
            <TokenFormFields
              form={formResult?.ok ? formResult.form : lastForm.current}
              clients={status.state === 'ready' ? status.server.admin.listClients() : undefined}
              onChange={onFormChange}
              blockedReason={blockedReason}
            />
          ) : null}
          {editing ? (
            <div className="raw-editor">
              <label htmlFor={`${ids}-raw`} className="raw-editor__label">
                Raw HTTP request
                {edited ? <span className="badge badge--info">edited</span> : null}
              </label>
              <textarea
                id={`${ids}-raw`}
                ref={textareaRef}
                className="raw-editor__textarea"
                value={text}
                rows={4}
                spellCheck={false}
                autoCapitalize="off"
                autoComplete="off"
                aria-invalid={!parsed.ok || undefined}
                aria-describedby={`${parsed.ok ? '' : `${errorsId} `}${hintId}`}
                onChange={(e) => setText(e.target.value)}
              />
              {!parsed.ok ? (
                <ul id={errorsId} className="raw-editor__errors" aria-live="polite">
                  {parsed.errors.map((error) => (
                    <li key={`${error.line}:${error.column}:${error.message}`}>
                      {describeSyntaxError(error)}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : (
            <pre className="raw-view">
              <code>{text}</code>
            </pre>
          )}
          {variables.length > 0 ? (
            <ul className="var-chips" aria-label="Variables this request uses">
              {variables.map((name) => {
                const value = runtime.vars[name];
                return (
                  <li key={name} className="var-chip" data-set={value !== undefined}>
                    <code>{`{{${name}}}`}</code>
                    <span className="var-chip__value">
                      {value === undefined
                        ? 'not set yet'
                        : value.length > 24
                          ? `${value.slice(0, 20)}…`
                          : value}
                    </span>
                  </li>
                );
              })}
            </ul>
          ) : null}
          <div className="request-actions">
            <button
              type="button"
              className="btn btn--primary request-actions__send"
              onClick={() => void send()}
              aria-busy={pending || undefined}
              aria-describedby={hintId}
            >
              {pending ? <span className="spinner spinner--on-accent" aria-hidden="true" /> : null}
              Send
            </button>
            <span id={hintId} className="request-actions__hint">
              or <kbd>{shortcut}</kbd> in the editor
            </span>
          </div>
          <div className="request-tools">
            {!editing ? (
              <button
                type="button"
                className="btn btn--small"
                onClick={() => {
                  focusEditor.current = true;
                  setEditing(true);
                }}
              >
                Edit
              </button>
            ) : null}
            <CopyButton label="Copy as curl" getText={() => exportText('curl')} />
            <CopyButton label="Copy as fetch" getText={() => exportText('fetch')} />
            <button
              type="button"
              className="btn btn--small"
              aria-expanded={playwright !== undefined}
              aria-controls={playwright ? `${ids}-playwright` : undefined}
              onClick={() => void exportPlaywright()}
            >
              Export as Playwright test
            </button>
            <button
              type="button"
              className="btn btn--small btn--ghost"
              disabled={!edited}
              onClick={() => {
                setText(block.request.source);
                setSendError(undefined);
                if (!(block.editable || isTokenEndpoint(block.request.url))) setEditing(false);
              }}
            >
              Reset request
            </button>
          </div>
          {playwright ? (
            <PlaywrightExportPanel id={`${ids}-playwright`} result={playwright} />
          ) : null}
        </div>
        <div className="response-pane">
          <div className="response-pane__header">
            <span className="response-pane__label">Response</span>
            <p
              role="status"
              aria-live="polite"
              aria-label="Response status"
              className="response-pane__status"
              data-tone={!pending && exchange ? statusTone(exchange.status) : undefined}
            >
              {pending
                ? runtime.serverStarting
                  ? 'Starting the mock servers…'
                  : 'Sending…'
                : exchange
                  ? statusLine(exchange)
                  : ''}
            </p>
          </div>
          {sendError ? (
            <div className="callout callout--danger response-pane__error" role="alert">
              <p className="callout__title">Not sent</p>
              <p>{sendError}</p>
            </div>
          ) : null}
          {drifted && runtime.drift.length > 0 && !runtime.settingUp ? (
            <div className="callout callout--warning response-pane__drift" role="note">
              <p>
                This answer may differ from the lesson because {runtime.drift.join('; ')} since your
                last step.
              </p>
              <p>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => {
                    setDrifted(false);
                    void runtime.replay(block.id);
                  }}
                >
                  Set the lesson up again
                </button>{' '}
                <span className="muted">then press Send once more.</span>
              </p>
            </div>
          ) : null}
          {exchange ? (
            <ResponseView
              exchange={exchange}
              expect={block.expect}
              expectation={expectation}
              saved={saved}
              log={runtime.serverLog(exchange.requestId)}
              showStatus={false}
            />
          ) : !sendError ? (
            <p className="response-pane__empty">
              {lastStatus !== undefined
                ? `Last answer before the reload: ${lastStatus}. Send again to see the full response.`
                : 'Press Send to see what the server answers.'}
            </p>
          ) : null}
        </div>
      </div>
    </section>
  );
}
