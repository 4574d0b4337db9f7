/**
 * `npm run lessons:check`: the fixture lessons in `fixtures/` hold every kind of mistake; each
 * is reported at its file, line and column. The live checks run the real CLI (it starts the Node
 * server) and, in process, the same checker against the core's own `handle`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkLessons, formatReport } from '../../src/lessons/check/check-lessons.ts';
import { formatDiagnostic } from '../../src/lessons/compile-lessons.ts';
import { createMockServer } from '../../src/protocol/index.ts';

const run = promisify(execFile);
/** A child process compiling and running every lesson: slow on a busy CI machine. */
const CLI_TIMEOUT = 120_000;
const root = new URL('../../', import.meta.url);
const fixture = (name: string) => ({
  file: `test/lessons/fixtures/${name}`,
  source: readFileSync(new URL(`test/lessons/fixtures/${name}`, root), 'utf8'),
});

/** Run the CLI as `npm run lessons:check -- <args>` does; resolves with its exit code. */
async function cli(...args: string[]) {
  return cliWith({}, ...args);
}

async function cliWith(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/lessons-check.ts', ...args],
      { cwd: root, timeout: CLI_TIMEOUT, env: { ...process.env, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('lessons:check without the servers', () => {
  it('reports every compile mistake at its line and column', async () => {
    const report = await checkLessons([fixture('compile-mistakes.md')]);
    expect(report.diagnostics.map(formatDiagnostic)).toEqual([
      'test/lessons/fixtures/compile-mistakes.md:5:1 Front-matter "duration": expected whole minutes such as "6 min".',
      'test/lessons/fixtures/compile-mistakes.md:6:1 Unknown front-matter key "colour". Keys: title, summary, order, duration, slug, server.',
      'test/lessons/fixtures/compile-mistakes.md:13:4 Unknown block "reqest". Did you mean "request"? Blocks: request, jwt, negatives, flow, exercise, code-exercise, curl, lab; plain code takes a language such as json, http or bash.',
      'test/lessons/fixtures/compile-mistakes.md:17:25 Unknown option "titel" for block "request". Did you mean "title"? Options: id, title, expect, save, editable, auth-method.',
      'test/lessons/fixtures/compile-mistakes.md:17:45 Option "expect" of block "request": expected "<status>", "<status> <error>" or "<status> <error> at <check>", e.g. "200", "401 invalid_client" or "401 invalid_token at checkNotRevoked"; got "40".',
      'test/lessons/fixtures/compile-mistakes.md:26:23 Variable "later_token" is used before any earlier block saves it. It is first saved by the request block on line 33, further down: move that block up.',
      'test/lessons/fixtures/compile-mistakes.md:29:12 Duplicate id "list-users": the request block on line 24 already uses it.',
      'test/lessons/fixtures/compile-mistakes.md:29:26 Option "expect" of block "request": unknown error code "invalid_clint". Use one of invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope, invalid_target, invalid_token, insufficient_scope, unsupported_token_type, invalid_dpop_proof, use_dpop_nonce.',
      'test/lessons/fixtures/compile-mistakes.md:44:11 In the negatives block at [0].expect: expected "<status>", "<status> <error>" or "<status> <error> at <check>", e.g. "200", "401 invalid_client" or "401 invalid_token at checkNotRevoked"; got "40".',
    ]);
    expect(report.live).toBe(false);
  });

  it('reports lessons that compile but cannot keep their promises', async () => {
    const report = await checkLessons([fixture('authoring-mistakes.md')]);
    expect(report.diagnostics.map(formatDiagnostic)).toEqual([
      'test/lessons/fixtures/authoring-mistakes.md:12:4 Request block "no-expect" states no expected outcome: add expect=<status> (expect=200, expect="401 invalid_client"), so the page can mark the step done and lessons:check can run it. Only editable blocks and blocks an exercise checks may leave it out.',
      'test/lessons/fixtures/authoring-mistakes.md:16:60 Request block "saves-on-failure" saves access_token but expects 401: variables are saved only from a 2xx response. Drop save= or expect a 2xx status.',
      'test/lessons/fixtures/authoring-mistakes.md:24:34 Request block "success-with-error" expects status 200 with error "invalid_token", but a 200 carries no error code: expect a 4xx status with it, or drop the error.',
      'test/lessons/fixtures/authoring-mistakes.md:38:11 Negative case "Impossible" expects status 204 with a WWW-Authenticate challenge, but the servers send one only with 401 and 403.',
      'test/lessons/fixtures/authoring-mistakes.md:46:13 Exercise "impossible" expects status 200 with error "invalid_scope", but a 200 carries no error code: expect a 4xx status with it, or drop the error.',
    ]);
  });

  it('passes a lesson with none of these mistakes and says so in one line', async () => {
    const report = await checkLessons([
      {
        file: 'lessons/99-fine.md',
        source: readFileSync(new URL('lessons/02-first-token.md', root), 'utf8'),
      },
    ]);
    expect(formatReport(report)).toBe('lessons:check: 1 lesson OK; not run live (--no-live).');
  });
});

describe('lessons:check against the servers', () => {
  it('runs the live checks against the core, in lesson order with saved variables', async () => {
    const core = await createMockServer({
      issuer: 'https://auth.example.com',
      apiOrigin: 'https://api.example.com',
      audience: 'https://api.example.com',
    });
    const report = await checkLessons([fixture('live-mismatch.md')], {
      fetch: async (request) => (await core.handle(request)) ?? new Response(null, { status: 599 }),
      reset: () => core.admin.reset(),
    });
    const lines = report.diagnostics.map(formatDiagnostic);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^test\/lessons\/fixtures\/live-mismatch\.md:12:61 Request block "wrong-secret": expected 200, got 401 invalid_client \(".+"\)\.$/,
    );
    expect(lines[1]).toMatch(
      /^test\/lessons\/fixtures\/live-mismatch\.md:20:22 Request block "use-it" was not sent: no value for \{\{access_token\}\} \(request block "wrong-secret" on line 12, which saves it, got 401 invalid_client/,
    );
    expect(lines[2]).toBe(
      'test/lessons/fixtures/live-mismatch.md:25:37 Request block "good-token" saves missing from "refresh_token", but its 200 answer has no such field.',
    );
    expect(lines[3]).toMatch(
      /^test\/lessons\/fixtures\/live-mismatch\.md:37:3 Negative case "Wrong guess": expected 400 invalid_request, got 401 /,
    );
    expect(lines[4]).toMatch(
      /^test\/lessons\/fixtures\/live-mismatch\.md:48:10 Exercise "nowhere" \(its check's run request\) got 404 .*no learner action can make it pass/,
    );
    expect(report).toMatchObject({ sent: 5, checked: 4, skipped: 1 });
  });

  it('reports an exercise the lesson’s own steps already pass, before the learner acts', async () => {
    const core = await createMockServer({
      issuer: 'https://auth.example.com',
      apiOrigin: 'https://api.example.com',
      audience: 'https://api.example.com',
    });
    const report = await checkLessons([fixture('exercise-passes-early.md')], {
      fetch: async (request) => (await core.handle(request)) ?? new Response(null, { status: 599 }),
      reset: () => core.admin.reset(),
    });
    expect(report.diagnostics.map(formatDiagnostic)).toEqual([
      'test/lessons/fixtures/exercise-passes-early.md:25:1 Exercise "already-done" already passes before the learner does anything: the lesson\'s own steps meet its check. Make the goal something the learner has to change.',
      'test/lessons/fixtures/exercise-passes-early.md:34:1 Exercise "already-answered" already passes before the learner does anything: the lesson\'s own steps meet its check. Make the goal something the learner has to change.',
    ]);
  });

  it('the CLI starts the Node server and reports a lesson expecting 200 where the server says 401', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    const { code, stdout } = await cli('test/lessons/fixtures/live-mismatch.md');
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^test\/lessons\/fixtures\/live-mismatch\.md:12:61 Request block "wrong-secret": expected 200, got 401 invalid_client at checkClientSecret \("The client_id and client_secret do not match/,
    );
    expect(lines.at(-1)).toBe(
      'lessons:check: 5 errors in 1 lesson (of 1); 5 requests sent, 4 expectations checked live, 1 not sent.',
    );
  });

  it(
    "ends, naming the exercise, when a code exercise's own solution loops forever",
    async () => {
      const { code, stdout, stderr } = await cliWith(
        { CCP_CODE_CHECK_STALL_MS: '1500' },
        'test/lessons/fixtures/endless-code-exercise.md',
      );
      expect(code, stdout).not.toBe(0);
      expect(stderr).toContain(
        'test/lessons/fixtures/endless-code-exercise.md:12: code exercise "spins" stopped this check',
      );
    },
    CLI_TIMEOUT,
  );

  it('the CLI passes every real lesson, live, and exits 0', { timeout: CLI_TIMEOUT }, async () => {
    const { code, stdout } = await cli();
    expect(stdout.trim()).toMatch(
      /^lessons:check: \d+ lessons OK; \d+ requests sent, \d+ expectations checked live\.$/,
    );
    expect(code).toBe(0);
  });

  it('the CLI prints JSON with --json and exits 2 on a path that does not exist', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    const json = await cli('--json', '--no-live', 'test/lessons/fixtures/authoring-mistakes.md');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.diagnostics[0]).toEqual({
      file: 'test/lessons/fixtures/authoring-mistakes.md',
      line: 12,
      column: 4,
      message: expect.stringContaining('Request block "no-expect" states no expected outcome'),
      severity: 'error',
    });
    const missing = await cli('lessons/no-such-lesson.md');
    expect(missing).toMatchObject({
      code: 2,
      stderr: 'No such file or folder: lessons/no-such-lesson.md\n',
    });
  });
});
