import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures';
import { axeViolations, WCAG_21_AA } from '../fixtures/axe';

/** A total from the lab's table: the row's header, the client's column. */
function total(lab: Locator, row: string, lane: 'Naive client' | 'Your client') {
  const column = lane === 'Naive client' ? 1 : 2;
  return lab
    .getByRole('table', { name: 'Totals so far' })
    .getByRole('row', { name: new RegExp(`^${row}`) })
    .getByRole('cell')
    .nth(column - 1);
}

test('token caching lab: a naive run is throttled and wasteful; the five habits reach zero avoidable requests through a skewed clock', async ({
  page,
  mockReady: _,
  mockServer,
  lesson,
}) => {
  test.slow(); // two simulated runs through the real service worker
  await lesson.openFromHome('The token caching lab');
  const lab = page.getByRole('region', { name: /A day in the life of cron-sync/ });
  const status = lab.getByRole('status');
  const exercise = lesson.exercise('Not one token too many');
  const clockBefore = await mockServer.clock();

  // The lesson's starting point: the learner's client is as naive as the naive one.
  await expect(
    lab.getByRole('checkbox', { name: 'Cache the token and reuse it' }),
  ).not.toBeChecked();
  await lab.getByRole('button', { name: 'Run the job' }).click();
  await expect(lab.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await expect(status).toContainText('Finished: 4 simulated hours', { timeout: 60_000 });
  await expect(total(lab, 'Job calls', 'Naive client')).toHaveText('72');
  await expect(total(lab, '429 responses', 'Naive client')).toHaveText('12');
  await expect(total(lab, 'Avoidable token requests', 'Your client')).not.toHaveText('0');
  await expect(lab.getByRole('list', { name: 'What this run shows' })).toContainText(
    'Naive client throttled: The naive client was throttled 12 times (429).',
  );
  await exercise.check();
  await expect(exercise.result).toContainText('Not yet.');

  // The run put the server clock back where it was (plus the seconds the run took).
  const clockAfter = await mockServer.clock();
  expect(Math.abs(clockAfter.offset - clockBefore.offset)).toBeLessThanOrEqual(2);

  // Cache with a 30-minute margin: far fewer tokens, but every one thrown away half-used.
  await lab.getByRole('checkbox', { name: 'Cache the token and reuse it' }).check();
  await lab.getByRole('button', { name: 'Run the job' }).click();
  await expect(status).toContainText('Finished', { timeout: 60_000 });
  await expect(total(lab, 'Avoidable token requests', 'Your client')).not.toHaveText('0');
  await expect(total(lab, '429 responses', 'Your client')).toHaveText('0');

  // A bad margin is refused with a clear message, and the run cannot start.
  const margin = lab.getByRole('spinbutton', { name: /Refresh margin/ });
  await margin.fill('-5');
  await expect(lab.getByRole('alert')).toContainText(
    'The refresh margin must be a whole number from 0 to 3000.',
  );
  await expect(lab.getByRole('button', { name: 'Run the job' })).toBeDisabled();

  // The five habits.
  await margin.fill('60');
  await lab.getByRole('checkbox', { name: /On a 401/ }).check();
  await lab.getByRole('checkbox', { name: /After a 429/ }).check();
  await lab.getByRole('checkbox', { name: 'Get a token on start-up' }).check();
  await lab.getByRole('button', { name: 'Run the job' }).click();
  await expect(status).toContainText('Finished', { timeout: 60_000 });
  await expect(total(lab, 'Avoidable token requests', 'Your client')).toHaveText('0');
  await expect(total(lab, 'Calls that failed', 'Your client')).toHaveText('0');
  await expect(total(lab, '401 responses', 'Your client')).not.toHaveText('0');
  const verdict = lab.getByRole('list', { name: 'What this run shows' });
  await expect(verdict).toContainText('Zero avoidable token requests: Your client made');
  await expect(verdict).toContainText('Recovered from a 401: Your client got a 401');
  await expect(lab.getByRole('img', { name: /Requests over job time/ })).toBeVisible();
  await exercise.check();
  await exercise.expectPassed();

  // The lab, filled in, has no serious or critical WCAG 2.1 AA violation.
  expect(
    await axeViolations(page, {
      include: '.caching-lab',
      tags: WCAG_21_AA,
      impacts: ['serious', 'critical'],
    }),
  ).toEqual([]);

  // Time travel during a run: both clocks jump an hour; a good client just refreshes.
  await lab.getByRole('button', { name: 'Run the job' }).click();
  await lab.getByRole('button', { name: 'Jump both clocks 1 hour ahead' }).click();
  // queued, then applied at the next run ("At 1 h 20 min of job time: clocks jump 1 h ahead.")
  await expect(status).toContainText('clocks jump 1 h ahead.');
  await expect(status).toContainText('Finished', { timeout: 60_000 });
  await expect(total(lab, 'Avoidable token requests', 'Your client')).toHaveText('0');
  await expect(total(lab, 'Calls that failed', 'Your client')).toHaveText('0');
});
