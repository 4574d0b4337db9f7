import { expect, test } from '../fixtures';

test('opaque-tokens-introspection: an opaque token works, introspection says what it means, revocation ends it, the exercise', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Opaque tokens and introspection');
  await lesson.expectStepsDone(0, 10);

  const opaque = lesson.request('A token for reporting-job');
  await opaque.sendAndExpect(200, '200');
  await expect(opaque.root.getByText('saved {{access_token}}')).toBeVisible();
  await lesson.request('The API accepts it').sendAndExpect(200, '200');
  await expect(
    page.getByRole('img', { name: 'Every API call costs one more round trip', exact: true }),
  ).toBeVisible();

  const live = lesson.request('Ask about the opaque token');
  await live.sendAndExpect(200, '200');
  await expect(live.root.getByText(/"active": true/)).toBeVisible();
  await expect(live.root.getByText(/"client_id": "reporting-job"/)).toBeVisible();
  const garbage = lesson.request('Ask about a made-up string');
  await garbage.sendAndExpect(200, '200');
  await expect(garbage.root.getByText(/"active": false/)).toBeVisible();
  await expect(garbage.root.getByText(/"client_id"/)).toHaveCount(0);

  expect(await lesson.negatives('Who may ask').replayAllAsExpected()).toBe(2);

  await lesson.request('Revoke the opaque token').sendAndExpect(200, '200');
  await lesson
    .request('The same call as before')
    .sendAndExpect(401, '401 invalid_token at checkNotRevoked');

  // The exercise, in the builder: a live token that may read orders but not users.
  const exercise = lesson.exercise('An opaque token that cannot read users');
  const tryOpaque = lesson.request('Your turn: a token for reporting-job');
  await expect(tryOpaque.scopeCheckbox('read:users')).toBeChecked();
  await tryOpaque.scopeCheckbox('read:users').uncheck();
  await expect(tryOpaque.editor).toHaveValue(/scope=read(:|%3A)orders$/m);
  await tryOpaque.sendAndExpect(200);
  await exercise.expectPassed();

  await lesson.expectComplete();
});
