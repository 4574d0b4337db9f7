import { useId } from 'react';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { defineLab, type LabBodyProps } from '../lab-card.tsx';
import {
  ACTION_LABELS,
  type RotationAction,
  type RotationEvent,
  type RotationSnapshot,
  type SecretName,
} from './rotation-job.ts';
import { useRotationLab } from './use-rotation-lab.ts';
import './rotation-lab.css';

/** How many of the newest events the list shows (the strip shows every run). */
const SHOWN_EVENTS = 30;

/** The four steps of a rotation without downtime, in order. */
const STEPS: readonly RotationAction[] = ['add-new', 'deploy-new', 'drop-old', 'revoke-all'];

/** The secret-rotation lab: a job keeps calling the API while the learner rotates its secret. */
export const RotationLab = defineLab<'rotation'>(
  {
    className: 'rotation-lab',
    defaultTitle: 'Rotate a secret without downtime',
    subtitle: (config) => (
      <>
        A scheduled job, <code>{config.client}</code>, calls the API every {config.everyMinutes}{' '}
        minutes of its time while you rotate its secret.
      </>
    ),
  },
  Lab,
);

function Lab({ labId, config }: LabBodyProps<'rotation'>) {
  const server = useMockServer();
  const lab = useRotationLab(server, labId, config);
  const ids = useId();
  const snap = lab.snapshot;
  const doneSteps = new Set(
    (snap?.events ?? []).flatMap((e) => (e.kind === 'action' ? [e.action] : [])),
  );

  return (
    <div className="rotation">
      <fieldset className="rotation__controls">
        <legend className="visually-hidden">The job</legend>
        {lab.running ? (
          <button type="button" className="btn btn--small" onClick={lab.pause}>
            Pause the job
          </button>
        ) : (
          <button type="button" className="btn btn--primary btn--small" onClick={lab.start}>
            {snap && snap.tally.calls > 0 ? 'Resume the job' : 'Start the job'}
          </button>
        )}
        <button
          type="button"
          className="btn btn--small"
          disabled={lab.running}
          onClick={() => void lab.runOnce()}
        >
          One run
        </button>
        <button
          type="button"
          className="btn btn--small btn--ghost"
          onClick={() => void lab.startOver()}
        >
          Start over
        </button>
      </fieldset>

      <StatusLine snap={snap} running={lab.running} />

      <section className="rotation__steps" aria-labelledby={`${ids}-steps`}>
        <h4 id={`${ids}-steps`} className="rotation__heading">
          Rotate the secret
        </h4>
        <ol className="rotation__step-list">
          {STEPS.map((action) => (
            <li key={action}>
              <button
                type="button"
                className="btn btn--small rotation__step"
                onClick={() => void lab.act(action)}
              >
                {ACTION_LABELS[action]}
              </button>
              {doneSteps.has(action) ? <span className="badge badge--success">done</span> : null}
            </li>
          ))}
        </ol>
        <p className="rotation__shortcut">
          <span className="muted">The shortcut many teams take:</span>{' '}
          <button
            type="button"
            className="btn btn--small btn--ghost btn--danger"
            onClick={() => void lab.act('replace')}
          >
            {ACTION_LABELS.replace}
          </button>
        </p>
        {lab.message ? (
          <p className="rotation__message" role="status">
            {lab.message}
          </p>
        ) : null}
        {lab.failure ? (
          <p className="rotation__message rotation__message--error" role="alert">
            {lab.failure}
          </p>
        ) : null}
      </section>

      {snap ? <Tally snap={snap} /> : null}
      {snap && snap.events.length > 0 ? <Timeline events={snap.events} /> : null}
    </div>
  );
}

const SECRET_WORDS: Record<SecretName, string> = { old: 'the old secret', new: 'the new secret' };

function StatusLine({ snap, running }: { snap: RotationSnapshot | undefined; running: boolean }) {
  if (!snap) {
    return (
      <p className="rotation__status muted">
        The job has not run yet. Start it, let it make a few calls, then rotate its secret.
      </p>
    );
  }
  const server = snap.serverSecrets.map(
    (s, i) => `${SECRET_WORDS[s]} (secret ${i + 1} of ${snap.serverSecrets.length})`,
  );
  return (
    <dl className="rotation__status">
      <div>
        <dt>Job time</dt>
        <dd>
          minute {snap.at}
          {running ? <span className="muted"> · running</span> : null}
        </dd>
      </div>
      <div>
        <dt>The server accepts</dt>
        <dd>{server.join(' and ')}</dd>
      </div>
      <div>
        <dt>The job has</dt>
        <dd>{SECRET_WORDS[snap.jobSecret]}</dd>
      </div>
    </dl>
  );
}

