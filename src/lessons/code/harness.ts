/**
 * The code-exercise test runner: the same in the page's sandbox worker
 * (src/lessons/code/sandbox-worker.ts) and in Node (`npm run lessons:check`, the lesson tests).
 *
 * It compiles the learner's module (`./exercise`) and the lesson's tests, then runs each test in
 * a fresh instance of both (module-level state never leaks from one test into the next), one at a
 * time, each within a time limit. The code reaches the mock servers only through the
 * {@link ExerciseHost} the runtime hands in: a `fetch` that goes to the mock hosts (never to
 * `/__admin`), the server clock, its log and the token forge. Nothing here touches the DOM, the
 * network or Node.
 *
 * What the code sees: `fetch` (the host's), `Date` and `performance` that read the sandbox
 * clock (the server's clock, moved by `advanceClock`), `jose` (whose `jwtVerify` and
 * `createRemoteJWKSet` use that clock and that fetch), and, in the tests, the `playground`
 * module: `test`, `expect`, `advanceClock`, `serverLog`, `tokenRequests`, `forgedToken` and the
 * mock hosts' URLs.
 */
import * as jose from 'jose';
import { BROWSER_HOSTS } from '../../protocol/index.ts';
import type { CodeLanguage } from '../lesson-types.ts';
import { AssertionFailed, expect, show } from './expect.ts';
import {
  type CodeFile,
  type CodeProblem,
  DEFAULT_TEST_TIMEOUT_MS,
  EXERCISE_FILE,
  TESTS_FILE,
} from './files.ts';
import { transpile } from './transpile.ts';

/** A request or response as it crosses from the sandbox to the host (plain data). */
export interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
}
export interface WireResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/** A request the mock servers answered, as the tests read the log (never `/__admin` calls). */
export interface SandboxLogEntry {
  id: string;
  endpoint: string;
  method: string;
  url: string;
  status: number;
  clientId?: string;
  /** The request's headers and body as the server logged them: redacted by the server. */
  requestHeaders: Record<string, string>;
  requestBody?: string;
}

/** What the runtime lets the sandboxed code reach: the mock servers, nothing else. */
export interface ExerciseHost {
  /** Send a request to a mock host (the host refuses any other origin, and `/__admin`). */
  fetch(request: WireRequest): Promise<WireResponse>;
  /** The server clock, epoch milliseconds. */
  serverNow(): Promise<number>;
  /** Move the server clock (the host puts it back after the run). */
  advanceClock(seconds: number): Promise<void>;
  /** The id of the newest log entry, to count what a test made from there. */
  logMark(): Promise<string | undefined>;
  /** The log's entries after `mark` (all when undefined), oldest first, admin calls left out. */
  serverLog(mark: string | undefined): Promise<SandboxLogEntry[]>;
  /** A token from the token forge's preset (src/client/forge.ts), at the server's time. */
  forgedToken(preset: string, leewaySeconds: number): Promise<string>;
}

export interface TestResult {
  name: string;
  ok: boolean;
  /** In plain words: "token requests: expected 1, got 2", "your code threw TypeError: ...". */
  message?: string;
  expected?: string;
  got?: string;
  /** What the failed assertion measured, as the test named it. */
  label?: string;
  /** Where it failed: a line of the learner's code, or of the tests. */
  at?: { file: CodeFile; line: number; column?: number };
  durationMs: number;
}

export interface RunReport {
  /** The code did not compile, or threw as it loaded: no test ran. */
  problem?: CodeProblem;
  tests: TestResult[];
}

export type RunProgress =
  | { type: 'test-start'; index: number; name: string; total: number }
  | { type: 'test-end'; index: number; result: TestResult };

export interface RunInput {
  lang: CodeLanguage;
  /** The learner's module, imported by the tests as `./exercise`. */
  code: string;
  tests: string;
}

export interface RunOptions {
  host: ExerciseHost;
  /** How long one test may take, asynchronously (default 4 s). */
  testTimeoutMs?: number;
  onProgress?(event: RunProgress): void;
}

// Captured when this module loads, before the sandbox locks its global scope down and before any
// learner code can replace them.
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;
const RealDate = Date;
const realDateNow = Date.now.bind(Date);
const realPerformanceNow = performance.now.bind(performance);
// Running the learner's code is this module's job: it is the one eval of the app, and runs only
// in the sandbox worker (which has no DOM and locks its globals down) or in Node.
// biome-ignore lint/security/noGlobalEval: see above; the page itself never evaluates code
const globalEval = eval;

