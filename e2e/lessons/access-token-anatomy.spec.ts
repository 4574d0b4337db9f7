import { expect, test } from '../fixtures';
import { referenceSolution } from '../fixtures/lesson-walk';

test('access-token-anatomy: decode and verify, discovery and JWKS, forged tokens refused, expiry and capped leeway, the exercise', async ({
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Inside the access token');
  await lesson.expectStepsDone(0, 23);

  await lesson.request('A fresh token for demo-client').sendAndExpect(200, '200');
  const inspector = lesson.jwt('Header and claims');
  await expect(inspector.claim('typ')).toContainText('at+jwt');
  await expect(inspector.claim('alg')).toContainText('ES256');
  await expect(inspector.claim('iss')).toContainText('https://auth.example.com');
  await expect(inspector.claim('aud')).toContainText('https://api.example.com');
  await inspector.expectVerified();

  await lesson.request("1. The server's metadata").sendAndExpect(200, '200');
  const jwks = lesson.request('2. The key set its jwks_uri points to');
  await jwks.sendAndExpect(200, '200');
  await expect(jwks.root.getByText(/"use": "sig"/)).toBeVisible();

  // typ may be written in full: application/at+jwt passes the typ check (RFC 9068 §4).
  await lesson.request('A token with typ application/at+jwt').sendAndExpect(200, '200');
  await lesson.request('Accepted: the same type, written in full').sendAndExpect(200, '200');

  // Four forged tokens, each wrong in exactly one way.
  await lesson.request('Issued by someone else').sendAndExpect(200, '200');
  await lesson.request('Meant for another API').sendAndExpect(200, '200');
  await lesson.request('Not signed at all (alg none)').sendAndExpect(200, '200');
  await lesson.request("Signed by a stranger's key").sendAndExpect(200, '200');
  const unsigned = lesson.jwt('The unsigned token: alg none, empty signature');
  await expect(unsigned.claim('alg')).toContainText('none');
  await expect(unsigned.root.getByText('Signature verified', { exact: true })).toHaveCount(0);
  const forged = lesson.negatives('Every one of them is refused');
  expect(await forged.replayAllAsExpected()).toBe(4);
  await expect(forged.row('alg none')).toContainText('failed the alg check');

  // Expiry and leeway on the server clock.
  await lesson.request('1. A fresh token (valid for 3600 s)').sendAndExpect(200, '200');
  await lesson.request('2. Move the server clock 3690 s ahead').sendAndExpect(200, '200');
  const expired = lesson.request('3. The token expired 90 s ago: beyond the 60 s leeway');
  await expired.sendAndExpect(401, '401 invalid_token at checkTimes');
  const leeway = lesson.request('4. Ask for a 600 s leeway');
  await leeway.sendAndExpect(200, '200');
  await expect(leeway.root.getByText(/"leewaySeconds": 300/)).toBeVisible();
  await lesson.request('5. Same token, inside a 5-minute window').sendAndExpect(200, '200');
  await lesson.request('6. Another 300 s ahead').sendAndExpect(200, '200');
  await lesson
    .request('7. Expired for over 6 minutes: no leeway saves it')
    .sendAndExpect(401, '401 invalid_token at checkTimes');

  // The exercise, in the raw editor: a token that fails only the audience check.
  const exercise = lesson.exercise('Fail exactly one check');
  const tryMint = lesson.request('Your turn: mint a token');
  await tryMint.replaceInRaw('{"claims": {}', '{"claims": {"aud": "https://payroll.example.com"}');
  await tryMint.sendAndExpect(200, '200');
  await exercise.expectPassed();

  // Write it yourself: the reference solution, typed into the editor, passes every test.
  await lesson
    .codeExercise('Verify an access token with jose')
    .solve(referenceSolution('access-token-anatomy', 'verify-token'));

  await lesson.expectComplete();
});
