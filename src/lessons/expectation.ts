/**
 * The one rule for "did this answer meet what the lesson expects". The page's request blocks and
 * negative-case tables, the exercises, `npm run lessons:check` and the tests all judge answers
 * here, so a green check means the same thing everywhere.
 *
 * An answer meets an expectation when:
 * - its status is the expected one;
 * - every error code it names (the JSON body's `error`, RFC 6749 §5.2; the `WWW-Authenticate`
 *   challenge's `error`, RFC 6750 §3.1) is the expected one, and it names at least one;
 * - its `WWW-Authenticate` header contains the expected text;
 * - the server step that refused it, as the server's log records it, is the expected one
 *   (`check`): a 401 for a revoked token is not met by a 401 for an expired one;
 * - its `error_description` contains the expected text (`description`, case-insensitive).
 */
import { findChallenge, parseWwwAuthenticate } from '../client/parse-www-authenticate.ts';
import { getHeader, type RecordedExchange } from '../client/send-request.ts';
import type { ResponseExpectation } from './lesson-types.ts';

/** What the server's log says it did for one answer: its named steps, in order. */
export interface ServerSteps {
  steps: readonly { name: string; ok: boolean }[];
}

/** The parts of an answer expectations are about. */
export interface AnswerFacts {
  status: number;
  /** Every error code the answer names: the JSON body's `error`, then the challenge's. */
  errors: string[];
  errorDescription?: string;
  wwwAuthenticate?: string;
  /** The server step that refused the request, when the server's log says so. */
  failedCheck?: string;
  /** Whether the server's steps for this answer are known (its log entry was found). */
  stepsKnown: boolean;
}

export interface ExpectationResult {
  ok: boolean;
  /** Why it was not met, one sentence each (empty when it was). */
  reasons: string[];
}

/**
 * Read an answer's facts. `server` is the log entry the mock servers kept for it (found by the
 * exchange's `requestId`, their `x-request-id`); without it, which check refused is unknown.
 */
export function answerFacts(exchange: RecordedExchange, server?: ServerSteps): AnswerFacts {
  const facts: AnswerFacts = { status: exchange.status, errors: [], stepsKnown: false };
  const json = exchange.json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    if (typeof body.error === 'string') facts.errors.push(body.error);
    if (typeof body.error_description === 'string') facts.errorDescription = body.error_description;
  }
  const header = getHeader(exchange.headers, 'www-authenticate');
  if (header !== undefined) {
    facts.wwwAuthenticate = header;
    const challenges = parseWwwAuthenticate(header);
    const params =
      challenges.find((c) => c.params.error !== undefined)?.params ??
      findChallenge(challenges, 'Bearer')?.params;
    if (params?.error !== undefined && !facts.errors.includes(params.error)) {
      facts.errors.push(params.error);
    }
    if (facts.errorDescription === undefined && params?.error_description !== undefined) {
      facts.errorDescription = params.error_description;
    }
  }
  if (server) {
    facts.stepsKnown = true;
    // The first failed step: checks run in order and the first failure stops them; where one
    // step wraps others (authenticateClient around checkClientSecret) the inner one fails first.
    const failed = server.steps.find((step) => !step.ok);
    if (failed) facts.failedCheck = failed.name;
  }
  return facts;
}

/** `401 invalid_client ("The client secret ...")`, for reports. */
export function describeAnswer(facts: AnswerFacts): string {
  const codes = facts.errors.length > 0 ? ` ${facts.errors.join('/')}` : '';
  const at = facts.failedCheck ? ` at ${facts.failedCheck}` : '';
  const said = facts.errorDescription ? ` ("${facts.errorDescription}")` : '';
  return `${facts.status}${codes}${at}${said}`;
}

/** `401 invalid_token at checkNotRevoked`, as badges and reports word an expectation. */
export function describeExpectation(want: Partial<ResponseExpectation>): string {
  return [
    want.status === undefined ? undefined : String(want.status),
    want.error,
    want.check === undefined ? undefined : `at ${want.check}`,
    want.www_authenticate === undefined ? undefined : `WWW-Authenticate: ${want.www_authenticate}`,
    want.description === undefined ? undefined : `“${want.description}”`,
  ]
    .filter(Boolean)
    .join(' ');
}

const said = (facts: AnswerFacts) =>
  facts.errors.length > 0
    ? ` (${facts.errors.join('/')}${facts.errorDescription ? `: ${facts.errorDescription}` : ''})`
    : '';

/** Judge an answer against an expectation; every part left out of `want` is not checked. */
export function checkExpectation(
  facts: AnswerFacts,
  want: Partial<ResponseExpectation>,
): ExpectationResult {
  const reasons: string[] = [];
  if (want.status !== undefined && facts.status !== want.status) {
    reasons.push(`Expected status ${want.status}, got ${facts.status}${said(facts)}.`);
  }
  if (want.error !== undefined) {
    if (facts.errors.length === 0) {
      reasons.push(`Expected the error ${want.error}, but the answer names no error.`);
    } else if (facts.errors.some((code) => code !== want.error)) {
      reasons.push(`Expected the error ${want.error}, got ${facts.errors.join(' and ')}.`);
    }
  }
  if (want.www_authenticate !== undefined) {
    if (facts.wwwAuthenticate === undefined) {
      reasons.push(
        `Expected a WWW-Authenticate header containing ${want.www_authenticate}; there is none.`,
      );
    } else if (!facts.wwwAuthenticate.includes(want.www_authenticate)) {
      reasons.push(
        `Expected WWW-Authenticate to contain ${want.www_authenticate}; it is ${facts.wwwAuthenticate}.`,
      );
    }
  }
  if (want.check !== undefined) {
    if (!facts.stepsKnown) {
      reasons.push(
        `Expected the server to refuse at ${want.check}, but its log has no entry for this answer, so which check answered is unknown.`,
      );
    } else if (facts.failedCheck !== want.check) {
      reasons.push(
        facts.failedCheck === undefined
          ? `Expected the server to refuse at ${want.check}; none of its checks refused this request.`
          : `Expected the server to refuse at ${want.check}; it refused at ${facts.failedCheck}${facts.errorDescription ? ` (“${facts.errorDescription}”)` : ''}.`,
      );
    }
  }
  if (want.description !== undefined) {
    const description = facts.errorDescription ?? '';
    if (!description.toLowerCase().includes(want.description.toLowerCase())) {
      reasons.push(
        facts.errorDescription === undefined
          ? `Expected an error_description containing “${want.description}”; the answer has none.`
          : `Expected the error_description to contain “${want.description}”; it says “${facts.errorDescription}”.`,
      );
    }
  }
  return { ok: reasons.length === 0, reasons };
}

/** {@link answerFacts} then {@link checkExpectation}: the common case. */
export function matchExpectation(
  exchange: RecordedExchange,
  want: Partial<ResponseExpectation>,
  server?: ServerSteps,
): ExpectationResult {
  return checkExpectation(answerFacts(exchange, server), want);
}
