/**
 * The live half of `npm run lessons:check`: send a lesson's requests, top to bottom, to running
 * mock servers, with variables saved along the way as the page saves them, and report every
 * block whose answer differs from what the lesson promises.
 *
 * No `node:*` here: the caller hands in `fetch` (and where the servers listen), so the same code
 * can run against the Node server (the CLI) or a core's `handle` (tests).
 */
import type { AssertionShape, HttpRequestModel } from '../../client/http-request.ts';
import { type RecordedExchange, sendRequest } from '../../client/send-request.ts';
import { type CheckResult, checkResponse, checkToken, combineChecks } from '../exercise-check.ts';
import {
  answerFacts,
  checkExpectation,
  describeAnswer,
  describeExpectation,
  type ServerSteps,
} from '../expectation.ts';
import type {
  CodeExerciseBlock,
  CompiledLesson,
  ExerciseBlock,
  LessonDiagnostic,
  ResponseExpectation,
} from '../lesson-types.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../parse-http-request.ts';
import {
  checkKey,
  type LessonServers,
  LessonSession,
  memoryLessonStore,
  type SendOptions,
  type SendOutcome,
} from '../session.ts';
import type { CodeCheckResult } from './code-check.ts';
import { optionPosition, type Position, sourceLines, yamlPosition } from './source-positions.ts';

export interface LiveCheckOptions {
  /** Answers a request (its URL already mapped by `mapUrl`). */
  fetch: (request: Request) => Promise<Response>;
  /** Lesson URLs name the browser hosts (https://auth.example.com...): map them to the servers. */
  mapUrl?: (url: string) => string;
  /**
   * Signs `{{$client_assertion client_id}}` and `{{$assertion ...}}` (the page signs with the key
   * pair it made).
   */
  signAssertion?: (clientId: string, shape?: AssertionShape) => Promise<string | undefined>;
  /** Signs `{{$dpop}}` and `{{$dpop_thief}}` proofs (the page signs with its DPoP keys). */
  signDpopProof?: LessonServers['signDpopProof'];
  /**
   * The servers' log entry for an answer (by its `x-request-id`), so expectations that name the
   * check that must refuse (`at checkNotRevoked`) can be judged. Without it they cannot pass.
   */
  serverLog?: (requestId: string) => ServerSteps | undefined;
  /**
   * Runs a code exercise's tests (src/lessons/check/code-check.ts: `checkCodeExercise`, with a
   * runner). Handed in rather than imported: where learner-shaped code may run is the caller's
   * choice (Node runs it in-process, scripts/code-check-node.ts; the editor's "Run every request"
   * in the page's sandbox worker), and the runner brings Sucrase along. Without it, code exercises
   * are not checked.
   */
  checkCode?: (
    block: CodeExerciseBlock,
    send: (request: Request) => Promise<Response>,
  ) => Promise<CodeCheckResult>;
}

export interface LiveCheckResult {
  diagnostics: LessonDiagnostic[];
  /** Requests sent (request blocks, negative cases, exercise `run` requests). */
  sent: number;
  /** Expectations compared with a live answer. */
  checked: number;
  /** Requests not sent because a variable had no value (its saving step did not succeed). */
  skipped: number;
}

