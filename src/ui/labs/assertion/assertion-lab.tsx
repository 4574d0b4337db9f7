import { useId, useState } from 'react';
import {
  ASSERTION_CHECK_LABELS,
  ASSERTION_SIGNING_LABELS,
  ASSERTION_SIGNINGS,
  type AssertionDraft,
  type AssertionPreset,
  type AssertionSigning,
} from '../../../client/assertion-builder.ts';
import type { AssertionAudience } from '../../../protocol/index.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { useServerNow } from '../../shared/use-server-now.ts';
import { FieldEditor } from '../forge/forge-editor.tsx';
import { type FieldRow, objectFrom, rowsFrom } from '../forge/forge-fields.ts';
import { LabCard } from '../lab-card.tsx';
import type { LabProps } from '../lab-props.ts';
import { type AssertionResult, LAB_CLIENT, useAssertionLab } from './use-assertion-lab.ts';
import '../forge/forge-lab.css';
import './assertion-lab.css';

const HEADER_SUGGESTIONS = ['alg', 'typ', 'kid'] as const;
const CLAIM_SUGGESTIONS = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti'];

const MODE_TEXT: Record<AssertionAudience, string> = {
  legacy:
    'legacy: a typed assertion must name the issuer alone; an untyped one may name the issuer or the token endpoint, as RFC 7523 allowed',
  strict: 'strict: only a typed client-authentication+jwt assertion whose aud is the issuer',
};

/** The assertion lab: build, sign and send a private_key_jwt client assertion. */
export function AssertionLab({ block }: LabProps<'assertion'>) {
  return (
    <LabCard
      block={block}
      className="assertion-lab"
      defaultTitle="Build a client assertion"
      subtitle={
        <>
          Sign a <code>private_key_jwt</code> assertion as <code>{LAB_CLIENT}</code>, send it to the
          token endpoint, and see each check the server runs.
        </>
      }
    >
      <Lab labId={block.id} config={block.config} />
    </LabCard>
  );
}

