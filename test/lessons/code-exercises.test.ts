/**
 * The code exercises' test runner (src/lessons/code/): what a learner sees when their code fails
 * (in plain words, at its line), what the sandboxed code may reach, and how a run leaves the
 * server. Against a fresh protocol core, as lessons:check runs it.
 */
import { describe, expect, it } from 'vitest';
import { withoutSolutions } from '../../plugins/lessons.ts';
import { runCodeExercise } from '../../src/lessons/code/harness.ts';
import { createExerciseHost, refusedUrl } from '../../src/lessons/code/host.ts';
import { DENIED_GLOBALS, removeCapabilities } from '../../src/lessons/code/lock-down.ts';
import { compileLesson } from '../../src/lessons/compile-lesson.ts';
import { lessonBlocks } from '../../src/lessons/lesson-steps.ts';
import { BROWSER_MOCK_ORIGINS, createMockServer } from '../../src/protocol/index.ts';

async function server() {
  const core = await createMockServer({
    issuer: 'https://auth.example.com',
    apiOrigin: 'https://api.example.com',
    audience: 'https://api.example.com',
  });
  const send = async (request: Request) => {
    const response = await core.handle(request);
    if (!response) throw new Error(`no mock answers ${request.url}`);
    return response;
  };
  return { core, host: createExerciseHost(send) };
}

const run = async (code: string, tests: string, testTimeoutMs?: number) => {
  const { host } = await server();
  return runCodeExercise(
    { lang: 'ts', code, tests },
    { host, ...(testTimeoutMs !== undefined && { testTimeoutMs }) },
  );
};

const header = "import { expect, test } from 'playground';\nimport { f } from './exercise';\n";

describe('code exercises: what a failing test says', () => {
  it('says what was expected and what came, in plain words, at the line of the test', async () => {
    const report = await run(
      'export const f = (n: number): number => n + 2;\n',
      `${header}test('adds one', () => {\n  expect(f(1), 'f(1)').toBe(2);\n});\n`,
    );
    expect(report.tests).toEqual([
      expect.objectContaining({
        name: 'adds one',
        ok: false,
        message: 'f(1): expected 2, got 3',
        expected: '2',
        got: '3',
        label: 'f(1)',
        at: expect.objectContaining({ file: 'exercise.test.ts', line: 4 }),
      }),
    ]);
  });

  it('names the error a learner threw, and its line in their code (types stripped, lines kept)', async () => {
    const report = await run(
      "interface X { a: number }\nexport function f(): X {\n  throw new TypeError('not yet');\n}\n",
      `${header}test('calls f', () => {\n  f();\n});\n`,
    );
    expect(report.tests[0]).toMatchObject({
      ok: false,
      message: 'Your code threw TypeError: not yet',
      at: { file: 'exercise.ts', line: 3 },
    });
  });

  it('reports a syntax error at its file and line, and runs no test', async () => {
    const report = await run(
      'export function f() {\n  return 1 +;\n}\n',
      `${header}test('x', () => {});\n`,
    );
    expect(report.tests).toEqual([]);
    expect(report.problem).toMatchObject({ file: 'exercise.ts', line: 2 });
    expect(report.problem?.message).toMatch(/^Syntax error: /);
  });

  it('gives each test a fresh module: state in one never leaks into the next', async () => {
    const report = await run(
      'let calls = 0;\nexport const f = () => ++calls;\n',
      `${header}test('first', () => expect(f()).toBe(1));\ntest('second', () => expect(f()).toBe(1));\n`,
    );
    expect(report.tests.map((t) => t.ok)).toEqual([true, true]);
  });

  it('fails a test that never settles after its time limit, and goes on with the next', async () => {
    const report = await run(
      'export const f = () => new Promise(() => {});\n',
      `${header}test('hangs', async () => { await f(); });\ntest('next', () => {});\n`,
      200,
    );
    expect(report.tests[0]).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Did not finish within 0.2 s/),
    });
    expect(report.tests[1]?.ok).toBe(true);
  });

  it('refuses an import the sandbox does not offer', async () => {
    const report = await run(
      "import { readFileSync } from 'node:fs';\nexport const f = () => readFileSync;\n",
      `${header}test('x', () => {});\n`,
    );
    expect(report.problem?.message).toMatch(/Cannot import "node:fs"/);
  });
});