/** Run one lesson against the servers. The caller resets them first if it wants a clean slate. */
export async function checkLessonLive(
  lesson: CompiledLesson,
  source: string,
  options: LiveCheckOptions,
): Promise<LiveCheckResult> {
  const lines = sourceLines(source);
  const result: LiveCheckResult = { diagnostics: [], sent: 0, checked: 0, skipped: 0 };
  const report = (at: Position, message: string) =>
    result.diagnostics.push({ file: lesson.file, ...at, message, severity: 'error' });
  const serverLog = options.serverLog;
  const sign = options.signAssertion;
  // The same session the page runs: variables filled and saved, answers judged, as a learner's.
  const session = new LessonSession(lesson, memoryLessonStore(), {
    send: (request) =>
      sendRequest(
        { ...request, url: options.mapUrl ? options.mapUrl(request.url) : request.url },
        { fetch: options.fetch },
      ),
    ...(serverLog && { serverLog }),
    ...(sign && {
      signAssertion: (clientId: string, _url: string, shape?: AssertionShape) =>
        sign(clientId, shape),
    }),
    ...(options.signDpopProof && { signDpopProof: options.signDpopProof }),
    allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
  });
  /** Why a variable has no value: the block meant to save it and the answer it got. */
  const unsaved = new Map<string, string>();

  // As a learner entering the lesson: its server set up first (front-matter `server:`).
  const setUp = await session.setUp();
  if (setUp.error) {
    report({ line: 1, column: 1 }, setUp.error);
    return result;
  }

  /**
   * Send through the session; the exchange, or undefined (with a report when `strict`, or when
   * nothing answered) if it could not be sent.
   */
  const send = async (
    key: string,
    request: HttpRequestModel,
    sendOptions: SendOptions,
    at: Position,
    what: string,
    strict: boolean,
  ): Promise<{ exchange: RecordedExchange; outcome: SendOutcome } | undefined> => {
    const outcome = await session.send(key, request, sendOptions);
    if ('error' in outcome) {
      if (outcome.missing) {
        result.skipped++;
        if (strict) {
          const problems = outcome.missing.map((name) => {
            const why = unsaved.get(name);
            return `no value for {{${name}}}${why ? ` (${why})` : ''}`;
          });
          report(at, `${what} was not sent: ${problems.join('; ')}.`);
        }
      } else if (outcome.refusedOrigin !== undefined) {
        result.skipped++;
        report(at, `${what} was not sent: ${outcome.error}`);
      } else {
        result.sent++;
        report(at, `${what} got no answer: ${outcome.error}`);
      }
      return undefined;
    }
    result.sent++;
    return { exchange: outcome.exchange, outcome };
  };

  const facts = (exchange: RecordedExchange) =>
    answerFacts(
      exchange,
      exchange.requestId === undefined ? undefined : serverLog?.(exchange.requestId),
    );

  const compare = (
    exchange: RecordedExchange,
    want: Partial<ResponseExpectation>,
    at: Position,
    what: string,
  ) => {
    result.checked++;
    const answer = facts(exchange);
    if (!checkExpectation(answer, want).ok) {
      report(
        at,
        `${what}: expected ${describeExpectation(want)}, got ${describeAnswer(answer)}${want.www_authenticate === undefined ? '' : ` with WWW-Authenticate "${answer.wwwAuthenticate ?? ''}"`}.`,
      );
    }
  };

  for (const block of session.blocks) {
    const line = block.source.line;
    if (block.kind === 'request') {
      const what = `Request block "${block.id}"`;
      const at = optionPosition(lines, line, block.expect ? 'expect' : undefined);
      const sent = await send(
        block.id,
        block.request,
        { save: block.save, ...(block.expect && { expect: block.expect }) },
        at,
        what,
        block.expect !== undefined,
      );
      if (!sent) {
        for (const rule of block.save) {
          unsaved.set(rule.variable, `request block "${block.id}" was not sent`);
        }
        continue;
      }
      const { exchange, outcome } = sent;
      if (block.expect) compare(exchange, block.expect, at, what);
      const ok = exchange.status >= 200 && exchange.status < 300;
      for (const rule of block.save) {
        if (!ok) {
          unsaved.set(
            rule.variable,
            `request block "${block.id}" on line ${line}, which saves it, got ${describeAnswer(facts(exchange))}`,
          );
        } else if ('unsaved' in outcome && outcome.unsaved?.includes(rule)) {
          unsaved.set(
            rule.variable,
            `request block "${block.id}" found nothing at "${rule.path.join('.')}"`,
          );
          report(
            optionPosition(lines, line, 'save'),
            `Request block "${block.id}" saves ${rule.variable} from "${rule.path.join('.')}", but its ${exchange.status} answer has no such field${exchange.json === undefined ? ' (the body is not JSON)' : ''}.`,
          );
        } else {
          unsaved.delete(rule.variable);
        }
      }
    } else if (block.kind === 'negatives') {
      const base = block.id ?? `negatives-${line}`;
      for (const [index, negative] of block.cases.entries()) {
        const at = yamlPosition(lines, line, [index]);
        const what = `Negative case "${negative.name}"`;
        const sent = await send(`${base}#${index}`, negative.request, {}, at, what, true);
        if (sent) compare(sent.exchange, negative.expect, at, what);
      }
    } else if (block.kind === 'exercise') {
      await checkExerciseBeforeLearner(block);
    } else if (block.kind === 'code-exercise' && options.checkCode) {
      // The reference solution passes every test and the starter fails one, against the servers
      // as the lesson left them at this point.
      const code = await options.checkCode(block, async (request) => {
        const body =
          request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
        return options.fetch(
          new Request(options.mapUrl ? options.mapUrl(request.url) : request.url, {
            method: request.method,
            headers: request.headers,
            ...(body !== undefined && { body }),
          }),
        );
      });
      result.diagnostics.push(...code.diagnostics);
      result.checked += (code.solution?.tests.length ?? 0) + (code.starter?.tests.length ?? 0);
    }
  }
  return result;

  /**
   * An exercise is meant to fail until the learner acts. What must hold: its `run` request
   * reaches an endpoint that exists and the server does not break, and it does not already pass
   * on what the lesson's own steps did (then it teaches nothing). Labs are judged in the page.
   */
  async function checkExerciseBeforeLearner(block: ExerciseBlock): Promise<void> {
    const { response, token, lab } = block.check;
    const line = block.source.line;
    let responseResult: CheckResult | undefined;
    if (response?.run) {
      const at = yamlPosition(lines, line, ['check', 'response', 'run']);
      const what = `Exercise "${block.id}" (its check's run request)`;
      const sent = await send(checkKey(block.id), response.run, {}, at, what, false);
      if (!sent) return;
      const { exchange } = sent;
      if (exchange.status === 404 || exchange.status === 405 || exchange.status >= 500) {
        report(
          at,
          `${what} got ${describeAnswer(facts(exchange))}: no learner action can make it pass. Check its method and URL.`,
        );
        return;
      }
      responseResult = checkResponse(response, exchange, { kind: 'run' }, logOf(exchange));
    } else if (response) {
      const exchange = response.request
        ? session.state.exchanges[response.request]
        : session.state.lastLearnerExchange?.exchange;
      responseResult = checkResponse(
        response,
        exchange,
        { kind: 'latest' },
        exchange && logOf(exchange),
      );
    }
    if (lab) return;
    const tokenResult = token ? checkToken(token, session.state.vars[token.variable]) : undefined;
    if (combineChecks(responseResult, tokenResult).ok) {
      report(
        { line, column: 1 },
        `Exercise "${block.id}" already passes before the learner does anything: the lesson's own steps meet its check. Make the goal something the learner has to change.`,
      );
    }
  }

  function logOf(exchange: RecordedExchange) {
    return exchange.requestId === undefined ? undefined : serverLog?.(exchange.requestId);
  }
}
