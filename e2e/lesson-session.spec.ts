/**
 * What a learner relies on beyond single steps: a worked solution after two tries, a confirmed
 * "Start this lesson over", and a lesson that says when its server moved since the last step and
 * puts it back on request.
 */
import { expect, test } from './fixtures';

test('an exercise offers its worked solution after two checks that did not pass, and it works', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open('/lessons/scopes');
  await lesson.waitForBlocks();
  await lesson.request('orders-service asks only for read:orders').sendAndExpect(200, '200');
  const exercise = lesson.exercise('Make the API say insufficient_scope');
  await exercise.checkNotYet();
  await expect(exercise.solutionButton).toHaveCount(0);
  await exercise.checkNotYet();
  await expect(exercise.solutionButton).toBeVisible();

  await exercise.useSolution('Your turn: an API call');
  const tryApi = lesson.request('Your turn: an API call');
  await expect(tryApi.editor).toHaveValue(/^GET https:\/\/api\.example\.com\/api\/v1\/users$/m);
  await tryApi.send();
  await tryApi.expectStatus(403, 'Forbidden');
  await exercise.expectPassed();
});

test('"Start this lesson over" asks first; Cancel keeps the progress, Start over clears it', async ({
  app,
  lesson,
  page,
  mockReady: _,
}) => {
  await app.open('/lessons/first-token');
  await lesson.waitForBlocks();
  await lesson.request('A token request with a JSON body').sendAndExpect(200, '200');
  await lesson.expectStepsDone(1, 8);

  const startOver = lesson.toc.getByRole('button', { name: 'Start this lesson over' });
  const dialog = page.getByRole('dialog', { name: 'Start “Your first token” over?' });
  await startOver.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await lesson.expectStepsDone(1, 8);

  await startOver.click();
  await dialog.getByRole('button', { name: 'Start over', exact: true }).click();
  await lesson.expectStepsDone(0, 8);
  await lesson.waitForLessonServer();
});

test('a lesson whose server moved since the last step says so, and sets itself up again', async ({
  app,
  mockServer,
  lesson,
}) => {
  await app.open('/lessons/access-token-anatomy');
  await lesson.waitForBlocks();
  // The lesson travels in time: its clock is frozen where it opened.
  const opened = await mockServer.clock();
  expect(opened.frozen).toBe(true);

  await lesson.request('1. A fresh token (valid for 3600 s)').sendAndExpect(200, '200');
  await lesson.request('2. Move the server clock 3690 s ahead').sendAndExpect(200, '200');
  // Meanwhile another tab (or the Server page) puts the clock back on real time.
  await mockServer.setClock({ real: true });

  const expired = lesson.request('3. The token expired 90 s ago: beyond the 60 s leeway');
  await expired.send();
  await expired.expectStatus(200, 'OK');
  await expect(expired.root.getByRole('note')).toContainText(
    'the server clock, frozen for this lesson, runs again',
  );
  await expect(lesson.main.getByText('The server has moved since your last step')).toBeVisible();

  await expired.root.getByRole('button', { name: 'Set the lesson up again' }).click();
  await lesson.waitForLessonServer();
  await expect(lesson.main.getByText('The server has moved since your last step')).toHaveCount(0);
  await expired.sendAndExpect(401, '401 invalid_token at checkTimes');
});

test('the header and the Server page say when the server is not on its defaults, with the way back', async ({
  app,
  lesson,
  page,
  mockReady: _,
}) => {
  await app.open('/lessons/access-token-anatomy');
  await lesson.waitForBlocks();
  const badge = app.header.getByRole('link', { name: /^Server: Not on its defaults/ });
  await expect(badge).toHaveAccessibleName('Server: Not on its defaults: clock frozen');
  await lesson.request('4. Ask for a 600 s leeway').sendAndExpect(200, '200');
  await expect(badge).toHaveAccessibleName(
    'Server: Not on its defaults: clock frozen, leeway 300 s',
  );

  await badge.click();
  await expect(page).toHaveURL(/\/server$/);
  const notice = page.getByRole('main').getByRole('status').filter({
    hasText: 'The server is not on its defaults',
  });
  await expect(notice).toContainText('clock frozen; leeway 300 s');
  await notice.getByRole('button', { name: 'Back to real time and the default settings' }).click();
  await expect(notice).toHaveCount(0);
  await expect(badge).toHaveCount(0);
});

test('predict, then reveal: a negative case hides its answer until replayed and judges the guess', async ({
  app,
  lesson,
  page,
  mockReady: _,
}) => {
  await app.open('/lessons/first-token');
  await lesson.waitForBlocks();
  const table = lesson.negatives('The API without a token');
  const row = table.row('No Authorization header');
  await expect(row).toContainText('shown when you replay it');
  await row.getByRole('combobox', { name: /^Your guess, status/ }).selectOption('401');
  await row.getByRole('combobox', { name: /^Your guess, error/ }).selectOption('invalid_token');
  await table.replayButton('No Authorization header').click();
  await expect(row).toContainText('✓ as expected');
  await expect(row).toContainText('Your guess, 401 invalid_token: not quite: the server said 401.');

  // The learner can switch guessing off: every answer shows at once, remembered on reload.
  await table.root.getByRole('checkbox', { name: /Guess first/ }).uncheck();
  await page.reload();
  await lesson.waitForBlocks();
  await expect(table.root.getByRole('checkbox', { name: /Guess first/ })).not.toBeChecked();
  await expect(table.row('No Authorization header')).not.toContainText('shown when you replay it');
});
