/**
 * Code exercises in the page: generated from `lessons/*.md`, one test per exercise, the starter
 * fails a test and the reference solution, typed into the editor, passes them all through the
 * sandbox worker and the mock servers. Then the sandbox itself: an endless loop is stopped with a
 * message while the page stays responsive, learner code finds no network, storage or eval, a
 * thrown error and a syntax error are shown at their line, the reference solution is not in the
 * page until asked for, progress survives a reload, and the whole exercise works from the
 * keyboard.
 */
import { CodeExercisePanel, expect, test } from './fixtures';
import { codeExercisesOf, loadLessons, referenceSolution } from './fixtures/lesson-walk';

for (const entry of loadLessons()) {
  if (entry.status !== 'ok') continue;
  for (const { block, requestsAbove } of codeExercisesOf(entry.body)) {
    test(`lesson "${entry.title}": code exercise "${block.title}" fails with its starter, passes with its reference solution`, async ({
      app,
      lesson,
      page,
      mockReady: _,
    }) => {
      test.slow();
      await app.open(`/lessons/${entry.slug}`);
      await lesson.waitForBlocks();
      // As a learner reading down: every request above it sent first (what it may build on).
      for (const request of requestsAbove) {
        const panel = lesson.requestById(request.id, request.title ?? request.id);
        await panel.send();
        await expect(panel.status).toHaveText(/^\d{3} /);
      }
      const exercise = new CodeExercisePanel(page, block.title ?? 'Write it yourself');
      await exercise.root.scrollIntoViewIfNeeded();
      const [passed, total] = await exercise.run();
      expect(total, 'tests').toBeGreaterThan(0);
      expect(passed, 'tests the starter passes').toBeLessThan(total);
      await exercise.solve(block.solution?.code ?? '');
    });
  }
}

const SCOPES = '/lessons/scopes';
const SCOPE_CHECK = "Write the API's scope check";

test('the sandbox: an endless loop is stopped with a message and the page stays responsive', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open(SCOPES);
  await lesson.waitForBlocks();
  const exercise = lesson.codeExercise(SCOPE_CHECK);
  await exercise.setCode('export function checkScope() {\n  while (true) {}\n}\n');
  await exercise.runButton.click();
  await expect(exercise.status).toContainText('Running test 1 of');
  // The page's own thread is free: a button answers at once while the loop spins.
  const hint = exercise.root.getByRole('button', { name: 'Show hint' });
  await hint.click();
  await expect(exercise.root.getByRole('button', { name: 'Hide hint' })).toHaveAttribute(
    'aria-expanded',
    'true',
  );
  const started = Date.now();
  await expect(exercise.status).toContainText('Stopped after', { timeout: 20_000 });
  expect(Date.now() - started).toBeLessThan(15_000);
  await expect(exercise.results).toContainText('is there a loop that never ends?');
  // The page still works, and so does the next run.
  await exercise.setCode(referenceSolution('scopes', 'scope-check'));
  const [passed, total] = await exercise.run();
  expect(passed).toBe(total);
});