function Lab({
  labId,
  config,
}: {
  labId: string;
  config: LabProps<'assertion'>['block']['config'];
}) {
  const server = useMockServer();
  const lab = useAssertionLab(server, labId, config);
  const now = useServerNow(server);
  const ids = useId();
  const [start] = useState(() => lab.startingDraft());
  const [headerRows, setHeaderRows] = useState<FieldRow[]>(() => rowsFrom(start.header));
  const [payloadRows, setPayloadRows] = useState<FieldRow[]>(() => rowsFrom(start.payload));
  const [signing, setSigning] = useState<AssertionSigning>(start.signing);
  const [presetId, setPresetId] = useState<string>();
  const [freshJti, setFreshJti] = useState(true);
  const [editProblem, setEditProblem] = useState<string>();

  const load = (draft: AssertionDraft, id: string | undefined) => {
    setHeaderRows(rowsFrom(draft.header));
    setPayloadRows(rowsFrom(draft.payload));
    setSigning(draft.signing);
    setPresetId(id);
    setEditProblem(undefined);
  };

  const sendDraft = () => {
    const header = objectFrom(headerRows, 'header');
    let payload = objectFrom(payloadRows, 'payload');
    if (typeof header === 'string' || typeof payload === 'string') {
      setEditProblem(typeof header === 'string' ? header : (payload as string));
      return;
    }
    setEditProblem(undefined);
    if (freshJti && 'jti' in payload) {
      payload = { ...payload, jti: crypto.randomUUID() };
      setPayloadRows(rowsFrom(payload));
    }
    void lab.send({ header, payload, signing }, presetId);
  };

  return (
    <div className="assertion">
      <fieldset className="assertion__mode">
        <legend className="assertion__title">1. The server’s audience rule</legend>
        {(['legacy', 'strict'] as const).map((m) => (
          <label key={m} className="assertion__option">
            <input
              type="radio"
              name={`${ids}-mode`}
              checked={lab.mode === m}
              onChange={() => lab.setMode(m)}
            />
            <span>
              <code>assertionAudience: {m}</code>
              <span className="muted"> — {MODE_TEXT[m].split(': ')[1]}</span>
            </span>
          </label>
        ))}
        <p className="assertion__hint muted">
          Each send switches the server to this setting for that one request and puts it back, so
          the rest of the lesson is not changed.
        </p>
      </fieldset>

      <section className="assertion__step" aria-labelledby={`${ids}-presets`}>
        <h4 id={`${ids}-presets`} className="assertion__title">
          2. Start from a case (or edit by hand)
        </h4>
        <ul className="forge-presets">
          {lab.presets.map((p) => (
            <PresetButton
              key={p.id}
              preset={p}
              pressed={presetId === p.id}
              disabled={lab.busy}
              mode={lab.mode}
              result={lab.replays[`${p.id}:${lab.mode}`]}
              matches={lab.matches}
              onPick={() => load(lab.build(p), p.id)}
            />
          ))}
        </ul>
        <button
          type="button"
          className="btn btn--small"
          disabled={lab.busy}
          onClick={() => void lab.replayAll()}
        >
          Replay every case
        </button>
      </section>

      <section className="assertion__step" aria-labelledby={`${ids}-edit`}>
        <h4 id={`${ids}-edit`} className="assertion__title">
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
            }}
            now={now}
            suggestions={CLAIM_SUGGESTIONS}
          />
        </div>
      </section>

      <section className="assertion__step" aria-labelledby={`${ids}-sign`}>
        <h4 id={`${ids}-sign`} className="assertion__title">
          4. Sign it and send it
        </h4>
        <fieldset className="assertion__signing">
          <legend className="visually-hidden">How to sign the assertion</legend>
          {ASSERTION_SIGNINGS.map((s) => (
            <label key={s} className="assertion__option">
              <input
                type="radio"
                name={`${ids}-signing`}
                checked={signing === s}
                onChange={() => {
                  setSigning(s);
                  setPresetId(undefined);
                }}
              />
              <span>{ASSERTION_SIGNING_LABELS[s]}</span>
            </label>
          ))}
        </fieldset>
        <label className="assertion__option">
          <input
            type="checkbox"
            checked={freshJti}
            onChange={(e) => setFreshJti(e.target.checked)}
          />
          <span>A new jti for every send (what a client must do)</span>
        </label>
        <div className="assertion__actions">
          <button
            type="button"
            className="btn btn--primary"
            disabled={lab.busy}
            onClick={sendDraft}
          >
            {lab.busy ? 'Sending…' : 'Sign and send to POST /oauth/token'}
          </button>
          <button
            type="button"
            className="btn btn--small"
            disabled={lab.busy || !lab.result || lab.result.status !== 200}
            onClick={() => void lab.sendAgain()}
          >
            Send the same assertion again
          </button>
        </div>
        {editProblem || lab.problem ? (
          <p className="forge-error" role="alert">
            {editProblem ?? lab.problem}
          </p>
        ) : null}
      </section>

      {lab.result ? <ResultView result={lab.result} /> : null}

      {Object.keys(lab.replays).length > 0 ? (
        <ReplayTable
          presets={lab.presets}
          replays={lab.replays}
          mode={lab.mode}
          matches={lab.matches}
          allMatched={lab.allMatched}
        />
      ) : null}
    </div>
  );
}

type Matches = (
  preset: AssertionPreset,
  mode: AssertionAudience,
  result: AssertionResult | undefined,
) => boolean;

function expectedText(preset: AssertionPreset, mode: AssertionAudience): string {
  const e = preset.expected[mode];
  return e.check
    ? `${e.status} at ${ASSERTION_CHECK_LABELS[e.check].toLowerCase()}`
    : `${e.status}`;
}

function PresetButton({
  preset,
  pressed,
  disabled,
  mode,
  result,
  matches,
  onPick,
}: {
  preset: AssertionPreset;
  pressed: boolean;
  disabled: boolean;
  mode: AssertionAudience;
  result: AssertionResult | undefined;
  matches: Matches;
  onPick(): void;
}) {
  const ok = matches(preset, mode, result);
  return (
    <li>
      <button
        type="button"
        className="forge-preset"
        aria-pressed={pressed}
        disabled={disabled}
        onClick={onPick}
      >
        <span className="forge-preset__label">{preset.label}</span>
        <span className="forge-preset__why">{preset.why}</span>
        <span className="forge-preset__expect">
          expected ({mode}): {expectedText(preset, mode)}
          {result ? (
            <span className={`badge ${ok ? 'badge--success' : 'badge--danger'}`}>
              {ok ? 'replayed ✓' : `got ${result.status}`}
            </span>
          ) : null}
        </span>
      </button>
    </li>
  );
}

