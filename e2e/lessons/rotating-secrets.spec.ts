import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures';
import { axeViolations } from '../fixtures/axe';

/** A row of the lab's tally: its number. */
const tally = (lab: Locator, row: string) =>
  lab
    .getByRole('table', { name: 'What the job did' })
    .getByRole('row', { name: new RegExp(`^${row}`) })
    .getByRole('cell');

test('rotating secrets: the four steps by hand, the lab fails the one-step change and rotates without a failed call, both challenges', async ({
  page,
  mockReady: _,
  mockServer,
  lesson,
}) => {
  test.slow(); // a lab that runs a job through the service worker, twice
  await lesson.openFromHome('Rotating a secret without downtime');

  await lesson.request('billing-job, with its old secret').sendAndExpect(200, '200');
  await lesson.request('A token with the old secret').sendAndExpect(200, '200');
  await lesson.request('Both secrets, old first').sendAndExpect(200, '200');
  await lesson.request('The job, still on the old secret').sendAndExpect(200, '200');
  await lesson.request('A token with the new secret').sendAndExpect(200, '200');
  const log = lesson.request('The last two token requests, newest first');
  await log.sendAndExpect(200, '200');
  // The log says which secret each request matched, never the secret itself.
  await expect(log.root).toContainText('secret 2 of 2');
  await expect(log.root).toContainText('secret 1 of 2');
  await expect(log.root).not.toContainText('new-billing-secret');

  await lesson.request('Only the new secret').sendAndExpect(200, '200');
  expect(await lesson.negatives('The old secret is gone').replayAllAsExpected()).toBe(2);
  await lesson.request("The old secret's token, after the drop").sendAndExpect(200, '200');
  const revoke = lesson.request('Revoke every token of billing-job');
  await revoke.sendAndExpect(200, '200');
  await expect(revoke.root).toContainText('"revoked": 3');
  await lesson
    .request("The old secret's token, after the revocation")
    .sendAndExpect(401, '401 invalid_token at checkNotRevoked');

  // The lab: the one-step change works for a while, then every run fails.
  const clockBefore = await mockServer.clock();
  const lab = page.getByRole('region', { name: /Rotate billing-job's secret while it runs/ });
  const exercise = lesson.exercise('Rotate without a failed call');
  await lab.getByRole('button', { name: 'One run' }).click();
  await expect(tally(lab, 'API calls')).toHaveText('1');
  await lab.getByRole('button', { name: 'Replace the secret in one step' }).click();
  await expect(lab.getByRole('status')).toContainText('the job still has the old one');
  for (let run = 0; run < 12; run++) {
    await lab.getByRole('button', { name: 'One run' }).click();
    await expect(tally(lab, 'API calls')).toHaveText(String(run + 2));
  }
  // Its cached token carried it for an hour of job time; the next token request was refused.
  await expect(tally(lab, 'Failed calls')).toHaveText('1');
  await expect(
    lab.getByRole('list', { name: 'What happened, newest first' }).getByRole('listitem').first(),
  ).toContainText('the token endpoint refused the old secret');
  await exercise.check();
  await expect(exercise.result).toContainText('Not yet.');
  // The job's clock moved an hour; the server's present did not.
  expect((await mockServer.clock()).offset).toBe(clockBefore.offset);

  // Start over, and rotate in order while the job runs on its own.
  await lab.getByRole('button', { name: 'Start over' }).click();
  await expect(tally(lab, 'API calls')).toHaveText('0');
  await lab.getByRole('button', { name: 'Start the job' }).click();
  await expect(tally(lab, 'API calls')).toHaveText('2', { timeout: 10_000 });
  for (const step of [
    'Add the new secret to the server',
    'Deploy the new secret to the job',
    'Drop the old secret from the server',
    'Revoke all the client’s tokens',
  ]) {
    await lab.getByRole('button', { name: step }).click();
    await expect(
      lab.getByRole('listitem').filter({ has: page.getByRole('button', { name: step }) }),
    ).toContainText('done');
  }
  // One more run after the revocation: the job still works (one retry after its 401).
  const calls = Number(await tally(lab, 'API calls').textContent());
  await expect(tally(lab, 'API calls')).not.toHaveText(String(calls), { timeout: 10_000 });
  await lab.getByRole('button', { name: 'Pause the job' }).click();
  await exercise.check();
  await exercise.expectPassed();
  await expect(tally(lab, 'Failed calls')).toHaveText('0');
  await expect(lab).toContainText('secret 1 of 1');
  // The lab with its tally and timeline on screen: no accessibility violation of any kind.
  expect(await axeViolations(page, { include: '.rotation-lab' })).toEqual([]);

  // The challenges: the successor beside the current secret, then the predecessor dropped.
  const yours = lesson.request("Your turn: billing-job's secrets");
  const add = lesson.exercise('Step 1: the successor beside the current secret');
  await add.checkNotYet();
  await yours.replaceInRaw(
    '["new-billing-secret"]',
    '["new-billing-secret", "newest-billing-secret"]',
  );
  await yours.sendAndExpect(200, '200');
  await add.check();
  await add.expectPassed();
  const drop = lesson.exercise('Step 3: drop the one it replaces');
  await drop.checkNotYet();
  await yours.replaceInRaw('"new-billing-secret", ', '');
  await yours.sendAndExpect(200, '200');
  await drop.check();
  await drop.expectPassed();

  await lesson.expectComplete();
});