/** The names the learner's module may be imported by, from the tests. */
const EXERCISE_SPECIFIERS = new Set(['./exercise', './exercise.ts', './exercise.js']);

/** The parameters every module sees in place of the globals of the same names. */
const MODULE_PARAMETERS = ['exports', 'require', 'module', 'fetch', 'Date', 'performance'] as const;
const WRAPPER_HEAD = `function (${MODULE_PARAMETERS.join(', ')}) {`;
/** What the evaluated code is called in stack traces (engines that honour `sourceURL`). */
const CODE_URL = 'exercise-code.js';

/**
 * Both files in one evaluated text, each wrapped in its module function, so that a stack line
 * tells which file and line threw: Chromium and Node name the text by its `sourceURL`, Firefox
 * only says "eval", and the line within the text then says which file it is.
 */
interface Evaluated {
  text: string;
  /** The text's line where the tests begin (the learner's code begins on line 1). */
  testsStart: number;
}

function evaluated(compiled: Compiled): Evaluated {
  const first = `[${WRAPPER_HEAD}${compiled.exercise}`;
  const testsStart = first.split('\n').length + 2;
  const text = [
    first,
    '},',
    `${WRAPPER_HEAD}${compiled.tests}`,
    '}]',
    `//# sourceURL=${CODE_URL}`,
  ].join('\n');
  return { text, testsStart };
}

/** The file and line of a line of the evaluated text. */
function fileLine(code: Evaluated, line: number, column: number | undefined) {
  const inTests = line >= code.testsStart;
  const fileLineNumber = inTests ? line - code.testsStart + 1 : line;
  const head = WRAPPER_HEAD.length + (inTests ? 0 : 1);
  const fileColumn =
    column === undefined ? undefined : fileLineNumber === 1 ? Math.max(1, column - head) : column;
  return {
    file: inTests ? TESTS_FILE : EXERCISE_FILE,
    line: fileLineNumber,
    ...(fileColumn !== undefined && { column: fileColumn }),
  } as const;
}

/** The sandbox's clock: the server's time when the run began, moved by `advanceClock`. */
interface SandboxClock {
  now(): number;
  monotonic(): number;
  advance(ms: number): void;
}

function createClock(serverNowMs: number): SandboxClock {
  let offset = serverNowMs - realDateNow();
  let advanced = 0;
  return {
    now: () => realDateNow() + offset,
    monotonic: () => realPerformanceNow() + advanced,
    advance: (ms) => {
      offset += ms;
      advanced += ms;
    },
  };
}

/** `Date` for the sandbox: `new Date()` and `Date.now()` read the sandbox clock. */
function sandboxDate(clock: SandboxClock): DateConstructor {
  class SandboxDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string]));
    }
    static override now(): number {
      return clock.now();
    }
  }
  return SandboxDate as DateConstructor;
}

/** `fetch` for the sandbox: any request, but answered by the host (the mock servers) only. */
function sandboxFetch(host: ExerciseHost): typeof fetch {
  return async function fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    let answer: WireResponse;
    try {
      answer = await host.fetch({
        method: request.method,
        url: request.url,
        headers: [...request.headers],
        body,
      });
    } catch (error) {
      throw new TypeError(error instanceof Error ? error.message : String(error));
    }
    const noBody = [101, 204, 205, 304].includes(answer.status) || request.method === 'HEAD';
    return new Response(noBody ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
    });
  } as typeof fetch;
}

/** jose, reading the sandbox clock and fetching through the host. */
function sandboxJose(clock: SandboxDateClock, fetchImpl: typeof fetch): typeof jose {
  const jwtVerify = ((jwt: string, key: never, options?: jose.JWTVerifyOptions) =>
    jose.jwtVerify(jwt, key, {
      currentDate: new clock.Date(),
      ...options,
    })) as typeof jose.jwtVerify;
  const createRemoteJWKSet = ((url: URL, options?: jose.RemoteJWKSetOptions) =>
    jose.createRemoteJWKSet(url, {
      [jose.customFetch]: fetchImpl,
      ...options,
    })) as typeof jose.createRemoteJWKSet;
  return Object.freeze({ ...jose, jwtVerify, createRemoteJWKSet });
}