function Tally({ snap }: { snap: RotationSnapshot }) {
  const { tally } = snap;
  return (
    <table className="table table--compact rotation__tally">
      <caption className="rotation__caption">What the job did</caption>
      <tbody>
        <tr>
          <th scope="row">API calls</th>
          <td>{tally.calls}</td>
        </tr>
        <tr className={tally.failedCalls > 0 ? 'rotation__bad' : ''}>
          <th scope="row">Failed calls (goal: 0)</th>
          <td>
            <strong>{tally.failedCalls}</strong>
          </td>
        </tr>
        <tr>
          <th scope="row">Token requests with the old secret</th>
          <td>{tally.tokenRequests.old}</td>
        </tr>
        <tr>
          <th scope="row">Token requests with the new secret</th>
          <td>{tally.tokenRequests.new}</td>
        </tr>
        <tr className={tally.refusedTokenRequests > 0 ? 'rotation__bad' : ''}>
          <th scope="row">Token requests refused</th>
          <td>{tally.refusedTokenRequests}</td>
        </tr>
        <tr>
          <th scope="row">Tokens the old secret minted that still work</th>
          <td>{tally.liveOldTokens}</td>
        </tr>
      </tbody>
    </table>
  );
}

function describeEvent(event: RotationEvent): string {
  switch (event.kind) {
    case 'call':
      return event.ok
        ? `API call ✓ ${event.detail === 'done' ? '' : `(${event.detail})`}`
        : `API call failed: ${event.detail}`;
    case 'token':
      return event.ok
        ? `Token request with ${SECRET_WORDS[event.secret]}: 200${event.note ? ` (the server's log: ${event.note})` : ''}`
        : `Token request with ${SECRET_WORDS[event.secret]}: ${event.status}, refused`;
    case 'action':
      return `You: ${ACTION_LABELS[event.action].toLowerCase()}. ${event.text}`;
  }
}

function Timeline({ events }: { events: readonly RotationEvent[] }) {
  const ids = useId();
  const calls = events.filter(
    (e): e is Extract<RotationEvent, { kind: 'call' }> => e.kind === 'call',
  );
  return (
    <section className="rotation__timeline" aria-labelledby={`${ids}-timeline`}>
      <h4 id={`${ids}-timeline`} className="rotation__heading">
        Timeline
      </h4>
      <div className="rotation__strip" aria-hidden="true">
        {events.map((event, index) =>
          event.kind === 'call' ? (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows
              key={index}
              className={`rotation__cell ${event.ok ? (event.retried ? 'rotation__cell--retried' : 'rotation__cell--ok') : 'rotation__cell--failed'}`}
              title={`minute ${event.at}: ${describeEvent(event)}`}
            />
          ) : event.kind === 'action' ? (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows
              key={index}
              className="rotation__mark"
              title={describeEvent(event)}
            >
              {STEPS.indexOf(event.action) + 1 || '!'}
            </span>
          ) : null,
        )}
      </div>
      <p className="rotation__legend muted">
        {calls.length} run{calls.length === 1 ? '' : 's'}: green worked, amber needed its one retry,
        red failed; a numbered mark is one of your steps (! the shortcut).
      </p>
      <ol className="rotation__events" reversed aria-label="What happened, newest first">
        {[...events]
          .reverse()
          .slice(0, SHOWN_EVENTS)
          .map((event, index) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: the timeline only grows
              key={events.length - index}
              className={`rotation__event rotation__event--${event.kind}${'ok' in event && !event.ok ? ' rotation__event--bad' : ''}`}
            >
              <span className="rotation__event-time">min {event.at}</span> {describeEvent(event)}
            </li>
          ))}
      </ol>
      {events.length > SHOWN_EVENTS ? (
        <p className="rotation__legend muted">
          and {events.length - SHOWN_EVENTS} earlier (the strip above shows every run)
        </p>
      ) : null}
    </section>
  );
}
