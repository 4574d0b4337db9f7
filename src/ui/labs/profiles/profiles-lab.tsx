import { useId, useState } from 'react';
import { printHttpRequest } from '../../../client/http-request.ts';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type { MockServer } from '../../../protocol';
import {
  BEHAVIOUR_PROFILES,
  type BehaviourCase,
  type BehaviourProfileId,
  profileOf,
} from '../../../protocol/index.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { RadioOptions } from '../../shared/radio-options.tsx';
import { defineLab } from '../lab-card.tsx';
import {
  CASES,
  caseRequests,
  type ProfileRun,
  profilesById,
  replayUnderProfiles,
  sawDifference,
} from './profiles-replay.ts';
import './profiles-lab.css';

/** The lab's options, as src/lessons/labs/profiles.ts's schema output them at build time. */
type ProfilesConfig = LabConfig<'profiles'>;

const ALL_IDS = BEHAVIOUR_PROFILES.map((p) => p.id);

const OUTCOME: Record<BehaviourCase, string> = {
  'unauthorized-scope': 'scope-compared',
  'same-second-token': 'reuse-compared',
};

/** The profiles lab: the same request under several server behaviour profiles, side by side. */
export const ProfilesLab = defineLab<'profiles'>(
  {
    className: 'profiles-lab',
    defaultTitle: 'Behaviour profiles',
    subtitle: () => (
      <>Where the RFC lets servers differ, replay one request under each behaviour and compare.</>
    ),
  },
  Lab,
);

