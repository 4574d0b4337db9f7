/**
 * The e2e/README.md example against `npm run server` instead of the page: the same mock servers
 * over real HTTP on one origin, driven with Playwright's `request` (no browser needed).
 */
import { expect, test } from '../fixtures';

test('the Node server: a scope the client may not have is invalid_scope; the granted one works', async ({
  request,
  nodeServer,
  nodeAdmin,
}) => {
  const { origin } = nodeServer;
  const denied = await request.post(`${origin}/oauth/token`, {
    form: { grant_type: 'client_credentials', scope: 'write:orders' },
    headers: { authorization: `Basic ${btoa('demo-client:demo-secret')}` },
  });
  expect(denied.status()).toBe(400);
  expect(await denied.json()).toMatchObject({ error: 'invalid_scope' });

  const granted = await request.post(`${origin}/oauth/token`, {
    form: { grant_type: 'client_credentials', scope: 'read:users' },
    headers: { authorization: `Basic ${btoa('demo-client:demo-secret')}` },
  });
  expect(granted.status()).toBe(200);
  const { access_token } = await granted.json();

  const users = await request.get(`${origin}/api/v1/users`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(users.status()).toBe(200);

  // The clock is the servers' own: two hours on, the same token has expired.
  await nodeAdmin.setClock({ advance: 7200 });
  const expired = await request.get(`${origin}/api/v1/users`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(expired.status()).toBe(401);
  expect(expired.headers()['www-authenticate']).toContain('error="invalid_token"');
});
