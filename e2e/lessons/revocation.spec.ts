import { expect, test } from '../fixtures';

test('revocation: revoke a token, the API and introspection follow, revoking twice or unknown is fine, only your own tokens, the exercise', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Revoking a token');
  await lesson.expectStepsDone(0, 13);

  await lesson.request('A token for demo-client').sendAndExpect(200, '200');
  await lesson.request('It works').sendAndExpect(200, '200');
  await expect(
    page.getByRole('img', { name: 'Revocation: the client hands the token back', exact: true }),
  ).toBeVisible();
  const revoke = lesson.request('Revoke the token');
  await revoke.sendAndExpect(200, '200');
  await expect(revoke.root.getByText('Empty body.')).toBeVisible();

  await lesson
    .request('The API, after revocation')
    .sendAndExpect(401, '401 invalid_token at checkNotRevoked');
  const introspect = lesson.request('Introspection, after revocation');
  await introspect.sendAndExpect(200, '200');
  await expect(introspect.root.getByText(/"active": false/)).toBeVisible();

  await lesson.request('Revoke the same token again').sendAndExpect(200, '200');
  await lesson.request('Revoke a token that never existed').sendAndExpect(200, '200');

  await lesson.request('A token for orders-service').sendAndExpect(200, '200');
  await lesson
    .request("demo-client revokes orders-service's token")
    .sendAndExpect(400, '400 invalid_request');
  await lesson.request('The token still works').sendAndExpect(200, '200');
  expect(await lesson.negatives('Anonymous revocation').replayAllAsExpected()).toBe(1);

  // The exercise: sent as written, demo-client still cannot revoke it; Check says not yet.
  const exercise = lesson.exercise('Revoke it the right way');
  const tryRevoke = lesson.request('Your turn: a revocation request');
  await tryRevoke.sendAndExpect(400);
  await exercise.check();
  await expect(exercise.result).toContainText('Not yet.');

  // Edit the raw request so the owner asks, send, and Check again.
  await tryRevoke.replaceInRaw(
    '{{$basic demo-client demo-secret}}',
    '{{$basic orders-service orders-secret}}',
  );
  await tryRevoke.sendAndExpect(200);
  await exercise.check();
  await exercise.expectPassed();

  await lesson.expectComplete();
});
