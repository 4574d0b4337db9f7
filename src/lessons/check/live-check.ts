/**
 * The live half of `npm run lessons:check`: send a lesson's requests, top to bottom, to running
 * mock servers, with variables saved along the way as the page saves them, and report every
 * block whose answer differs from what the lesson promises.
 *
 * No `node:*` here: the caller hands in `fetch` (and where the servers listen), so the same code
 * can run against the Node server (the CLI) or a core's `handle` (tests).
 */
import { fillVariablesAsync, type HttpRequestModel } from '../../client/http-request.ts';
import { type RecordedExchange, SendRequestError, sendRequest } from '../../client/send-request.ts';
import {
  answerFacts,
  checkExpectation,
  describeAnswer,
  describeExpectation,
  type ServerSteps,
} from '../expectation.ts';
import type {
  CompiledLesson,
  LessonDiagnostic,
  RequestBlock,
  ResponseExpectation,
} from '../lesson-types.ts';
import { lessonBlocks } from './lesson-blocks.ts';
import { optionPosition, type Position, sourceLines, yamlPosition } from './source-positions.ts';

export interface LiveCheckOptions {
  /** Answers a request (its URL already mapped by `mapUrl`). */
  fetch: (request: Request) => Promise<Response>;
  /** Lesson URLs name the browser hosts (https://auth.example.com...): map them to the servers. */
  mapUrl?: (url: string) => string;
  /** Signs `{{$client_assertion client_id}}` (the page signs with the key pair it made). */
  signAssertion?: (clientId: string) => Promise<string | undefined>;
  /**
   * The servers' log entry for an answer (by its `x-request-id`), so expectations that name the
   * check that must refuse (`at checkNotRevoked`) can be judged. Without it they cannot pass.
   */
  serverLog?: (requestId: string) => ServerSteps | undefined;
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

function valueAt(json: unknown, path: string[]): unknown {
  let value = json;
  for (const segment of path) {
    value =
      Array.isArray(value) && /^\d+$/.test(segment)
        ? value[Number(segment)]
        : typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[segment]
          : undefined;
  }
  return value;
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
  const vars: Record<string, string> = {};
  /** Why a variable has no value: the block meant to save it and the answer it got. */
  const unsaved = new Map<string, string>();

  /** Fill and send; undefined (and a report when `strict`) if it could not be sent. */
  const send = async (
    template: HttpRequestModel,
    at: Position,
    what: string,
    strict: boolean,
  ): Promise<RecordedExchange | undefined> => {
    const problems: string[] = [];
    const fill = async (text: string) => {
      const filled = await fillVariablesAsync(text, vars, {
        ...(options.signAssertion ? { signAssertion: options.signAssertion } : {}),
      });
      for (const name of filled.missing) {
        const why = unsaved.get(name);
        problems.push(`no value for {{${name}}}${why ? ` (${why})` : ''}`);
      }
      problems.push(...filled.errors);
      return filled.text;
    };
    const request: HttpRequestModel = {
      method: template.method,
      url: await fill(template.url),
      headers: await Promise.all(
        template.headers.map(async ([n, v]) => [n, await fill(v)] as [string, string]),
      ),
      body: await fill(template.body),
    };
    if (problems.length > 0) {
      result.skipped++;
      if (strict) report(at, `${what} was not sent: ${[...new Set(problems)].join('; ')}.`);
      return undefined;
    }
    const mapped = { ...request, url: options.mapUrl ? options.mapUrl(request.url) : request.url };
    result.sent++;
    try {
      return await sendRequest(mapped, { fetch: options.fetch });
    } catch (error) {
      const message = error instanceof SendRequestError ? error.message : String(error);
      report(at, `${what} got no answer: ${message}`);
      return undefined;
    }
  };

  const compare = (
    exchange: RecordedExchange,
    want: Partial<ResponseExpectation>,
    at: Position,
    what: string,
  ) => {
    result.checked++;
    const log =
      exchange.requestId === undefined ? undefined : options.serverLog?.(exchange.requestId);
    const facts = answerFacts(exchange, log);
    if (!checkExpectation(facts, want).ok) {
      report(
        at,
        `${what}: expected ${describeExpectation(want)}, got ${describeAnswer(facts)}${want.www_authenticate === undefined ? '' : ` with WWW-Authenticate "${facts.wwwAuthenticate ?? ''}"`}.`,
      );
    }
  };

  const saveFrom = (block: RequestBlock, exchange: RecordedExchange) => {
    const ok = exchange.status >= 200 && exchange.status < 300;
    for (const rule of block.save) {
      if (!ok) {
        unsaved.set(
          rule.variable,
          `request block "${block.id}" on line ${block.source.line}, which saves it, got ${describeAnswer(answerFacts(exchange))}`,
        );
        continue;
      }
      const value = valueAt(exchange.json, rule.path);
      if (value === undefined || value === null) {
        unsaved.set(
          rule.variable,
          `request block "${block.id}" found nothing at "${rule.path.join('.')}"`,
        );
        report(
          optionPosition(lines, block.source.line, 'save'),
          `Request block "${block.id}" saves ${rule.variable} from "${rule.path.join('.')}", but its ${exchange.status} answer has no such field${exchange.json === undefined ? ' (the body is not JSON)' : ''}.`,
        );
        continue;
      }
      vars[rule.variable] = typeof value === 'string' ? value : JSON.stringify(value);
      unsaved.delete(rule.variable);
    }
  };

  for (const block of lessonBlocks(lesson.body)) {
    const line = block.source.line;
    if (block.kind === 'request') {
      const what = `Request block "${block.id}"`;
      const at = optionPosition(lines, line, block.expect ? 'expect' : undefined);
      const exchange = await send(block.request, at, what, block.expect !== undefined);
      if (!exchange) {
        for (const rule of block.save)
          unsaved.set(rule.variable, `request block "${block.id}" was not sent`);
        continue;
      }
      if (block.expect) compare(exchange, block.expect, at, what);
      saveFrom(block, exchange);
    } else if (block.kind === 'negatives') {
      for (const [index, negative] of block.cases.entries()) {
        const at = yamlPosition(lines, line, [index]);
        const what = `Negative case "${negative.name}"`;
        const exchange = await send(negative.request, at, what, true);
        if (exchange) compare(exchange, negative.expect, at, what);
      }
    } else if (block.kind === 'exercise' && block.check.response?.run) {
      // Before the learner acts the check is meant to fail; what must hold is that it can pass:
      // the request reaches an endpoint that exists and the server does not break.
      const at = yamlPosition(lines, line, ['check', 'response', 'run']);
      const what = `Exercise "${block.id}" (its check's run request)`;
      const exchange = await send(block.check.response.run, at, what, false);
      if (
        exchange &&
        (exchange.status === 404 || exchange.status === 405 || exchange.status >= 500)
      ) {
        report(
          at,
          `${what} got ${describeAnswer(answerFacts(exchange))}: no learner action can make it pass. Check its method and URL.`,
        );
      }
    }
  }
  return result;
}
