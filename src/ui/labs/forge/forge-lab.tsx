import { useId } from 'react';
import {
  CHECK_LABELS,
  FORGE_PRESENTATIONS,
  FORGE_SIGNINGS,
  type ForgePresentation,
  type ForgePreset,
  type ForgeSigning,
  PRESENTATION_LABELS,
  SIGNING_LABELS,
} from '../../../client/forge.ts';
import { CheckList, LAB_CHECK_WORDS, SentToken } from '../../shared/check-list.tsx';
import { Fact } from '../../shared/fact.tsx';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { RadioOptions } from '../../shared/radio-options.tsx';
import { useServerNow } from '../../shared/use-server-now.ts';
import { defineLab } from '../lab-card.tsx';
import { HeaderAndClaims } from './forge-editor.tsx';
import { PresetButton } from './preset-button.tsx';
import { ReplayTable } from './replay-table.tsx';
import { type ForgeConfig, type ForgeResult, presetMatches, useForge } from './use-forge.ts';
import './forge-lab.css';

const CLAIM_SUGGESTIONS = ['iss', 'sub', 'aud', 'client_id', 'scope', 'iat', 'nbf', 'exp', 'jti'];

/** The token forge: edit a token, re-sign it, replay it, see which check stops it. */
export const ForgeLab = defineLab<'forge'>(
  {
    className: 'forge-lab',
    defaultTitle: 'Token forge',
    subtitle: () => <>Change any part of a token, sign it again, and see which check stops it.</>,
  },
  Forge,
);

function Forge({ labId, config }: { labId: string; config: ForgeConfig }) {
  const server = useMockServer();
  const now = useServerNow(server);
  const ids = useId();
  const forge = useForge(labId, config);
  const { state, presets, allMatched, lessonToken, route } = forge;
  const { base, pasteText, sourceError, headerRows, payloadRows, signing, presetId } = state;
  const { presentation } = state;
  const { busy, problem, result, replays } = state;
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
              <code className="sent-token sent-token--short">{base.token}</code>
            </>
          ) : (
            <span className="muted">Getting a token…</span>
          )}
        </p>
        <div className="forge-source__actions">
          <button type="button" className="btn btn--small" onClick={forge.mint}>
            Mint a new valid token
          </button>
          {lessonToken && (
            <button type="button" className="btn btn--small" onClick={forge.useLessonToken}>
              Use {`{{${config.from}}}`}
            </button>
          )}
        </div>
        <div className="forge-paste">
          <label htmlFor={`${ids}-paste`}>Or paste any JWT</label>
          <div className="forge-paste__row">
            <textarea
              id={`${ids}-paste`}
              className="input-compact forge-raw mono"
              rows={2}
              spellCheck={false}
              placeholder="eyJhbGciOi…"
              value={pasteText}
              aria-invalid={sourceError !== undefined}
              aria-describedby={sourceError ? `${ids}-paste-error` : undefined}
              onChange={(e) => forge.setPasteText(e.target.value)}
            />
            <button type="button" className="btn btn--small" onClick={forge.loadPasted}>
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
            return (
              <PresetButton
                key={p.id}
                label={p.label}
                why={p.why}
                expected={
                  p.expected ? (
                    <>
                      expected: {p.status} at <strong>{CHECK_LABELS[p.expected]}</strong>
                    </>
                  ) : (
                    <>expected: {p.status}, every check passes</>
                  )
                }
                replayed={replayed && { status: replayed.status, ok: presetMatches(p, replayed) }}
                pressed={presetId === p.id}
                disabled={!base || busy || !forge.presetReady(p)}
                onPick={() => forge.applyPreset(p)}
              />
            );
          })}
        </ul>
        <button
          type="button"
          className="btn btn--small"
          disabled={!base || busy}
          onClick={forge.replayAll}
        >
          Replay every case
        </button>
      </section>

      <section className="forge-step" aria-labelledby={`${ids}-edit`}>
        <h4 id={`${ids}-edit`} className="forge-step__title">
          3. Edit the header and claims
        </h4>
        <HeaderAndClaims
          headerRows={headerRows}
          payloadRows={payloadRows}
          onHeaderChange={forge.editHeader}
          onPayloadChange={forge.editPayload}
          now={now}
          claimSuggestions={CLAIM_SUGGESTIONS}
        />
      </section>

      <section className="forge-step" aria-labelledby={`${ids}-sign`}>
        <h4 id={`${ids}-sign`} className="forge-step__title">
          4. Sign it and send it
        </h4>
        <fieldset className="forge-signing">
          <legend className="visually-hidden">How to sign the token</legend>
          <RadioOptions
            className="forge-signing__option"
            name={`${ids}-signing`}
            options={FORGE_SIGNINGS}
            label={(s) => SIGNING_LABELS[s]}
            value={signing}
            onChange={forge.chooseSigning}
            disabled={(s) => s === 'keep' && !base?.draft.originalSignature}
          />
        </fieldset>
        <p className="muted forge-signing__hint">{SIGNING_HINTS[signing]}</p>
        {forge.offersDpop ? (
          <div className="forge-presentation">
            <label htmlFor={`${ids}-presentation`}>How the token is sent</label>
            <select
              id={`${ids}-presentation`}
              value={presentation}
              onChange={(e) => forge.choosePresentation(e.target.value as ForgePresentation)}
            >
              {FORGE_PRESENTATIONS.map((p) => (
                <option key={p} value={p}>
                  {PRESENTATION_LABELS[p]}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button
          type="button"
          className="btn btn--primary"
          disabled={!base || busy}
          onClick={forge.send}
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
        <Replays presets={presets} replays={replays} allMatched={allMatched} />
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

function ResultView({ result }: { result: ForgeResult }) {
  return (
    <section className="inset forge-result" aria-label="What the API answered" aria-live="polite">
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
      <SentToken jwt={result.token} what="token" />
      <CheckList label="The API's checks, in order" rows={result.rows} words={LAB_CHECK_WORDS} />
      {result.challenge !== undefined && (
        <dl className="forge-answer">
          <dt>WWW-Authenticate</dt>
          <dd>
            <code className="forge-challenge">{result.challenge}</code>
          </dd>
          <Fact term="error" value={result.errorCode} />
          <Fact term="error_description" value={result.errorDescription} show={(d) => d} />
          <Fact term="What the server knew (never sent)" value={result.detail} />
        </dl>
      )}
    </section>
  );
}

function Replays({
  presets,
  replays,
  allMatched,
}: {
  presets: readonly ForgePreset[];
  replays: Record<string, ForgeResult>;
  allMatched: boolean;
}) {
  return (
    <ReplayTable
      summary={
        allMatched ? (
          <span className="badge badge--success">Every case ended where it should</span>
        ) : (
          <span className="muted">
            {presets.filter((p) => replays[p.id]).length} of {presets.length} cases replayed
          </span>
        )
      }
      caption="Each case: expected and actual outcome"
      expectedHeading="Expected"
      rows={presets.map((p) => {
        const r = replays[p.id];
        return {
          id: p.id,
          label: p.label,
          expected: (
            <>
              {p.status}
              {p.expected ? ` at ${CHECK_LABELS[p.expected]}` : ''}
            </>
          ),
          got: r && {
            ok: presetMatches(p, r),
            status: r.status,
            failedAt: r.failed && CHECK_LABELS[r.failed],
          },
        };
      })}
    />
  );
}
