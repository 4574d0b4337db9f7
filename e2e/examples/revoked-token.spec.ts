/**
 * The e2e/README.md example, kept here so the suite proves it runs: a learner's journey through
 * a lesson, with the page objects the fixtures hand out.
 */
import { expect, test } from '../fixtures';

test('a revoked token is refused by the API', async ({ app, lesson, mockReady: _ }) => {
  await app.open('/lessons/revocation');
  await lesson.waitForBlocks();

  await lesson.request('A token for demo-client').sendAndExpect(200, '200');
  await lesson.request('Revoke the token').sendAndExpect(200, '200');

  const after = lesson.request('The API, after revocation');
  await after.sendAndExpect(401, '401 invalid_token at checkNotRevoked');
  await expect(after.explanation('invalid_token')).toContainText('revoked');
  await expect(await after.responseHeader('www-authenticate')).toContainText(
    'error="invalid_token"',
  );
});
