/**
 * The e2e/README.md example for the mock servers' controls: register a client, move the clock,
 * and send requests from inside the page (through the service worker, like the app's own).
 */
import { API_ORIGIN, expect, fetchInPage, ISSUER, test } from '../fixtures';

test('a short-lived token is refused once the server clock passes exp and the leeway', async ({
  mockReady: page,
  mockServer,
}) => {
  await mockServer.putClient('short-lived', {
    client_secret: 's3cret',
    scopes: ['read:users'],
    access_token_ttl: 60,
  });

  const token = await fetchInPage(page, `${ISSUER}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=short-lived&client_secret=s3cret',
  });
  expect(token.status).toBe(200);
  expect(token.fromServiceWorker).toBe(true);
  const { access_token, expires_in } = JSON.parse(token.text);
  expect(expires_in).toBe(60);
  const callApi = () =>
    fetchInPage(page, `${API_ORIGIN}/api/v1/users`, {
      headers: { authorization: `Bearer ${access_token}` },
    });

  await mockServer.setClock({ advance: 100 }); // past exp, inside the 60 s leeway
  expect((await callApi()).status).toBe(200);

  await mockServer.setClock({ advance: 30 }); // 70 s past exp
  const refused = await callApi();
  expect(refused.status).toBe(401);
  expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');

  // The log says why, with the token redacted.
  const last = (await mockServer.log()).at(-1);
  expect(last?.steps.find((step) => !step.ok)?.name).toMatch(/time|exp/i);
});
