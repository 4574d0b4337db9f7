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
import { CheckList, LAB_CHECK_WORDS, SentToken } from '../../shared/check-list.tsx';
import { Checkbox } from '../../shared/checkbox.tsx';
import { Fact } from '../../shared/fact.tsx';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { RadioOptions } from '../../shared/radio-options.tsx';
import { useServerNow } from '../../shared/use-server-now.ts';
import { HeaderAndClaims } from '../forge/forge-editor.tsx';
import { type FieldRow, objectFrom, rowsFrom } from '../forge/forge-fields.ts';
import { PresetButton } from '../forge/preset-button.tsx';
import { ReplayTable } from '../forge/replay-table.tsx';
import { defineLab, type LabBodyProps } from '../lab-card.tsx';
import { type AssertionResult, LAB_CLIENT, useAssertionLab } from './use-assertion-lab.ts';
import '../forge/forge-lab.css';
import './assertion-lab.css';

const CLAIM_SUGGESTIONS = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti'];

const MODE_TEXT: Record<AssertionAudience, string> = {
  legacy:
    'legacy: a typed assertion must name the issuer alone; an untyped one may name the issuer or the token endpoint, as RFC 7523 allowed',
  strict: 'strict: only a typed client-authentication+jwt assertion whose aud is the issuer',
};

/** The assertion lab: build, sign and send a private_key_jwt client assertion. */
export const AssertionLab = defineLab<'assertion'>(
  {
    className: 'assertion-lab',
    defaultTitle: 'Build a client assertion',
    subtitle: () => (
      <>
        Sign a <code>private_key_jwt</code> assertion as <code>{LAB_CLIENT}</code>, send it to the
        token endpoint, and see each check the server runs.
      </>
    ),
  },
  Lab,
);

function Lab({ labId, config }: LabBodyProps<'assertion'>) {
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
        <RadioOptions
          className="assertion__option"
          name={`${ids}-mode`}
          options={['legacy', 'strict'] as const}
          label={(m) => (
            <>
              <code>assertionAudience: {m}</code>
              <span className="muted"> — {MODE_TEXT[m].split(': ')[1]}</span>
            </>
          )}
          value={lab.mode}
          onChange={lab.setMode}
        />
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
          {lab.presets.map((p) => {
            const result = lab.replays[`${p.id}:${lab.mode}`];
            return (
              <PresetButton
                key={p.id}
                label={p.label}
                why={p.why}
                expected={
                  <>
                    expected ({lab.mode}): {expectedText(p, lab.mode)}
                  </>
                }
                replayed={result && { status: result.status, ok: lab.matches(p, lab.mode, result) }}
                pressed={presetId === p.id}
                disabled={lab.busy}
                onPick={() => load(lab.build(p), p.id)}
              />
            );
          })}
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
        <HeaderAndClaims
          headerRows={headerRows}
          payloadRows={payloadRows}
          onHeaderChange={(rows) => {
            setHeaderRows(rows);
            setPresetId(undefined);
          }}
          onPayloadChange={(rows) => {
            setPayloadRows(rows);
            setPresetId(undefined);
          }}
          now={now}
          claimSuggestions={CLAIM_SUGGESTIONS}
        />
      </section>

      <section className="assertion__step" aria-labelledby={`${ids}-sign`}>
        <h4 id={`${ids}-sign`} className="assertion__title">
          4. Sign it and send it
        </h4>
        <fieldset className="assertion__signing">
          <legend className="visually-hidden">How to sign the assertion</legend>
          <RadioOptions
            className="assertion__option"
            name={`${ids}-signing`}
            options={ASSERTION_SIGNINGS}
            label={(s) => ASSERTION_SIGNING_LABELS[s]}
            value={signing}
            onChange={(s) => {
              setSigning(s);
              setPresetId(undefined);
            }}
          />
        </fieldset>
        <Checkbox className="assertion__option" checked={freshJti} onChange={setFreshJti}>
          <span>A new jti for every send (what a client must do)</span>
        </Checkbox>
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
        <Replays
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

function ResultView({ result }: { result: AssertionResult }) {
  return (
    <section
      className="inset forge-result"
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
      <SentToken jwt={result.jwt} what="assertion" />
      <CheckList
        label="The token endpoint's assertion checks, in order"
        rows={result.rows}
        words={LAB_CHECK_WORDS}
      />
      {result.description || result.detail ? (
        <dl className="forge-answer">
          <Fact term="error_description" value={result.description} show={(d) => d} />
          <Fact term="What the server knew (never sent)" value={result.detail} />
        </dl>
      ) : null}
    </section>
  );
}

function Replays({
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
    <ReplayTable
      summary={
        allMatched ? (
          <span className="badge badge--success">Every case answered as expected ({mode})</span>
        ) : (
          <span className="muted">
            {presets.filter((p) => replays[`${p.id}:${mode}`]).length} of {presets.length} cases
            replayed under {mode}
          </span>
        )
      }
      caption={`Each case under assertionAudience ${mode}: expected and actual answer`}
      expectedHeading={<>Expected ({mode})</>}
      rows={presets.map((p) => {
        const r = replays[`${p.id}:${mode}`];
        return {
          id: p.id,
          label: p.label,
          expected: expectedText(p, mode),
          got: r && {
            ok: matches(p, mode, r),
            status: r.status,
            failedAt: r.failed && ASSERTION_CHECK_LABELS[r.failed].toLowerCase(),
          },
        };
      })}
    />
  );
}