function Lab({ labId, config }: { labId: string; config: ProfilesConfig }) {
  const server = useMockServer();
  const runtime = useOptionalLessonRuntime();
  const ids = useId();
  const [current, setCurrent] = useState<BehaviourCase>(config.case);
  const [chosen, setChosen] = useState<BehaviourProfileId[]>(config.profiles);
  const [runs, setRuns] = useState<{ case: BehaviourCase; runs: ProfileRun[] } | undefined>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [active, setActive] = useState(() => profileOf(server.admin.settings())?.id);

  const requests = caseRequests(current, server.options.issuer);
  const tooFew = chosen.length < 2;

  async function replay() {
    if (tooFew || busy) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const result = await replayUnderProfiles(replayDeps(server), current, profilesById(chosen));
      setRuns({ case: current, runs: result });
      const differ = sawDifference(result);
      runtime?.reportLabOutcome(labId, OUTCOME[current], {
        ok: differ,
        detail: differ
          ? `Replayed under ${result.map((r) => r.profile.name).join(', ')}: the answers differ.`
          : 'These profiles answer this case the same way: pick profiles that differ.',
      });
    } catch (error) {
      setFailure(
        `The replay failed: ${error instanceof Error ? error.message : String(error)}. The server's settings were put back.`,
      );
    } finally {
      setBusy(false);
    }
  }

  async function keep(id: BehaviourProfileId) {
    const profile = BEHAVIOUR_PROFILES.find((p) => p.id === id);
    if (!profile) return;
    await server.admin.updateSettings(profile.settings);
    setActive(id);
  }

  return (
    <div className="profiles-lab__body">
      <fieldset className="profiles-lab__fieldset">
        <legend>The case</legend>
        <RadioOptions
          className="profiles-lab__choice"
          name={`${ids}-case`}
          options={Object.keys(CASES) as BehaviourCase[]}
          label={(c) => (
            <>
              <strong>{CASES[c].title}</strong>
              <span className="profiles-lab__muted"> {CASES[c].question}</span>
            </>
          )}
          value={current}
          onChange={setCurrent}
          disabled={() => busy}
        />
      </fieldset>

      <fieldset className="profiles-lab__fieldset">
        <legend>Profiles to compare</legend>
        {BEHAVIOUR_PROFILES.map((p) => (
          <label key={p.id} className="profiles-lab__choice">
            <input
              type="checkbox"
              checked={chosen.includes(p.id)}
              disabled={busy}
              onChange={(e) =>
                setChosen((list) =>
                  e.target.checked
                    ? ALL_IDS.filter((id) => id === p.id || list.includes(id))
                    : list.filter((id) => id !== p.id),
                )
              }
            />
            <span>
              <strong>{p.name}</strong>
              <span className="profiles-lab__muted"> {p.summary}</span>
            </span>
          </label>
        ))}
        {tooFew ? (
          <p className="notice notice--danger" role="alert">
            Pick at least two profiles to compare.
          </p>
        ) : null}
      </fieldset>

      <div className="profiles-lab__request">
        <p className="profiles-lab__label">
          {requests.length === 2 ? 'Sent twice, back to back, in one server second:' : 'Sent once:'}
        </p>
        <pre className="profiles-lab__code">
          <code>{requests[0] ? printHttpRequest(requests[0]) : ''}</code>
        </pre>
      </div>

      <div className="profiles-lab__actions">
        <button
          type="button"
          className="btn btn--primary"
          onClick={replay}
          disabled={busy || tooFew}
        >
          {busy ? 'Replaying…' : 'Replay under each profile'}
        </button>
        <span className="profiles-lab__muted" role="status">
          Server now:{' '}
          {BEHAVIOUR_PROFILES.find((p) => p.id === active)?.name ?? 'a custom mix of settings'}
        </span>
      </div>
      {failure ? (
        <p className="notice notice--danger" role="alert">
          {failure}
        </p>
      ) : null}

      {runs ? (
        <section aria-label="Answers side by side" aria-live="polite">
          <p className="profiles-lab__summary">
            {sawDifference(runs.runs)
              ? 'Same request, different answers: a client (and a test) must be ready for either.'
              : 'These profiles answer this case alike.'}
          </p>
          <ul className="profiles-lab__columns">
            {runs.runs.map((run) => (
              <li key={run.profile.id} className="profiles-lab__column">
                <h4 className="profiles-lab__column-title">{run.profile.name}</h4>
                <p className="profiles-lab__verdict">{run.verdict}</p>
                {run.exchanges.map((e, i) => (
                  <div
                    // biome-ignore lint/suspicious/noArrayIndexKey: the exchanges of one replay never reorder
                    key={i}
                    className="profiles-lab__exchange"
                  >
                    <span
                      className={`badge ${e.status < 300 ? 'badge--success' : 'badge--danger'}`}
                    >
                      {run.exchanges.length > 1 ? `#${i + 1} ` : ''}
                      {e.status}
                    </span>
                    <pre className="profiles-lab__code profiles-lab__code--small">
                      <code>{bodyPreview(e.json, e.bodyText)}</code>
                    </pre>
                  </div>
                ))}
                <p className="profiles-lab__muted">
                  {run.profile.behaviour[runs.case]}{' '}
                  {run.profile.references.map((r, i) => (
                    <span key={r.url}>
                      {i === 0 ? 'See ' : ', '}
                      <a href={r.url} target="_blank" rel="noreferrer">
                        {r.label}
                      </a>
                    </span>
                  ))}
                  .
                </p>
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => keep(run.profile.id)}
                  disabled={active === run.profile.id}
                  aria-label={`${active === run.profile.id ? 'The server uses this' : 'Keep the server on this'}: ${run.profile.name}`}
                >
                  {active === run.profile.id ? 'The server uses this' : 'Keep the server on this'}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function replayDeps(server: MockServer) {
  return {
    settings: () => server.admin.settings(),
    updateSettings: (input: unknown) => server.admin.updateSettings(input),
    toNextSecond: async () => {
      await server.admin.setClock({ set: server.admin.clock().now + 1 });
    },
    issuer: server.options.issuer,
  };
}

/** The JSON body, tokens shortened so three columns fit. */
function bodyPreview(json: unknown, text: string): string {
  if (json === undefined) return text || '(empty body)';
  return JSON.stringify(
    json,
    (key, value) =>
      key === 'access_token' && typeof value === 'string' && value.length > 24
        ? `${value.slice(0, 12)}…${value.slice(-8)}`
        : value,
    2,
  );
}
