import { expect, test } from '../fixtures';
import { axeViolations } from '../fixtures/axe';

test('token forge: forge from the lesson token, stop it at the audience, edit claims by hand, refuse a broken paste, replay every case, both exercises', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  test.slow(); // thirteen cases replayed through the service worker
  await lesson.openFromHome('The token forge');
  await lesson.request('A token for demo-client').sendAndExpect(200, '200');

  const lab = page.getByRole('region', { name: 'Lab Token forge' });
  // The lab starts from the lesson's token once it exists.
  await expect(lab.getByText("the lesson's {{access_token}}")).toBeVisible();

  // The audience exercise is not done before the forge sent anything.
  const audience = lesson.exercise('Stop a forgery at the audience');
  await audience.check();
  await expect(audience.result).toContainText('Not yet.');

  // Wrong audience: signature and issuer pass, the audience check stops it.
  await lab.getByRole('button', { name: /^Wrong audience/ }).click();
  await expect(lab.getByRole('textbox', { name: 'payload aud value' })).toHaveValue(
    'https://billing.example.com',
  );
  await lab.getByRole('button', { name: 'Send to GET /api/v1/users' }).click();
  const result = lab.getByRole('region', { name: 'What the API answered' });
  await expect(result).toContainText('401');
  await expect(result).toContainText('Stopped at Audience (aud)');
  const checks = result.getByRole('list', { name: "The API's checks, in order" });
  await expect(checks.getByRole('listitem').filter({ hasText: 'Signature' })).toContainText(
    'passed',
  );
  await expect(checks.getByRole('listitem').filter({ hasText: 'Audience (aud)' })).toContainText(
    'failed',
  );
  await expect(checks.getByRole('listitem').filter({ hasText: 'Scope' })).toContainText(
    'not reached',
  );
  await expect(result).toContainText(
    'Bearer error="invalid_token", error_description="The access token failed the aud check',
  );
  await expect(result).toContainText('aud "https://billing.example.com"'); // what the server knew
  await audience.check();
  await audience.expectPassed();

  // By hand: back to the control case, then give it only read:orders: a valid token, 403.
  await lab.getByRole('button', { name: /^Untouched \(control\)/ }).click();
  await lab.getByRole('textbox', { name: 'payload scope value' }).fill('read:orders');
  await lab.getByRole('button', { name: 'Send to GET /api/v1/users' }).click();
  await expect(result).toContainText('403');
  await expect(result).toContainText('Stopped at Scope');
  await expect(result).toContainText('error="insufficient_scope", scope="read:users"');

  // Raw JSON edit: alg none, unsigned.
  await lab.getByRole('button', { name: 'Edit header as JSON' }).click();
  await lab.getByRole('textbox', { name: 'Header as JSON' }).fill('{"alg":"none","typ":"at+jwt"}');
  await lab.getByRole('radio', { name: 'No signature' }).check();
  await lab.getByRole('button', { name: 'Send to GET /api/v1/users' }).click();
  await expect(result).toContainText('Stopped at Algorithm on the allow-list');
  // Broken JSON says why and keeps the last valid header.
  await lab.getByRole('textbox', { name: 'Header as JSON' }).fill('{"alg":');
  await expect(lab.getByRole('alert')).toContainText('The header is not valid JSON');
  await lab.getByRole('button', { name: 'Back to fields' }).click();
  await expect(lab.getByRole('textbox', { name: 'header alg value' })).toHaveValue('none');

  // A pasted opaque string is refused with a reason, not a crash.
  await lab.getByLabel('Or paste any JWT').fill('not-a-jwt');
  await lab.getByRole('button', { name: 'Load pasted token' }).click();
  await expect(lab.getByRole('alert')).toContainText('a JWT has 3 (header.payload.signature)');

  // Every case, replayed: each ends where it should.
  await lab.getByRole('button', { name: 'Replay every case' }).click();
  await expect(lab.getByText('Every case ended where it should')).toBeVisible({ timeout: 30_000 });
  const replays = lab.getByRole('region', { name: 'Replayed cases' });
  await expect(replays.getByRole('row', { name: /HMAC signed with the public key/ })).toContainText(
    '✓ 401 at Algorithm on the allow-list',
  );
  await expect(replays.getByRole('row', { name: /Tampered payload/ })).toContainText(
    '✓ 401 at Signature',
  );
  // The lab, with a result and the replay table showing, passes axe's WCAG checks.
  expect(await axeViolations(page, { include: '.forge-lab' })).toEqual([]);

  const replayAll = lesson.exercise('Replay every case');
  await replayAll.check();
  await replayAll.expectPassed();
});
