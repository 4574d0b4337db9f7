import { API_ORIGIN, expect, fetchInPage, ISSUER, test } from '../fixtures';
import { axeViolations } from '../fixtures/axe';
import { ServerConsolePage } from '../fixtures/server-console';

test('server console lesson: the rotation drill and the secret probe pass their exercises; a revoked token is refused', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('The server console');
  await lesson.request('A token for demo-client').sendAndExpect(200, '200');
  const console = new ServerConsolePage(
    page,
    page.getByRole('region', { name: 'Lab Server console' }),
  );

  // The lesson's token is in the issued list; the drill exercise is not done yet.
  await expect(console.tokenRows()).toHaveCount(1);
  const drillExercise = lesson.exercise('Rotate without breaking anyone');
  await drillExercise.check();
  await expect(drillExercise.result).toContainText('Not yet.');

  const verdict = await console.runRotationDrill();
  await expect(verdict).toHaveText(/^Drill passed/);
  await expect(console.keyRows()).toHaveCount(1);
  await drillExercise.check();
  await drillExercise.expectPassed();

  // Revoke a token from the console: the API then refuses it at the revocation check.
  const issued = await fetchInPage(page, `${ISSUER}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
  });
  const { access_token } = JSON.parse(issued.text) as { access_token: string };
  // the lesson's, the drill's two (before and after the rotation), this one
  await expect(console.tokenRows()).toHaveCount(4);
  await console.revokeToken(0);
  const refused = await fetchInPage(page, `${API_ORIGIN}/api/v1/users`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(refused.status).toBe(401);
  expect(refused.headers['www-authenticate']).toContain('failed the revoked check');

  const probe = await console.proveSecretNotLogged();
  await expect(probe).toContainText('not in the log');
  await expect(probe).toContainText('client_secret=%5Bredacted%5D');
  expect(await axeViolations(page, { include: '.console-lab' })).toEqual([]);

  const secretExercise = lesson.exercise('Show the secret is not logged');
  await secretExercise.check();
  await secretExercise.expectPassed();
});
