/**
 * Generated lesson tests: one test per lesson, made at collection time from `lessons/*.md`
 * (compiled by the build's own compiler). Each walks the lesson top to bottom as a learner
 * would, through the real service worker: it presses every request block's Send, in order, and
 * Replay all on every negative-case table, and asserts each expected outcome the lesson states
 * (`expect=401 error=invalid_token`...) from what the page shows. A lesson edit that breaks an
 * expectation, or leaves a later step without the state it needs, fails here with the block's
 * name. A lesson that does not compile fails with its diagnostics.
 */
import { expect, test } from './fixtures';
import {
  describeDiagnostics,
  describeExpectation,
  expectOutcome,
  hasExpectations,
  loadLessons,
  walkSteps,
} from './fixtures/lesson-walk';

for (const entry of loadLessons()) {
  if (entry.status === 'broken') {
    test(`lesson ${entry.file} compiles`, () => {
      throw new Error(`${entry.file} does not compile:\n${describeDiagnostics(entry)}`);
    });
    continue;
  }
  const steps = walkSteps(entry.body);
  if (!hasExpectations(steps)) continue;
  const expectations = steps.filter((s) => s.kind === 'negatives' || s.block.expect).length;

  test(`lesson "${entry.title}" (${entry.file}): ${expectations} expectations hold, in order`, async ({
    app,
    lesson,
    mockReady: _,
  }) => {
    // A long lesson is a few dozen sends and replays: more than one default timeout's worth.
    test.slow(steps.length > 12);
    await app.open(`/lessons/${entry.slug}`);
    await app.waitForMockServers();
    await lesson.waitForBlocks();

    for (const step of steps) {
      if (step.kind === 'request') {
        const { block } = step;
        const title = block.title ?? block.id;
        const label = block.expect
          ? `${block.id}: Send, expect ${describeExpectation(block.expect)}`
          : `${block.id}: Send (no expectation)`;
        await test.step(label, async () => {
          const panel = lesson.requestById(block.id, title);
          await panel.send();
          if (block.expect) {
            await expectOutcome(panel, block.expect);
          } else {
            // Sent for the state it leaves (saved variables); any answer will do, but wait for it.
            await expect(panel.status).toHaveText(/^\d{3} .* in [\d.]+ ms$/);
          }
        });
      } else {
        const { block } = step;
        await test.step(`${block.id ?? block.title}: Replay all, ${block.cases.length} cases as expected`, async () => {
          const table = lesson.negatives(block.title ?? '');
          expect(await table.replayAllAsExpected()).toBe(block.cases.length);
        });
      }
    }
  });
}

test('the generated assertion fails when a lesson states the wrong outcome', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  await lesson.waitForBlocks();
  const token = lesson.requestById('token-json', 'A token request with a JSON body');
  await token.send();
  await expectOutcome(token, { status: 200 });
  // What a lesson edit to `expect=401 error=invalid_client` (or to a wrong error alone) would
  // make the generated test assert against this 200: each must fail, naming the difference.
  const wrongStatus = expectOutcome(
    token,
    { status: 401, error: 'invalid_client' },
    { timeout: 1000 },
  );
  await expect(wrongStatus).rejects.toThrow(/request "A token request with a JSON body": status/);
  const wrongError = expectOutcome(
    token,
    { status: 200, error: 'invalid_scope' },
    { timeout: 1000 },
  );
  await expect(wrongError).rejects.toThrow(/error invalid_scope/);
  const wrongChallenge = expectOutcome(
    token,
    { status: 200, www_authenticate: 'Bearer error="invalid_token"' },
    { timeout: 1000 },
  );
  await expect(wrongChallenge).rejects.toThrow(/WWW-Authenticate/);
});