interface SandboxDateClock {
  Date: DateConstructor;
}

interface RegisteredTest {
  name: string;
  fn: () => unknown;
}

interface Compiled {
  exercise: string;
  tests: string;
  evaluated?: Evaluated;
}

/** One fresh instance of the tests and the learner's module, as the tests import it. */
function instantiate(
  compiled: Compiled,
  globals: { fetch: typeof fetch; Date: DateConstructor; performance: Performance },
  playground: (tests: RegisteredTest[]) => Record<string, unknown>,
  joseModule: typeof jose,
): { tests: RegisteredTest[] } {
  const tests: RegisteredTest[] = [];
  const playgroundModule = Object.freeze(playground(tests));
  let exerciseModule: { exports: Record<string, unknown> };

  compiled.evaluated ??= evaluated(compiled);
  const [exerciseFactory, testsFactory] = globalEval(compiled.evaluated.text) as ((
    ...args: unknown[]
  ) => void)[];
  const run = (
    factory: ((...args: unknown[]) => void) | undefined,
    require: (name: string) => unknown,
  ) => {
    const module = { exports: {} as Record<string, unknown> };
    factory?.(module.exports, require, module, globals.fetch, globals.Date, globals.performance);
    return module;
  };

  const requireFromExercise = (name: string): unknown => {
    if (name === 'jose') return joseModule;
    throw new Error(
      `Cannot import "${name}": your code may import jose, and use fetch, which reaches the mock servers.`,
    );
  };
  // Loaded first, whether the tests use it or not: its problems are the learner's to see.
  exerciseModule = run(exerciseFactory, requireFromExercise);
  const requireFromTests = (name: string): unknown => {
    if (EXERCISE_SPECIFIERS.has(name)) return exerciseModule.exports;
    if (name === 'jose') return joseModule;
    if (name === 'playground') return playgroundModule;
    throw new Error(`The tests cannot import "${name}": only ./exercise, jose and playground.`);
  };
  run(testsFactory, requireFromTests);
  return { tests };
}

/**
 * Where in the code an error was thrown: the first stack frame in the evaluated text
 * (`exercise-code.js:8:9` in Chromium and Node, `... > eval:8:9` in Firefox).
 */
const FRAME = new RegExp(`(?:${CODE_URL.replace('.', '\\.')}|> eval):(\\d+)(?::(\\d+))?`);

function locate(
  error: unknown,
  code: Evaluated | undefined,
): { file: CodeFile; line: number; column?: number } | undefined {
  const stack = typeof error === 'object' && error !== null ? String((error as Error).stack) : '';
  if (!code) return undefined;
  for (const frame of stack.split('\n')) {
    const match = FRAME.exec(frame);
    if (!match) continue;
    return fileLine(code, Number(match[1]), match[2] === undefined ? undefined : Number(match[2]));
  }
  return undefined;
}

function describeThrown(error: unknown, where: { file: CodeFile } | undefined): string {
  const what =
    error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
      ? `${(error as Error).name || 'Error'}: ${(error as Error).message}`
      : `the value ${show(error)}`;
  const who = where?.file === TESTS_FILE ? 'The test threw' : 'Your code threw';
  return `${who} ${what}`;
}

class TestTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = realSetTimeout(() => reject(new TestTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => realClearTimeout(timer));
}

/**
 * Compile the learner's code and the tests, then run every test. Never throws for anything the
 * code does: compile errors, errors as a module loads and failing tests are all in the report.
 */