describe('code exercises: what the code reaches', () => {
  it('fetches the mock hosts, never another origin and never /__admin', () => {
    expect(
      refusedUrl('https://api.example.com/api/v1/users', BROWSER_MOCK_ORIGINS),
    ).toBeUndefined();
    expect(refusedUrl('https://evil.example/collect', BROWSER_MOCK_ORIGINS)).toMatch(
      /reaches only/,
    );
    expect(refusedUrl('https://auth.example.com/__admin/reset', BROWSER_MOCK_ORIGINS)).toMatch(
      /control API/,
    );
    expect(refusedUrl('/relative', BROWSER_MOCK_ORIGINS)).toMatch(/not an absolute URL/);
  });

  it('a refused fetch rejects in the code, as a failed fetch does', async () => {
    const report = await run(
      "export const f = () => fetch('https://auth.example.com/__admin/reset', { method: 'POST' });\n",
      `${header}test('x', async () => { await expect(f()).rejects.toThrow('control API'); });\n`,
    );
    expect(report.tests[0]?.ok).toBe(true);
  });

  it("advanceClock moves the code's clock and the server's together; the run's end puts the server back", async () => {
    const { core, host } = await server();
    const before = core.admin.clock().offset;
    await host.prepare();
    const report = await runCodeExercise(
      {
        lang: 'ts',
        code: 'export const f = () => Date.now();\n',
        tests: `import { advanceClock, expect, test } from 'playground';\nimport { f } from './exercise';\ntest('x', async () => {\n  const t0 = f();\n  await advanceClock(3600);\n  expect(f() - t0, 'ms passed').toBeGreaterThanOrEqual(3_600_000);\n});\n`,
      },
      { host },
    );
    expect(report.tests[0]).toMatchObject({ ok: true });
    expect(core.admin.clock().offset - before).toBeGreaterThanOrEqual(3599);
    await host.restore();
    expect(Math.abs(core.admin.clock().offset - before)).toBeLessThanOrEqual(1);
  });

  it('the sandbox worker takes the network, storage and other tabs away from its scope', () => {
    const proto = { fetch() {}, indexedDB: {}, caches: {}, BroadcastChannel: class {} };
    const scope = Object.assign(Object.create(proto), { importScripts() {}, crypto: {} });
    removeCapabilities(scope);
    for (const name of DENIED_GLOBALS) expect(scope[name], name).toBeUndefined();
    expect(scope.crypto).toBeDefined();
  });
});

describe('code exercises: the reference solution stays out of the page', () => {
  it('the body the build ships has no solution, only the word that one exists', () => {
    const source = `---\ntitle: T\nsummary: S\norder: 1\nduration: 1 min\n---\n\n## A\n\n\`\`\`code-exercise id=x\ngoal: Do it.\nstarter: |\n  export const f = 1;\ntests: |\n  test('t', () => {});\nsolution: |\n  export const f = 'THE-SOLUTION';\n\`\`\`\n`;
    const result = compileLesson(source, 'lessons/99-x.md');
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [block] = lessonBlocks(result.lesson.body);
    expect(block).toMatchObject({
      kind: 'code-exercise',
      hasSolution: true,
      lines: { starter: 13, tests: 15, solution: 17 },
    });
    const shipped = JSON.stringify(withoutSolutions(result.lesson));
    expect(shipped).not.toContain('THE-SOLUTION');
    expect(shipped).toContain('"hasSolution":true');
  });
});
