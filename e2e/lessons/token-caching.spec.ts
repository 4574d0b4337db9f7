import { expect, test } from '../fixtures';
import { referenceSolution } from '../fixtures/lesson-walk';

test('token-caching: five tokens then 429, past the throttle with Retry-After, the 401 cascade, recover like a good client', async ({
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Caching tokens');
  await lesson.expectStepsDone(0, 23);

  // A token per call: five fit in cron-sync's limit, the sixth is throttled.
  expect(await lesson.negatives('Five calls, five tokens').replayAllAsExpected()).toBe(5);
  const sixth = lesson.request('Call 6: over the limit');
  await sixth.sendAndExpect(429, '429');
  const retryAfter = Number(await (await sixth.responseHeader('retry-after')).textContent());
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);

  // Exercise: move the clock by what Retry-After said, then ask again.
  const unthrottle = lesson.exercise('Past the throttle');
  const cronRetry = lesson.request('cron-sync asks again');
  await cronRetry.sendAndExpect(429);
  await expect(unthrottle.result).not.toContainText('Done');
  const clock = lesson.request('Your turn: move the clock');
  await clock.replaceInRaw('{"advance": 0}', `{"advance": ${retryAfter}}`);
  await clock.sendAndExpect(200, '200');
  await cronRetry.sendAndExpect(200);
  await unthrottle.expectPassed();

  // A client that ignores expires_in.
  const habitFour = lesson.exercise('Recover like a good client');
  await lesson.request('Start-up: get a token').sendAndExpect(200, '200');
  await lesson.request('Reuse it').sendAndExpect(200, '200');
  await lesson.request('Clock + 3540 s').sendAndExpect(200, '200');
  await lesson.request('The old token still works, for now').sendAndExpect(200, '200');
  await lesson.request('Clock + 121 s (past exp and the 60 s leeway)').sendAndExpect(200, '200');
  const cascade = lesson.negatives('The 401 cascade');
  expect(await cascade.replayAllAsExpected()).toBe(3);
  await expect(cascade.row('Every call fails')).toContainText('failed the exp check');
  await lesson.request('Discard and fetch a new token').sendAndExpect(200, '200');
  await lesson.request('Retry the call once').sendAndExpect(200, '200');

  // Challenge: the cached token is revoked behind the client's back; habit 4 recovers.
  // A fresh token alone does not complete the challenge: the situation it fixes comes later.
  await expect(habitFour.result).not.toContainText('Done');
  await lesson.request('Someone revokes the cached token').sendAndExpect(200, '200');
  await lesson.request('The next call').sendAndExpect(401, '401 invalid_token at checkNotRevoked');
  await habitFour.check();
  await expect(habitFour.result).toContainText('Not yet.');
  await lesson.request('Discard and fetch a new token').sendAndExpect(200, '200');
  await habitFour.expectPassed();

  // Write it yourself: the reference solution, typed into the editor, passes every test.
  await lesson
    .codeExercise('Back off on 429, stop on 400')
    .solve(referenceSolution('token-caching', 'backoff'));
  await lesson
    .codeExercise('Write the token cache')
    .solve(referenceSolution('token-caching', 'token-cache'));

  await lesson.expectComplete();
});
