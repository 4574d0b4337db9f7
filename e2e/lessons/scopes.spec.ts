import { expect, test } from '../fixtures';
import { referenceSolution } from '../fixtures/lesson-walk';

test('scopes: metadata, least privilege, refusal versus down-scoping, API enforcement, near misses, both exercises', async ({
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Scopes');
  await lesson.expectStepsDone(0, 21);

  const metadata = lesson.request('The scopes this server knows');
  await metadata.sendAndExpect(200, '200');
  await expect(metadata.root.getByText(/"scopes_supported"/)).toBeVisible();
  expect(await lesson.negatives('Catch-all scopes').replayAllAsExpected()).toBe(2);

  await lesson.request('orders-service asks only for read:orders').sendAndExpect(200, '200');
  expect(await lesson.negatives('Scopes the client may not have').replayAllAsExpected()).toBe(2);

  // The server setting that switches refusal to down-scoping, and back.
  await lesson.request('Server setting: drop what is not allowed').sendAndExpect(200, '200');
  const downscoped = lesson.request('The same request, now answered with fewer scopes');
  await downscoped.sendAndExpect(200);
  await expect(downscoped.root.getByText(/"scope": "read:users"/)).toBeVisible();
  await lesson.request('Back to refusing').sendAndExpect(200, '200');

  // The API: reading with read:orders works, writing is 403 with the needed scope named.
  await lesson.request('Reading is allowed').sendAndExpect(200, '200');
  const writeDenied = lesson.request('Writing is not');
  await writeDenied.sendAndExpect(403, '403 insufficient_scope');
  await expect(await writeDenied.responseHeader('www-authenticate')).toContainText(
    'scope="write:orders"',
  );

  // Near misses: tokens one character away from read:users.
  await lesson.request('Mint a token with scope read:user (no s)').sendAndExpect(200, '200');
  await lesson.request('Mint a token with scope read:users-archive').sendAndExpect(200, '200');
  const nearMisses = lesson.negatives('Almost the right scope is the wrong scope');
  expect(await nearMisses.replayAllAsExpected()).toBe(3);
  await expect(nearMisses.row('read:user on a read:users endpoint')).toContainText('403');
  expect(await lesson.negatives('Fifty scopes in one request').replayAllAsExpected()).toBe(1);

  // Exercise 1, in the raw editor: turn the API call into a write.
  const make403 = lesson.exercise('Make the API say insufficient_scope');
  const tryApi = lesson.request('Your turn: an API call');
  await tryApi.sendAndExpect(200);
  await expect(make403.result).not.toContainText('Done');
  await tryApi.editRaw(
    [
      'POST https://api.example.com/api/v1/orders',
      'Authorization: Bearer {{access_token}}',
      'Content-Type: application/json',
      '',
      '{"item": "Pen", "quantity": 1}',
    ].join('\n'),
  );
  await tryApi.sendAndExpect(403);
  await make403.expectPassed();

  // Exercise 2, in the builder: write:orders and nothing else; the check creates an order.
  const createOnly = lesson.exercise('Create orders, nothing more');
  const tryToken = lesson.request('Your turn: a token request');
  await tryToken.scopeCheckbox('read:orders').uncheck();
  await tryToken.scopeCheckbox('write:orders').check();
  await tryToken.sendAndExpect(200);
  await createOnly.expectPassed();

  // Write it yourself: the reference solution, typed into the editor, passes every test.
  await lesson
    .codeExercise("Write the API's scope check")
    .solve(referenceSolution('scopes', 'scope-check'));

  await lesson.expectComplete();
});
