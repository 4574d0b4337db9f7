import { expect, test } from '../fixtures';

test('whats-next: no refresh token, the token runs out, recover from expiry without touching the clock, clock back', async ({
  page,
  mockServer,
  lesson,
}) => {
  await lesson.openFromHome('Recap and what comes next');
  const start = await mockServer.clock();
  expect(start.frozen).toBe(true);
  await lesson.expectStepsDone(0, 5);
  // The course table links every earlier lesson.
  await expect(lesson.main.getByRole('link', { name: 'Caching', exact: true })).toHaveAttribute(
    'href',
    /\/lessons\/token-caching$/,
  );
  await expect(lesson.main.getByRole('link', { name: 'Caching lab' })).toHaveAttribute(
    'href',
    /\/lessons\/token-caching-lab$/,
  );

  const token = lesson.request('A token response, one more time');
  await token.sendAndExpect(200, '200');
  await expect(token.root.getByText(/"expires_in": 3600/)).toBeVisible();
  await expect(token.root.getByText(/refresh_token/)).toHaveCount(0);

  await lesson.request('Clock + 3661 s').sendAndExpect(200, '200');
  await lesson.request('The call fails').sendAndExpect(401, '401 invalid_token at checkTimes');

  // The learner checks first: the expired token does not pass.
  const exercise = lesson.exercise('Recover from expiry');
  await exercise.check();
  await expect(exercise.result).toContainText('Not yet.');
  // The safety net: fetch a new token with the request at the top; the check passes by itself.
  await token.sendAndExpect(200, '200');
  await exercise.expectPassed();

  await lesson.request('Clock back').sendAndExpect(200, '200');
  // The lesson froze the clock when it opened: "Clock back" returns it to that moment.
  expect(await mockServer.clock()).toMatchObject({ now: start.now, frozen: true });
  await lesson.expectComplete();
  // The last lesson's pager leads back to all lessons.
  await lesson.main.getByRole('link', { name: /Back to all lessons/ }).click();
  await expect(
    page.getByRole('progressbar', { name: 'Recap and what comes next: progress' }),
  ).toHaveJSProperty('value', 5);
});

// Regression: an exercise whose check is a request the page runs used to pass as soon as the
// token was first saved, before the situation it asks to fix existed (fixed in f7cf0d6).
test('whats-next: "Recover from expiry" is not done while the call still fails', async ({
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Recap and what comes next');
  await lesson.request('A token response, one more time').sendAndExpect(200, '200');
  await lesson.request('Clock + 3661 s').sendAndExpect(200, '200');
  await lesson.request('The call fails').sendAndExpect(401, '401 invalid_token at checkTimes');
  // Three steps done; the exercise is still open until the learner recovers.
  await expect(lesson.exercise('Recover from expiry').result).not.toContainText('Done', {
    timeout: 2_000,
  });
  await lesson.expectStepsDone(3, 5);
});
