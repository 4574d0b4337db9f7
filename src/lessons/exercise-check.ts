/**
 * An exercise's checks, pure: a response against `check.response` (by the one expectation rule),
 * a token against `check.token`, a lab's reported outcome against `check.lab`. The page's exercise
 * block and `npm run lessons:check` judge exercises with these.
 */
import { inspectJwt } from '../client/jwt-inspect.ts';
import type { RecordedExchange } from '../client/send-request.ts';
import { answerFacts, checkExpectation, type ServerSteps } from './expectation.ts';
import type {
  ExerciseLabCheck,
  ExerciseResponseCheck,
  ExerciseTokenCheck,
  LabOutcome,
} from './lesson-types.ts';

export interface CheckResult {
  ok: boolean;
  /** Why it is not done yet, most useful first; empty when ok. */
  reasons: string[];
}

/**
 * Where the response being checked came from, to say so in the reasons: a request block (by the
 * title the learner sees), the exercise's own check request, or the latest response.
 */
export type ResponseSource =
  | { kind: 'request'; title: string }
  | { kind: 'run' }
  | { kind: 'latest' };

function sourceName(source: ResponseSource): string {
  switch (source.kind) {
    case 'request':
      return `The latest response of “${source.title}”`;
    case 'run':
      return 'The check request';
    case 'latest':
      return 'Your latest response';
  }
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * Compare a response with an exercise's `check.response`, by the one expectation rule
 * (src/lessons/expectation.ts; `log` is the server's log entry for it). Every mismatch is a
 * reason, with what came back, so the learner knows what to change.
 */
export function checkResponse(
  check: ExerciseResponseCheck,
  exchange: RecordedExchange | undefined,
  source: ResponseSource,
  log?: ServerSteps,
): CheckResult {
  if (!exchange) {
    return {
      ok: false,
      reasons: [
        source.kind === 'request'
          ? `Send the request “${source.title}” first.`
          : 'Send a request in this lesson first.',
      ],
    };
  }
  const { request: _request, requestTitle: _title, run: _run, ...want } = check;
  const result = checkExpectation(answerFacts(exchange, log), want);
  const name = sourceName(source);
  return { ok: result.ok, reasons: result.reasons.map((r) => `${name}: ${lowerFirst(r)}`) };
}

const show = (value: unknown) => (typeof value === 'string' ? `“${value}”` : JSON.stringify(value));

/**
 * Decode the token in `check.token.variable` (never throws: a malformed or opaque token is a
 * reason, not a crash) and compare its `scope` and claims.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2.3 (the scope claim)
 */
export function checkToken(check: ExerciseTokenCheck, token: string | undefined): CheckResult {
  const variable = `{{${check.variable}}}`;
  if (token === undefined || token.trim() === '') {
    return {
      ok: false,
      reasons: [`There is no token in ${variable} yet: send a token request that saves it.`],
    };
  }
  const inspection = inspectJwt(token);
  const payload = inspection.payload;
  if (!payload) {
    const why = inspection.errors[0]?.message ?? 'it does not decode.';
    return { ok: false, reasons: [`The token in ${variable} cannot be read as a JWT: ${why}`] };
  }
  const reasons: string[] = [];
  if (check.scope_includes.length > 0) {
    const granted =
      typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    const missing = check.scope_includes.filter((scope) => !granted.includes(scope));
    if (missing.length > 0) {
      reasons.push(
        `The token’s scope is ${granted.length > 0 ? `“${granted.join(' ')}”` : 'empty'}; it lacks ${missing.join(', ')}.`,
      );
    }
  }
  for (const [claim, expected] of Object.entries(check.claims)) {
    const actual = payload[claim];
    if (actual === undefined)
      reasons.push(`The token has no ${claim} claim; the goal needs ${show(expected)}.`);
    else if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      reasons.push(`The token’s ${claim} is ${show(actual)}; the goal needs ${show(expected)}.`);
    }
  }
  return { ok: reasons.length === 0, reasons };
}

/** Has the lab `check.id` reported `check.outcome` as reached? Its own detail says why not. */
export function checkLab(check: ExerciseLabCheck, outcome: LabOutcome | undefined): CheckResult {
  if (!outcome) {
    return {
      ok: false,
      reasons: [
        check.labTitle ? `Run the lab “${check.labTitle}” first.` : 'Run the lab above first.',
      ],
    };
  }
  return outcome.ok ? { ok: true, reasons: [] } : { ok: false, reasons: [outcome.detail] };
}

/** Every check must pass; the reasons of all are kept. */
export function combineChecks(...results: (CheckResult | undefined)[]): CheckResult {
  const present = results.filter((r): r is CheckResult => r !== undefined);
  return {
    ok: present.every((r) => r.ok),
    reasons: present.flatMap((r) => r.reasons),
  };
}