const MARKS = { passed: '✓', failed: '✗', not_reached: '·' } as const;
const WORDS = { passed: 'passed', failed: 'failed', not_reached: 'not reached' } as const;

function ResultView({ result }: { result: AssertionResult }) {
  const [head = '', body = '', sig = ''] = result.jwt.split('.');
  return (
    <section
      className="forge-result"
      aria-label="What the token endpoint answered"
      aria-live="polite"
    >
      <p className="forge-result__status">
        <span className={`badge ${result.status < 300 ? 'badge--success' : 'badge--danger'}`}>
          {result.status}
          {result.error ? ` ${result.error}` : ' a token'}
        </span>{' '}
        {result.failed ? (
          <span>
            Refused at <strong>{ASSERTION_CHECK_LABELS[result.failed].toLowerCase()}</strong>
          </span>
        ) : result.status < 300 ? (
          <span>Every check passed: the client is authenticated.</span>
        ) : null}{' '}
        <span className="muted">
          (sent {result.replayed ? 'again, ' : ''}under{' '}
          <code>assertionAudience: {result.mode}</code>)
        </span>
      </p>
      <p className="visually-hidden">The assertion sent:</p>
      <p className="forge-token">
        <span className="forge-token__header">{head}</span>.
        <span className="forge-token__payload">{body}</span>.
        <span className="forge-token__signature">{sig}</span>
      </p>
      <ol className="forge-checks" aria-label="The token endpoint's assertion checks, in order">
        {result.rows.map((row) => (
          <li key={row.name} className={`forge-check forge-check--${row.status}`}>
            <span className="forge-check__mark" aria-hidden="true">
              {MARKS[row.status]}
            </span>
            <span className="forge-check__label">
              {row.label}
              {row.note ? <span className="assertion__note"> — {row.note}</span> : null}
            </span>
            <span className="forge-check__status">{WORDS[row.status]}</span>
          </li>
        ))}
      </ol>
      {result.description || result.detail ? (
        <dl className="forge-answer">
          {result.description ? (
            <>
              <dt>error_description</dt>
              <dd>{result.description}</dd>
            </>
          ) : null}
          {result.detail ? (
            <>
              <dt>What the server knew (never sent)</dt>
              <dd>
                <code>{result.detail}</code>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

function ReplayTable({
  presets,
  replays,
  mode,
  matches,
  allMatched,
}: {
  presets: readonly AssertionPreset[];
  replays: Record<string, AssertionResult>;
  mode: AssertionAudience;
  matches: Matches;
  allMatched: boolean;
}) {
  return (
    <section className="forge-replays" aria-label="Replayed cases">
      <p className="forge-replays__summary">
        {allMatched ? (
          <span className="badge badge--success">Every case answered as expected ({mode})</span>
        ) : (
          <span className="muted">
            {presets.filter((p) => replays[`${p.id}:${mode}`]).length} of {presets.length} cases
            replayed under {mode}
          </span>
        )}
      </p>
      <div className="table-scroll">
        <table className="table table--compact">
          <caption className="visually-hidden">
            Each case under assertionAudience {mode}: expected and actual answer
          </caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Expected ({mode})</th>
              <th scope="col">Got</th>
            </tr>
          </thead>
          <tbody>
            {presets.map((p) => {
              const r = replays[`${p.id}:${mode}`];
              return (
                <tr key={p.id}>
                  <th scope="row">{p.label}</th>
                  <td>{expectedText(p, mode)}</td>
                  <td>
                    {r ? (
                      <span className={matches(p, mode, r) ? 'forge-ok' : 'forge-bad'}>
                        {matches(p, mode, r) ? '✓ ' : '✗ '}
                        {r.status}
                        {r.failed ? ` at ${ASSERTION_CHECK_LABELS[r.failed].toLowerCase()}` : ''}
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
