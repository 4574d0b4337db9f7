import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures';
import { axeViolations, WCAG_21_AA } from '../fixtures/axe';
import { LessonPage } from '../fixtures/lesson-page';

/** A total from the lab's table: the row's header, the client's column. */
function total(lab: Locator, row: string, lane: 'Naive client' | 'Your client') {
  return lab
    .getByRole('table', { name: 'Totals per client' })
    .getByRole('row', { name: new RegExp(`^${row}`) })
    .getByRole('cell')
    .nth(lane === 'Naive client' ? 0 : 1);
}

test('when the token endpoint fails: faults on the wire, refused faults, the lab from a retrying client to one that rides out every outage, both exercises', async ({
  page,
  mockReady: _,
  mockServer,
}) => {
  test.slow(); // two runs of three simulated hours, with real delays, through the service worker
  const lesson = new LessonPage(page);
  await lesson.openFromHome('When the token endpoint fails');

  await lesson.request('A token, before the trouble').sendAndExpect(200, '200');
  await lesson.request('Fault: 503 with Retry-After, twice').sendAndExpect(200, '200');
  const during = lesson.request('A token request during the outage');
  await during.send();
  await during.expectStatus(503, 'Service Unavailable');
  await expect(during.root.getByText('✓ Expected 503', { exact: true })).toBeVisible();
  await expect(await during.responseHeader('retry-after')).toHaveText('2');
  await expect(during.root.getByText(/"error": "temporarily_unavailable"/)).toBeVisible();
  await during.send();
  await during.expectStatus(503, 'Service Unavailable');
  await during.send();
  await during.expectStatus(200, 'OK');

  await lesson.request('Fault: the next token request takes 1.5 s').sendAndExpect(200, '200');
  const slow = lesson.request('A slow token request');
  await slow.send();
  await expect(slow.status).toHaveText(/^200 OK in (1[4-9]\d\d|[2-9]\d\d\d)(\.\d+)? ms$/);
  await lesson.request('Clear every fault').sendAndExpect(200, '200');
  expect(await lesson.negatives('Faults the server refuses').replayAllAsExpected()).toBe(3);

  // The request log marks faulted answers.
  const log = JSON.parse((await mockServer.call('GET', '/log?endpoint=token')).text) as {
    entries: { fault?: { kind: string } }[];
  };
  expect(log.entries.filter((e) => e.fault?.kind === 'status')).toHaveLength(2);
  expect(log.entries.filter((e) => e.fault?.kind === 'delay')).toHaveLength(1);

  // The lab: a client that only retries.
  const lab = page.getByRole('region', { name: /A day of outages/ });
  const status = lab.locator('.lane-lab__status');
  const ride = lesson.exercise('A day of outages, nothing lost');
  await expect(lab.getByRole('checkbox', { name: /Retry a failed token request/ })).toBeChecked();
  await lab.getByRole('button', { name: 'Run the job' }).click();
  await expect(status).toContainText('Finished: 3 simulated hours', { timeout: 90_000 });
  await expect(total(lab, 'Job calls', 'Naive client')).toHaveText('216');
  await expect(total(lab, 'Calls that failed', 'Naive client')).not.toHaveText('0');
  const yours = lab.getByRole('region', { name: 'Avoidable, Your client' });
  await expect(yours).toContainText(
    'another token request of the same replica was already in flight',
  );
  await expect(yours).toContainText('sent before the Retry-After the server gave had passed');
  await expect(lab.getByRole('list', { name: 'What this run shows' })).toContainText(
    'The naive client failed with a valid token: The naive client failed',
  );
  await ride.checkNotYet();
  expect(
    await axeViolations(page, {
      include: '.failures-lab',
      tags: WCAG_21_AA,
      impacts: ['serious', 'critical'],
    }),
  ).toEqual([]);

  // Every habit on: nothing fails, nothing is avoidable.
  for (const name of [
    /Back off between retries/,
    /Add jitter/,
    /Honour Retry-After/,
    /Share one token request among callers/,
    /Keep using a still-valid token/,
    /Time out a token request/,
  ]) {
    await lab.getByRole('checkbox', { name }).check();
  }
  await lab.getByRole('button', { name: 'Run the job' }).click();
  await expect(status).toContainText('Finished', { timeout: 90_000 });
  await expect(total(lab, 'Calls that failed', 'Your client')).toHaveText('0');
  await expect(total(lab, 'Avoidable token requests', 'Your client')).toHaveText('0');
  await expect(total(lab, 'Served from the cached token', 'Your client')).not.toHaveText('0');
  await expect(yours).toContainText('None.');
  await expect(lab.getByRole('img', { name: /Requests and failures over job time/ })).toBeVisible();
  await ride.check();
  await ride.expectPassed();
  // The run left no fault behind.
  const faults = JSON.parse((await mockServer.call('GET', '/faults')).text) as {
    faults: unknown[];
  };
  expect(faults.faults).toEqual([]);

  // The learner's own fault: the API throttled once.
  const throttle = lesson.exercise('Throttle the API once');
  await throttle.checkNotYet();
  await lesson
    .request('Your turn: a fault for the API')
    .editRaw(
      'PUT https://auth.example.com/__admin/faults\nContent-Type: application/json\n\n{"faults": [{"target": "api", "kind": "status", "status": 429, "retry_after": 5, "count": 1}]}',
    );
  await lesson.request('Your turn: a fault for the API').sendAndExpect(200, '200');
  // Checked on its own as the fault is set: the check's API call is the one that gets the 429
  // (a second Check would be served again, as the fault was for one request).
  await throttle.expectPassed();
  await lesson.expectComplete();
});
