import { useSyncExternalStore } from 'react';
import type { AnswerFacts } from '../../lessons/expectation.ts';
import { RFC_ERROR_CODES } from '../../protocol/data.ts';
import './prediction.css';

/**
 * Predict, then reveal: before an answer shows, the learner can say what they expect (a status,
 * and an error code or none). Guessing first is what makes the answer stick; the guess is
 * optional and never blocks a replay.
 */
export interface Prediction {
  status?: number;
  /** An RFC error code, or `none` for an answer with no error code. */
  error?: string;
}

/** The statuses worth guessing between in this course. */
const STATUSES = [200, 201, 400, 401, 403, 404, 405, 429];

/** Two selects: the status and the error code the learner expects. */
export function PredictionPicker({
  label,
  value,
  onChange,
}: {
  /** What is being predicted, for the selects' accessible names ("Wrong secret"). */
  label: string;
  value: Prediction;
  onChange(next: Prediction): void;
}) {
  /** Set one part of the guess ('' takes it back). */
  const guess = <K extends keyof Prediction>(key: K, part: Prediction[K] | undefined) => {
    const { [key]: _, ...rest } = value;
    onChange(part === undefined ? rest : { ...rest, [key]: part });
  };
  return (
    <span className="prediction-picker">
      <GuessSelect
        label={`Your guess, status: ${label}`}
        value={value.status}
        onChange={(v) => guess('status', v === '' ? undefined : Number(v))}
        options={[['', 'status?'], ...STATUSES.map((s) => [String(s), String(s)] as const)]}
      />
      <GuessSelect
        label={`Your guess, error: ${label}`}
        value={value.error}
        onChange={(v) => guess('error', v === '' ? undefined : v)}
        options={[
          ['', 'error?'],
          ['none', 'no error code'],
          ...RFC_ERROR_CODES.map((c) => [c, c] as const),
        ]}
      />
    </span>
  );
}

/** One of the picker's selects: `options` as [value, text], '' for no guess. */
function GuessSelect({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string | number | undefined;
  onChange(value: string): void;
  options: readonly (readonly [string, string])[];
}) {
  return (
    <select
      className="prediction-picker__select"
      aria-label={label}
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value)}
    >
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </select>
  );
}

/** Did the guess match the answer? `undefined` when nothing was guessed. */
export function judgePrediction(
  prediction: Prediction,
  facts: Pick<AnswerFacts, 'status' | 'errors'>,
): { right: boolean; said: string; guessed: string } | undefined {
  if (prediction.status === undefined && prediction.error === undefined) return undefined;
  // The RFC code the answer names, if any: the playground's own codes for non-OAuth situations
  // (missing_token, too_many_requests) are not among the guesses, so they count as none.
  const actualError = facts.errors.find((code) =>
    (RFC_ERROR_CODES as readonly string[]).includes(code),
  );
  const statusRight = prediction.status === undefined || prediction.status === facts.status;
  const errorRight =
    prediction.error === undefined ||
    (prediction.error === 'none' ? actualError === undefined : prediction.error === actualError);
  const guessed = [
    prediction.status ?? '',
    prediction.error === 'none' ? 'no error code' : (prediction.error ?? ''),
  ]
    .filter((part) => part !== '')
    .join(' ');
  const said = `${facts.status}${actualError ? ` ${actualError}` : ''}`;
  return { right: statusRight && errorRight, said, guessed };
}

/** "Your guess, 401 invalid_client: right." */
export function PredictionVerdict({
  prediction,
  facts,
}: {
  prediction: Prediction;
  facts: Pick<AnswerFacts, 'status' | 'errors'>;
}) {
  const verdict = judgePrediction(prediction, facts);
  if (!verdict) return null;
  return (
    <p className={`prediction-verdict prediction-verdict--${verdict.right ? 'right' : 'wrong'}`}>
      Your guess, {verdict.guessed}:{' '}
      {verdict.right ? 'right.' : `not quite: the server said ${verdict.said}.`}
    </p>
  );
}

const PREDICT_KEY = 'ccp:predict-first';
const listeners = new Set<() => void>();
/** The choice made in this page, when storage could not keep it. */
let chosen: boolean | undefined;

function readPredictFirst(): boolean {
  if (chosen !== undefined) return chosen;
  try {
    return localStorage.getItem(PREDICT_KEY) !== 'off';
  } catch {
    return true;
  }
}

/**
 * Whether negative-case tables hide each expected answer until its case is replayed, so the
 * learner can guess first. On by default; the learner's choice is remembered for every table.
 */
export function usePredictFirst(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readPredictFirst,
    // A prerendered page shows the answers: it cannot know the learner's choice.
    () => false,
  );
  const set = (next: boolean) => {
    chosen = next;
    try {
      localStorage.setItem(PREDICT_KEY, next ? 'on' : 'off');
    } catch {
      // storage blocked: the choice lasts until the page closes
    }
    for (const listener of listeners) listener();
  };
  return [on, set];
}
