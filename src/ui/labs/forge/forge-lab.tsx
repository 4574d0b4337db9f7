import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  CHECK_LABELS,
  CHECK_SHORT,
  type CheckRow,
  checkRows,
  draftFromToken,
  FORGE_PRESETS,
  FORGE_ROUTES,
  FORGE_SIGNINGS,
  type ForgeDraft,
  type ForgeEnv,
  type ForgePreset,
  type ForgeRoute,
  type ForgeSigning,
  failedCheck,
  forgeRequest,
  mintedDraft,
  type ResourceCheck,
  SIGNING_LABELS,
  signDraft,
} from '../../../client/forge.ts';
import { getHeader, parseWwwAuthenticate, type RecordedExchange } from '../../../client/index.ts';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type { LogEntry, MockServer } from '../../../protocol/index.ts';
import { useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { useServerNow } from '../../shared/use-server-now.ts';
import { LabCard } from '../lab-card.tsx';
import type { LabProps } from '../lab-props.ts';
import { FieldEditor, type FieldRow, objectFrom, rowsFrom } from './forge-editor.tsx';
import './forge-lab.css';

/** The lab's options, as src/lessons/labs/forge.ts's schema output them at build time. */
type ForgeConfig = LabConfig<'forge'>;

const HEADER_SUGGESTIONS = ['alg', 'typ', 'kid'] as const;
const CLAIM_SUGGESTIONS = ['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti'];

/** What the API answered to one forged token, with the core's own account of its checks. */
interface ForgeResult {
  token: string;
  status: number;
  statusText: string;
  challenge: string | undefined;
  errorCode: string | undefined;
  errorDescription: string | undefined;
  rows: CheckRow[];
  failed: ResourceCheck | undefined;
  /** What the server knew (never sent to the client). */
  detail: string | undefined;
  presetId: string | undefined;
}

/** The token forge: edit a token, re-sign it, replay it, see which check stops it. */
export function ForgeLab({ block }: LabProps<'forge'>) {
  return (
    <LabCard
      block={block}
      className="forge-lab"
      defaultTitle="Token forge"
      subtitle={<>Change any part of a token, sign it again, and see which check stops it.</>}
    >
      <Forge labId={block.id} config={block.config} />
    </LabCard>
  );
}

function envOf(server: MockServer, route: ForgeRoute = 'users'): ForgeEnv {
  const keys = server.admin.keys();
  const active = keys.find((k) => k.status === 'active') ?? keys.at(-1);
  const { issuer, audience } = server.options;
  return {
    issuer,
    audience,
    now: server.admin.clock().now,
    leewaySeconds: server.admin.settings().leewaySeconds,
    kid: active?.kid ?? '',
    alg: active?.alg ?? 'ES256',
    requiredScope: FORGE_ROUTES[route].scope,
  };
}

type Source = 'lesson' | 'minted' | 'pasted';

function Forge({ labId, config }: { labId: string; config: ForgeConfig }) {
  const server = useMockServer();
  const runtime = useLessonRuntime();
  const now = useServerNow(server);
  const ids = useId();
  const presets = useMemo(
    () =>
      config.presets
        ? config.presets.flatMap((id) => FORGE_PRESETS.filter((p) => p.id === id))
        : FORGE_PRESETS,
    [config.presets],
  );

  const lessonToken = runtime.vars[config.from];
  const [base, setBase] = useState<{ token: string; draft: ForgeDraft; source: Source }>();
  const [pasteText, setPasteText] = useState('');
  const [sourceError, setSourceError] = useState<string>();
  const [headerRows, setHeaderRows] = useState<FieldRow[]>([]);
  const [payloadRows, setPayloadRows] = useState<FieldRow[]>([]);
  const [signing, setSigning] = useState<ForgeSigning>('keep');
  const [presetId, setPresetId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [result, setResult] = useState<ForgeResult>();
  const [replays, setReplays] = useState<Record<string, ForgeResult>>({});

  /** The learner changed the draft since the last load: do not replace it under them. */
  const dirty = useRef(false);
  const load = useCallback((token: string, draft: ForgeDraft, source: Source) => {
    dirty.current = false;
    setBase({ token, draft, source });
    setHeaderRows(rowsFrom(draft.header));
    setPayloadRows(rowsFrom(draft.payload));
    setSigning('keep');
    setPresetId(undefined);
    setResult(undefined);
    setProblem(undefined);
  }, []);

  const mint = useCallback(async () => {
    setSourceError(undefined);
    try {
      const { token, draft } = await mintedDraft(envOf(server, config.route), server.admin);
      load(token, draft, 'minted');
    } catch (error) {
      setSourceError(error instanceof Error ? error.message : String(error));
    }
  }, [server, load, config.route]);

  // Start from the lesson's token when it is a JWT, else from one minted now. A lesson token
  // that arrives (or changes) later replaces the starting token, unless the learner has pasted
  // one or begun editing.
  const started = useRef(false);
  const followed = useRef<string | undefined>(undefined);
  useEffect(() => {
    const first = !started.current;
    started.current = true;
    if (lessonToken && lessonToken !== followed.current) {
      followed.current = lessonToken;
      if (first || (!dirty.current && base?.source !== 'pasted')) {
        try {
          load(lessonToken, draftFromToken(lessonToken), 'lesson');
          return;
        } catch {
          // an opaque or broken lesson token: keep (or mint) another
        }
      }
    }
    if (first) void mint();
  }, [lessonToken, load, mint, base?.source]);

  const applyPreset = (preset: ForgePreset) => {
    if (!base) return;
    const draft = preset.build(envOf(server, config.route), base.draft);
    setHeaderRows(rowsFrom(draft.header));
    setPayloadRows(rowsFrom(draft.payload));
    setSigning(draft.signing);
    setPresetId(preset.id);
    dirty.current = true;
    setResult(undefined);
    setProblem(undefined);
  };

  const report = useCallback(
    (r: ForgeResult, forged: boolean) => {
      if (!forged) return;
      const detail = r.failed
        ? `${r.status} at ${CHECK_LABELS[r.failed]}`
        : `${r.status}: accepted`;
      runtime.reportLabOutcome(labId, r.failed ? 'forged-rejected' : 'forged-accepted', {
        ok: true,
        detail,
      });
      if (r.failed) {
        runtime.reportLabOutcome(labId, `rejected-at-${CHECK_SHORT[r.failed]}`, {
          ok: true,
          detail,
        });
      }
    },
    [runtime, labId],
  );

  /** Sign, send through the lesson runtime (recorded), read the core's log entry. */
  const replay = async (draft: ForgeDraft, key: string, fromPreset?: string) => {
    const token = await signDraft(draft, server.admin);
    const outcome = await runtime.send(
      key,
      forgeRequest(server.options.apiOrigin, config.route, token),
    );
    if ('error' in outcome) throw new Error(outcome.error);
    return toResult(
      outcome.exchange,
      token,
      runtime.serverLog(outcome.exchange.requestId),
      fromPreset,
    );
  };

  const send = async () => {
    const header = objectFrom(headerRows, 'header');
    const payload = objectFrom(payloadRows, 'payload');
    if (typeof header === 'string' || typeof payload === 'string') {
      setProblem(typeof header === 'string' ? header : (payload as string));
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      const r = await replay(
        { header, payload, signing, originalSignature: base?.draft.originalSignature ?? '' },
        `${labId}:forge`,
        presetId,
      );
      setResult(r);
      report(r, r.token !== base?.token);
      if (presetId) recordReplay(presetId, r);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const recordReplay = (id: string, r: ForgeResult) => setReplays((prev) => ({ ...prev, [id]: r }));

  const replayAll = async () => {
    if (!base) return;
    setBusy(true);
    setProblem(undefined);
    const results: Record<string, ForgeResult> = {};
    try {
      for (const preset of presets) {
        const r = await replay(
          preset.build(envOf(server, config.route), base.draft),
          `${labId}:${preset.id}`,
          preset.id,
        );
        results[preset.id] = r;
        report(r, r.token !== base.token);
      }
      setReplays((prev) => ({ ...prev, ...results }));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  // Every shown preset replayed and each ended where it should: the outcome exercises check.
  const allMatched =
    presets.length > 0 &&
    presets.every((p) => {
      const r = replays[p.id];
      return r !== undefined && matches(p, r);
    });
  useEffect(() => {
    if (allMatched) {
      runtime.reportLabOutcome(labId, 'every-preset-replayed', {
        ok: true,
        detail: `${presets.length} presets, each stopped where expected`,
      });
    }
  }, [allMatched, runtime, labId, presets.length]);

  const route = FORGE_ROUTES[config.route];
  return (
    <div className="forge">
      <section className="forge-step" aria-labelledby={`${ids}-source`}>
        <h4 id={`${ids}-source`} className="forge-step__title">
          1. The token to start from
        </h4>
        <p className="forge-source__now">
          {base ? (
            <>
              <span className="badge badge--info">
                {base.source === 'lesson'
                  ? `the lesson's {{${config.from}}}`
                  : base.source === 'minted'
                    ? 'minted just now by the server'
                    : 'pasted'}
              </span>{' '}
              <code className="forge-token forge-token--short">{base.token}</code>
            </>
          ) : (
            <span className="muted">Getting a token…</span>
          )}
        </p>
        <div className="forge-source__actions">
          <button type="button" className="btn btn--small" onClick={() => void mint()}>
            Mint a new valid token
          </button>
          {lessonToken && (
            <button
              type="button"
              className="btn btn--small"
              onClick={() => {
                try {
                  load(lessonToken, draftFromToken(lessonToken), 'lesson');
                  setSourceError(undefined);
                } catch (error) {
                  setSourceError(error instanceof Error ? error.message : String(error));
                }
              }}
            >
              Use {`{{${config.from}}}`}
            </button>
          )}
        </div>
        <div className="forge-paste">
          <label htmlFor={`${ids}-paste`}>Or paste any JWT</label>
          <div className="forge-paste__row">
            <textarea
              id={`${ids}-paste`}
              className="forge-raw mono"
              rows={2}
              spellCheck={false}
              placeholder="eyJhbGciOi…"
              value={pasteText}
              aria-invalid={sourceError !== undefined}
              aria-describedby={sourceError ? `${ids}-paste-error` : undefined}
              onChange={(e) => setPasteText(e.target.value)}
            />
            <button
              type="button"
              className="btn btn--small"
              onClick={() => {
                try {
                  const token = pasteText.trim();
                  load(token, draftFromToken(token), 'pasted');
                  setSourceError(undefined);
                } catch (error) {
                  setSourceError(error instanceof Error ? error.message : String(error));
                }
              }}
            >
              Load pasted token
            </button>
          </div>
          {sourceError && (
            <p id={`${ids}-paste-error`} className="forge-error" role="alert">
              {sourceError}
            </p>
          )}
        </div>
      </section>

      <section className="forge-step" aria-labelledby={`${ids}-presets`}>
        <h4 id={`${ids}-presets`} className="forge-step__title">
          2. Pick a security case (or edit by hand)
        </h4>
        <ul className="forge-presets">
          {presets.map((p) => {
            const replayed = replays[p.id];
            const ok = replayed && matches(p, replayed);
            return (
              <li key={p.id}>
                <button
                  type="button"
                  className="forge-preset"
                  aria-pressed={presetId === p.id}
                  disabled={!base || busy}
                  onClick={() => applyPreset(p)}
                >
                  <span className="forge-preset__label">{p.label}</span>
                  <span className="forge-preset__why">{p.why}</span>
                  <span className="forge-preset__expect">
                    {p.expected ? (
                      <>
                        expected: {p.status} at <strong>{CHECK_LABELS[p.expected]}</strong>
                      </>
                    ) : (
                      <>expected: {p.status}, every check passes</>
                    )}
                    {replayed && (
                      <span className={`badge ${ok ? 'badge--success' : 'badge--danger'}`}>
                        {ok ? 'replayed ✓' : `got ${replayed.status}`}
                      </span>
                    )}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
        <button
          type="button"
          className="btn btn--small"
          disabled={!base || busy}
          onClick={() => void replayAll()}
        >
          Replay every case
        </button>
      </section>

      <section className="forge-step" aria-labelledby={`${ids}-edit`}>
        <h4 id={`${ids}-edit`} className="forge-step__title">
          3. Edit the header and claims
        </h4>
        <div className="forge-editors">
          <FieldEditor
            title="Header"
            what="header"
            rows={headerRows}
            onChange={(rows) => {
              setHeaderRows(rows);
              setPresetId(undefined);
              dirty.current = true;
            }}
            now={now}
            suggestions={HEADER_SUGGESTIONS}
          />
          <FieldEditor
            title="Claims"
            what="payload"
            rows={payloadRows}
            onChange={(rows) => {
              setPayloadRows(rows);
              setPresetId(undefined);
              dirty.current = true;
            }}
            now={now}
            suggestions={CLAIM_SUGGESTIONS}
          />
        </div>
      </section>

      <section className="forge-step" aria-labelledby={`${ids}-sign`}>
        <h4 id={`${ids}-sign`} className="forge-step__title">
          4. Sign it and send it
        </h4>
        <fieldset className="forge-signing">
          <legend className="visually-hidden">How to sign the token</legend>
          {FORGE_SIGNINGS.map((s) => (
            <label key={s} className="forge-signing__option">
              <input
                type="radio"
                name={`${ids}-signing`}
                value={s}
                checked={signing === s}
                disabled={s === 'keep' && !base?.draft.originalSignature}
                onChange={() => {
                  setSigning(s);
                  setPresetId(undefined);
                  dirty.current = true;
                }}
              />
              <span>{SIGNING_LABELS[s]}</span>
            </label>
          ))}
        </fieldset>
        <p className="muted forge-signing__hint">{SIGNING_HINTS[signing]}</p>
        <button
          type="button"
          className="btn btn--primary"
          disabled={!base || busy}
          onClick={() => void send()}
        >
          {busy ? 'Sending…' : `Send to ${route.method} ${route.path}`}
        </button>
        {problem && (
          <p className="forge-error" role="alert">
            {problem}
          </p>
        )}
      </section>

      {result && <ResultView result={result} />}

      {Object.keys(replays).length > 0 && (
        <ReplayTable presets={presets} replays={replays} allMatched={allMatched} />
      )}
    </div>
  );
}

const SIGNING_HINTS: Record<ForgeSigning, string> = {
  server:
    'Signed by the server’s active key through its admin mint: the signature is genuine, so only the claims can fail.',
  stranger:
    'A key pair made in this page and never published: the header may name the server’s kid, the signature will not match.',
  'hmac-public-key':
    'The old key-confusion attack: HMAC keyed with the server’s public key (PEM), which anyone can fetch. Needs alg HS256, HS384 or HS512.',
  keep: 'The signature of the token you started from, unchanged: any edit to the header or claims breaks it.',
  none: 'An empty signature. With alg none, that is an unsigned token.',
};

function matches(preset: ForgePreset, r: ForgeResult): boolean {
  return r.status === preset.status && r.failed === preset.expected;
}

function toResult(
  exchange: RecordedExchange,
  token: string,
  entry: LogEntry | undefined,
  presetId: string | undefined,
): ForgeResult {
  const challenge = getHeader(exchange.headers, 'www-authenticate');
  const params = challenge
    ? (parseWwwAuthenticate(challenge).find((c) => c.params.error !== undefined)?.params ?? {})
    : {};
  const steps = entry?.steps ?? [];
  return {
    token,
    status: exchange.status,
    statusText: exchange.statusText,
    challenge,
    errorCode: params.error,
    errorDescription: params.error_description,
    rows: checkRows(steps),
    failed: failedCheck(steps),
    detail: entry?.error?.detail,
    presetId,
  };
}

const MARKS = { passed: '✓', failed: '✗', not_reached: '·' } as const;
const WORDS = { passed: 'passed', failed: 'failed', not_reached: 'not reached' } as const;

function ResultView({ result }: { result: ForgeResult }) {
  const [head = '', body = '', sig = ''] = result.token.split('.');
  return (
    <section className="forge-result" aria-label="What the API answered" aria-live="polite">
      <p className="forge-result__status">
        <span
          className={`badge ${result.status < 300 ? 'badge--success' : result.status === 403 ? 'badge--warning' : 'badge--danger'}`}
        >
          {result.status} {result.statusText}
        </span>{' '}
        {result.failed ? (
          <span>
            Stopped at <strong>{CHECK_LABELS[result.failed]}</strong>
          </span>
        ) : result.status < 300 ? (
          <span>Every check passed: the API accepted this token.</span>
        ) : null}
      </p>
      <p className="visually-hidden">The token sent:</p>
      <p className="forge-token">
        <span className="forge-token__header">{head}</span>.
        <span className="forge-token__payload">{body}</span>.
        <span className="forge-token__signature">{sig}</span>
      </p>
      <ol className="forge-checks" aria-label="The API's checks, in order">
        {result.rows.map((row) => (
          <li key={row.name} className={`forge-check forge-check--${row.status}`}>
            <span className="forge-check__mark" aria-hidden="true">
              {MARKS[row.status]}
            </span>
            <span className="forge-check__label">{row.label}</span>
            <span className="forge-check__status">{WORDS[row.status]}</span>
          </li>
        ))}
      </ol>
      {result.challenge !== undefined && (
        <dl className="forge-answer">
          <dt>WWW-Authenticate</dt>
          <dd>
            <code className="forge-challenge">{result.challenge}</code>
          </dd>
          {result.errorCode && (
            <>
              <dt>error</dt>
              <dd>
                <code>{result.errorCode}</code>
              </dd>
            </>
          )}
          {result.errorDescription && (
            <>
              <dt>error_description</dt>
              <dd>{result.errorDescription}</dd>
            </>
          )}
          {result.detail && (
            <>
              <dt>What the server knew (never sent)</dt>
              <dd>
                <code>{result.detail}</code>
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

function ReplayTable({
  presets,
  replays,
  allMatched,
}: {
  presets: readonly ForgePreset[];
  replays: Record<string, ForgeResult>;
  allMatched: boolean;
}) {
  return (
    <section className="forge-replays" aria-label="Replayed cases">
      <p className="forge-replays__summary">
        {allMatched ? (
          <span className="badge badge--success">Every case ended where it should</span>
        ) : (
          <span className="muted">
            {presets.filter((p) => replays[p.id]).length} of {presets.length} cases replayed
          </span>
        )}
      </p>
      <div className="table-scroll">
        <table className="table table--compact">
          <caption className="visually-hidden">Each case: expected and actual outcome</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Expected</th>
              <th scope="col">Got</th>
            </tr>
          </thead>
          <tbody>
            {presets.map((p) => {
              const r = replays[p.id];
              return (
                <tr key={p.id}>
                  <th scope="row">{p.label}</th>
                  <td>
                    {p.status}
                    {p.expected ? ` at ${CHECK_LABELS[p.expected]}` : ''}
                  </td>
                  <td>
                    {r ? (
                      <span className={matches(p, r) ? 'forge-ok' : 'forge-bad'}>
                        {matches(p, r) ? '✓ ' : '✗ '}
                        {r.status}
                        {r.failed ? ` at ${CHECK_LABELS[r.failed]}` : ''}
                      </span>
                    ) : (
                      <span className="muted">not replayed</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