export async function runCodeExercise(input: RunInput, options: RunOptions): Promise<RunReport> {
  const { host } = options;
  const testTimeoutMs = options.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS;
  const exercise = transpile(input.code, input.lang, EXERCISE_FILE);
  if (!exercise.ok) return { problem: exercise.problem, tests: [] };
  const testsCode = transpile(input.tests, input.lang, TESTS_FILE);
  if (!testsCode.ok) return { problem: testsCode.problem, tests: [] };
  const compiled: Compiled = { exercise: exercise.code, tests: testsCode.code };

  const clock = createClock(await host.serverNow());
  const SandboxDate = sandboxDate(clock);
  const fetchImpl = sandboxFetch(host);
  const globals = {
    fetch: fetchImpl,
    Date: SandboxDate,
    performance: Object.freeze({
      now: () => clock.monotonic(),
      timeOrigin: performance.timeOrigin,
    }) as unknown as Performance,
  };
  const joseModule = sandboxJose({ Date: SandboxDate }, fetchImpl);
  let mark: string | undefined;

  const playground = (tests: RegisteredTest[]) => ({
    test(name: unknown, fn: unknown) {
      if (typeof name !== 'string' || typeof fn !== 'function') {
        throw new TypeError('test(name, fn) takes a name and a function.');
      }
      tests.push({ name, fn: fn as () => unknown });
    },
    expect,
    /** Move the server clock and this sandbox's clock forward (negative: back), in seconds. */
    async advanceClock(seconds: unknown) {
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || Math.abs(seconds) > 1e9) {
        throw new TypeError(
          `advanceClock(seconds) takes a number of seconds; got ${show(seconds)}.`,
        );
      }
      await host.advanceClock(seconds);
      clock.advance(seconds * 1000);
    },
    /** The requests the mock servers answered since this test began, oldest first. */
    serverLog: () => host.serverLog(mark),
    /** How many token requests the servers answered since this test began (for one client). */
    async tokenRequests(clientId?: unknown) {
      const entries = await host.serverLog(mark);
      return entries.filter(
        (e) => e.endpoint === 'token' && (clientId === undefined || e.clientId === clientId),
      ).length;
    },
    /** A forged token (the token forge's presets), with this leeway for the time cases. */
    forgedToken(preset: unknown, leewaySeconds: unknown = 60) {
      if (typeof preset !== 'string') throw new TypeError('forgedToken(preset) takes a preset id.');
      return host.forgedToken(preset, Number(leewaySeconds));
    },
    ISSUER: BROWSER_HOSTS.issuer,
    API: BROWSER_HOSTS.apiOrigin,
    TOKEN_ENDPOINT: `${BROWSER_HOSTS.issuer}/oauth/token`,
    REVOCATION_ENDPOINT: `${BROWSER_HOSTS.issuer}/oauth/revoke`,
    JWKS_URI: `${BROWSER_HOSTS.issuer}/.well-known/jwks.json`,
  });

  // Load once to learn the tests (and to report a module that does not load, once).
  let names: string[];
  try {
    names = instantiate(compiled, globals, playground, joseModule).tests.map((t) => t.name);
  } catch (error) {
    const at = locate(error, compiled.evaluated) ?? { file: EXERCISE_FILE, line: 1 };
    return {
      problem: { ...at, message: `${describeThrown(error, at)} as it loaded.` },
      tests: [],
    };
  }

  const results: TestResult[] = [];
  for (const [index, name] of names.entries()) {
    options.onProgress?.({ type: 'test-start', index, name, total: names.length });
    mark = await host.logMark();
    const started = realPerformanceNow();
    let result: TestResult;
    try {
      const test = instantiate(compiled, globals, playground, joseModule).tests[index];
      if (!test || test.name !== name)
        throw new Error('The tests registered differently this time.');
      await withTimeout(Promise.resolve().then(test.fn), testTimeoutMs);
      result = { name, ok: true, durationMs: realPerformanceNow() - started };
    } catch (error) {
      result = failure(
        name,
        error,
        testTimeoutMs,
        realPerformanceNow() - started,
        locate(error, compiled.evaluated),
      );
    }
    results.push(result);
    options.onProgress?.({ type: 'test-end', index, result });
  }
  return { tests: results };
}

function failure(
  name: string,
  error: unknown,
  timeoutMs: number,
  durationMs: number,
  at: TestResult['at'],
): TestResult {
  if (error instanceof TestTimeout) {
    return {
      name,
      ok: false,
      message: `Did not finish within ${timeoutMs / 1000} s: a promise that never settles, or a wait on the real clock? (Use the sleep the test hands you.)`,
      durationMs,
    };
  }
  if (error instanceof AssertionFailed) {
    return {
      name,
      ok: false,
      message: error.message,
      expected: error.expected,
      got: error.got,
      ...(error.label !== undefined && { label: error.label }),
      ...(at && { at }),
      durationMs,
    };
  }
  return { name, ok: false, message: describeThrown(error, at), ...(at && { at }), durationMs };
}