test('the sandbox: learner code finds no DOM, storage, network or eval, and errors show at their line', async ({
  app,
  lesson,
  page,
  mockReady: _,
}) => {
  await app.open(SCOPES);
  await lesson.waitForBlocks();
  const exercise = lesson.codeExercise(SCOPE_CHECK);
  const names = [
    'document',
    'window',
    'localStorage',
    'indexedDB',
    'caches',
    'BroadcastChannel',
    'importScripts',
    'XMLHttpRequest',
    'WebSocket',
    'EventSource',
    'navigator',
    'Worker',
    'postMessage',
  ];
  await exercise.setCode(
    [
      'export function checkScope() {',
      '  const probe: Record<string, string> = {};',
      `  for (const name of ${JSON.stringify(names)}) probe[name] = typeof (globalThis as any)[name];`,
      '  probe.fetch = typeof (globalThis as any).fetch;',
      "  try { (0, eval)('1'); probe.eval = 'ran'; } catch (e) { probe.eval = (e as Error).name; }",
      "  try { (() => {}).constructor('return 1')(); probe.Function = 'ran'; } catch (e) { probe.Function = (e as Error).name; }",
      "  try { setTimeout('1', 0); probe.timer = 'ran'; } catch (e) { probe.timer = (e as Error).name; }",
      '  throw new Error(JSON.stringify(probe));',
      '}',
    ].join('\n'),
  );
  await exercise.run();
  const first = exercise.results.getByRole('listitem').first();
  const text = (await first.textContent()) ?? '';
  const probe = JSON.parse(/\{.*\}/.exec(text)?.[0] ?? '{}') as Record<string, string>;
  for (const name of [...names, 'fetch']) expect(probe[name], name).toBe('undefined');
  expect(probe.eval).toMatch(/Error/);
  expect(probe.Function).toBe('EvalError');
  expect(probe.timer).toBe('EvalError');
  // The thrown error names its line in the learner's code; the button goes there.
  await expect(first).toContainText('Your code threw Error');
  await first.getByRole('button', { name: /^Go to line \d+ of your code$/ }).click();
  await expect(exercise.editor).toBeFocused();
  // The cursor is on the line that threw (read from the editor: how typing reached it may differ).
  await expect(exercise.root.locator('.cm-activeLine')).toContainText('throw new Error(JSON');
  await expect(exercise.root.locator('.cm-lint-marker-error').first()).toBeVisible();

  // A syntax error: no test runs, the problem is shown at its line and marked in the editor.
  await exercise.setCode('export function checkScope() {\n  return 1 +;\n}\n');
  await exercise.run();
  await expect(exercise.status).toHaveText('No test ran: the code has a problem (below).');
  await expect(exercise.root.getByRole('alert')).toContainText(/Your code, line \d+/);
  await expect(exercise.root.getByRole('alert')).toContainText('Syntax error');
  await page.keyboard.press('Escape');
});

test('the reference solution is not in the page until asked for, after two failed runs; progress and code survive a reload', async ({
  app,
  lesson,
  page,
  mockReady: _,
}) => {
  await app.open(SCOPES);
  await lesson.waitForBlocks();
  const exercise = lesson.codeExercise(SCOPE_CHECK);
  const solutionLine = 'fix the route.';
  const inPage = () =>
    page.evaluate(
      (needle) =>
        document.documentElement.outerHTML.includes(needle) ||
        performance.getEntriesByType('resource').some((r) => r.name.includes('scope-check')),
      solutionLine,
    );
  expect(await inPage()).toBe(false);
  const show = exercise.root.getByRole('button', { name: 'Show the reference solution' });
  await exercise.run();
  await expect(show).toHaveCount(0);
  await exercise.run();
  await expect(show).toBeVisible();
  expect(await inPage()).toBe(false);
  await show.click();
  const solution = exercise.root.getByRole('region', { name: 'Reference solution' });
  await expect(solution).toContainText(solutionLine);
  await solution.getByRole('button', { name: 'Put it in the editor' }).click();
  const [passed, total] = await exercise.run();
  expect(passed).toBe(total);
  await expect(exercise.root.getByText('✓ Done', { exact: true })).toBeVisible();

  await page.reload();
  await lesson.waitForBlocks();
  const again = lesson.codeExercise(SCOPE_CHECK);
  await expect(again.root.getByText('✓ Done', { exact: true })).toBeVisible();
  await expect(again.editor).toContainText(solutionLine);
});

test('keyboard only: reach the editor with Tab, type, run with Ctrl+Enter, leave with Escape then Tab', async ({
  app,
  lesson,
  page,
  mockReady: _,
}) => {
  await app.open(SCOPES);
  await lesson.waitForBlocks();
  const exercise = lesson.codeExercise(SCOPE_CHECK);
  const hint = exercise.root.getByRole('button', { name: 'Show hint' });
  await hint.focus();
  await page.keyboard.press('Enter');
  await expect(exercise.root.getByRole('button', { name: 'Hide hint' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(exercise.editor).toBeFocused();
  // Tab inside the editor indents instead of leaving it.
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.insertText(referenceSolution('scopes', 'scope-check'));
  await page.keyboard.press('ControlOrMeta+Enter');
  expect(await exercise.verdict()).toEqual([9, 9]);
  await page.keyboard.press('Tab');
  await expect(exercise.editor).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(exercise.runButton).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(exercise.status).toContainText('All 9 tests pass.');
});
