import {
  type KeyboardEvent,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useSyncExternalStore,
} from 'react';
import type { BlockProps } from '../../shared/block-props.ts';
import { Checkbox } from '../../shared/checkbox.tsx';
import { useMockServerStatus } from '../../shared/mock-server-context.tsx';
import { CopyButton } from './copy-button.tsx';
import { DpopProofView } from './dpop-proof-view.tsx';
import { PlaywrightExportPanel } from './playwright-export-panel.tsx';
import { describeSyntaxError, sentProof } from './request-block-model.ts';
import { ResponseView, statusLine, statusTone } from './response-view.tsx';
import { TokenFormFields } from './token-form-fields.tsx';
import { useRequestBlock } from './use-request-block.ts';
import './request-block.css';

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
  // Rendered at once, before the mock servers run: a Send then waits for them (the runtime's).
  const status = useMockServerStatus();
  const ids = useId();
  const shortcut = useSendShortcut();
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const focusEditor = useRef(false);
  const r = useRequestBlock(block);
  const { runtime, text, setText, edited, parsed, builder, editing, setEditing } = r;
  const { exchange, expectation, pending, lastStatus, progress, sendError, saved, drifted } = r;
  const { playwright, variables } = r;
  const proof = exchange ? sentProof(exchange.request.headers) : undefined;

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

  const send = async () => {
    if (!(await r.send())) textareaRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

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
          {builder.isToken ? (
            <TokenFormFields
              form={r.form}
              clients={status.state === 'ready' ? status.server.admin.listClients() : undefined}
              onChange={r.onFormChange}
              blockedReason={builder.blockedReason}
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
                <ul id={errorsId} className="notice notice--danger" aria-live="polite">
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
              {variables.map((chip) => (
                <li key={chip.name} className="var-chip" data-set={chip.set}>
                  <code>{`{{${chip.name}}}`}</code>
                  <span className="var-chip__value">{chip.shown}</span>
                </li>
              ))}
            </ul>
          ) : null}
          {r.dpop.applies ? (
            <Checkbox
              className="check request-dpop"
              checked={r.dpop.on}
              onChange={r.dpop.toggle}
              describedBy={`${ids}-dpop-hint`}
            >
              Sender-constrained (DPoP)
              <span id={`${ids}-dpop-hint`} className="request-dpop__hint">
                {r.dpop.on
                  ? 'A fresh proof, signed by this page’s key, goes with every send.'
                  : 'Send a DPoP proof: the token is bound to this page’s key.'}
              </span>
            </Checkbox>
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
            <CopyButton label="Copy as curl" getText={() => r.exportText('curl')} />
            <CopyButton label="Copy as fetch" getText={() => r.exportText('fetch')} />
            <button
              type="button"
              className="btn btn--small"
              aria-expanded={playwright !== undefined}
              aria-controls={playwright ? `${ids}-playwright` : undefined}
              onClick={r.togglePlaywright}
            >
              Export as Playwright test
            </button>
            <button
              type="button"
              className="btn btn--small btn--ghost"
              disabled={!edited}
              onClick={r.resetText}
            >
              Reset request
            </button>
          </div>
          {playwright ? (
            <PlaywrightExportPanel id={`${ids}-playwright`} result={playwright} />
          ) : null}
          {proof ? <DpopProofView proof={proof} /> : null}
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
                    r.dismissDrift();
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
