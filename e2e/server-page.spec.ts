import {
  API_ORIGIN,
  builtFileUrl,
  expect,
  fetchInPage,
  ISSUER,
  MockServerAdmin,
  test,
} from './fixtures';
import { axeViolations } from './fixtures/axe';

const DEMO_TOKEN_REQUEST = {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    grant_type: 'client_credentials',
    client_id: 'demo-client',
    client_secret: 'demo-secret',
    scope: 'read:users',
  }),
};

test('the Server page shows the seeded servers, logs a token request, resets, and survives a reload', async ({
  page,
  app,
}) => {
  test.slow(); // the longest journey: three page loads, a service worker start, axe
  // Hold back the lazily loaded mock-server chunk, so the start-up state is observable.
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(builtFileUrl('src/mocks/browser.ts'), async (route) => {
    await held;
    await route.continue();
  });

  await app.open('/server');
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(main.getByRole('status')).toHaveText('Starting the mock servers…');
  await expect(app.mockStatus).toHaveText(/starting/i);
  release();
  await app.waitForMockServers();
  await page.unrouteAll();
  await expect(main.getByRole('status')).toBeHidden();
  await new MockServerAdmin(page).reset();

  // A token request from the page goes through the service worker.
  const token = await fetchInPage(page, `${ISSUER}/oauth/token`, DEMO_TOKEN_REQUEST);
  expect(token.status, token.text).toBe(200);
  expect(token.fromServiceWorker).toBe(true);
  const body = JSON.parse(token.text) as Record<string, unknown>;
  expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read:users' });
  expect(body.access_token).toEqual(expect.any(String));

  // Seeded clients, secrets masked until revealed.
  const clients = main.getByRole('table', { name: /registered clients/i });
  for (const id of [
    'demo-client',
    'orders-service',
    'reporting-job',
    'cron-sync',
    'signing-client',
  ]) {
    await expect(clients.getByRole('rowheader', { name: id })).toBeVisible();
  }
  const demoRow = clients.getByRole('row', { name: /demo-client/ });
  await expect(demoRow.getByRole('list', { name: 'Scopes of demo-client' })).toHaveText(
    'read:users',
  );
  await expect(demoRow).not.toContainText('demo-secret');
  await demoRow.getByRole('button', { name: 'Reveal the secret of demo-client' }).click();
  await expect(demoRow).toContainText('demo-secret');
  await demoRow.getByRole('button', { name: 'Hide the secret of demo-client' }).click();
  await expect(demoRow).not.toContainText('demo-secret');
  await expect(clients.getByRole('row', { name: /signing-client/ })).toContainText(
    'private_key_jwt',
  );

  // The JWKS: one ES256 signing key, the active one.
  const keys = main.getByRole('region', { name: 'Signing keys' });
  const keyTable = keys.getByRole('table', { name: /json web key set/i });
  await expect(keyTable.getByRole('row')).toHaveCount(2);
  await expect(keyTable.getByRole('row').nth(1)).toContainText('ES256');
  await expect(keyTable.getByRole('row').nth(1)).toContainText('active');

  // The log shows the request live, its steps, and redacts the secret.
  const log = main.getByRole('list', { name: 'Requests, newest first' });
  const entry = log.getByRole('listitem').filter({ hasText: '/oauth/token' });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('POST');
  await expect(entry).toContainText('200');
  await expect(entry).toContainText('✓');
  await entry.getByText(`${ISSUER}/oauth/token`, { exact: true }).click();
  await expect(entry.getByRole('heading', { name: 'Request' })).toBeVisible();
  await expect(entry).toContainText('demo-client');
  await expect(entry).toContainText('[redacted]');
  await expect(entry).not.toContainText('demo-secret');
  await expect(entry).not.toContainText(body.access_token as string);

  // The page, with a log entry open, passes axe's WCAG checks.
  expect(await axeViolations(page)).toEqual([]);

  // Reset server empties the log.
  await app.resetServer();
  await expect(log).toBeHidden();
  await expect(main.getByText('No requests yet.')).toBeVisible();
  const afterReset = await new MockServerAdmin(page).log();
  expect(afterReset.filter((e) => e.request.url.includes('/oauth/token'))).toEqual([]);

  // A token issued before a reload still verifies after it (keys persist in localStorage).
  const fresh = await fetchInPage(page, `${ISSUER}/oauth/token`, DEMO_TOKEN_REQUEST);
  expect(fresh.status, fresh.text).toBe(200);
  const { access_token } = JSON.parse(fresh.text) as { access_token: string };
  await page.reload();
  await app.waitForMockServers();
  const users = await fetchInPage(page, `${API_ORIGIN}/api/v1/users`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(users.status, users.text).toBe(200);
  expect(users.fromServiceWorker).toBe(true);
  await expect(log.getByRole('listitem').filter({ hasText: '/api/v1/users' })).toContainText('200');
});

test('the clock moves and the theme choice is remembered', async ({
  mockReady,
  app,
  mockServer,
}) => {
  await app.navigate('Server');
  const clock = mockReady.getByRole('region', { name: 'Server clock' });
  await expect(clock).toContainText('offset none');
  await clock.getByRole('button', { name: '+5 min' }).click();
  await expect(clock).toContainText('offset +5 min');
  await clock.getByRole('button', { name: '+1 h' }).click();
  await expect(clock).toContainText('offset +1 h 5 min');
  expect((await mockServer.clock()).offset).toBe(3900);
  await clock.getByRole('button', { name: 'Back to real time' }).click();
  await expect(clock).toContainText('offset none');

  const before = await app.theme();
  await app.toggleTheme();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(mockReady.locator('html')).toHaveAttribute('data-theme', after);
  await mockReady.reload();
  await expect(mockReady.locator('html')).toHaveAttribute('data-theme', after);
  await expect(app.themeToggle()).toHaveAccessibleName(`Switch to ${before} theme`);
});

test('server state and the signing-client key survive reloads; unreadable state falls back to the seed', async ({
  mockReady,
  app,
  mockServer,
}) => {
  type Client = { client_id: string; jwks?: { keys: { kid?: string }[] } };
  const ids = async () => (await mockServer.clients<Client>()).map((c) => c.client_id).sort();
  const signingKid = async () =>
    (await mockServer.clients<Client>()).find((c) => c.client_id === 'signing-client')?.jwks
      ?.keys[0]?.kid;
  const seeded = await ids();
  const kid = await signingKid();
  expect(kid).toEqual(expect.any(String));

  await mockServer.putClient('extra-client', {
    client_secret: 'extra-secret-value',
    scopes: ['read:users'],
  });
  await mockReady.reload();
  await app.waitForMockServers();
  expect(await ids()).toEqual([...seeded, 'extra-client'].sort());

  // Corrupt the saved state before the app reads it: the servers start from the seed.
  await mockReady.addInitScript(() => localStorage.setItem('ccp:server-state', '{"v":1,"snaps'));
  await mockReady.reload();
  await app.waitForMockServers();
  expect(await ids()).toEqual(seeded);
  expect(await signingKid()).toBe(kid);
});

test('after a hard reload, which starts uncontrolled, the page recovers before sending requests', async ({
  mockReady,
  app,
}) => {
  // Shift+Reload: the new page bypasses the service worker until msw takes it back.
  const cdp = await mockReady.context().newCDPSession(mockReady);
  await Promise.all([
    mockReady.waitForEvent('load'),
    cdp.send('Page.reload', { ignoreCache: true }),
  ]);
  await app.waitForMockServers();
  await app.navigate('Server');
  await expect(mockReady.getByRole('heading', { name: 'Clients' })).toBeVisible();
  const discovery = await fetchInPage(
    mockReady,
    `${ISSUER}/.well-known/oauth-authorization-server`,
  );
  expect(discovery.status).toBe(200);
  expect(discovery.fromServiceWorker).toBe(true);
  expect(JSON.parse(discovery.text)).toMatchObject({ issuer: ISSUER });
});

test("the console edits what the mock holds: clients (refused with the core's reason when invalid), keys, tokens, clock", async ({
  mockReady,
  app,
  mockServer,
  serverConsole,
}) => {
  await app.navigate('Server');
  const { clients } = serverConsole;

  // Add a client; the page checks fields first.
  const form = await serverConsole.submitNewClient({ id: 'billing-job', secret: '', ttl: '0' });
  await expect(form.getByText('Give a secret, or choose public keys (JWKS).')).toBeVisible();
  await expect(form.getByText('A whole number of seconds from 1 to 86400.')).toBeVisible();
  await form.getByRole('button', { name: 'Cancel' }).click();
  await serverConsole.addClient({
    id: 'billing-job',
    secret: 'b1ll-secret',
    scopes: 'read:orders write:orders',
    format: 'opaque',
    ttl: '600',
    rateLimit: '3',
  });
  const row = serverConsole.clientRow('billing-job');
  await expect(row).toContainText('opaque');
  await expect(row).toContainText('10 min');
  await expect(row).toContainText('3 / min');
  expect(await mockServer.client('billing-job')).toMatchObject({
    client_secret: 'b1ll-secret',
    scopes: ['read:orders', 'write:orders'],
    token_format: 'opaque',
    access_token_ttl: 600,
    rate_limit_per_minute: 3,
  });

  // Edit: a JWKS with a private member passes the page's JSON check, the core refuses it.
  await row.getByRole('button', { name: 'Edit billing-job' }).click();
  const edit = serverConsole.form('Edit client billing-job');
  await edit.getByLabel('Public keys (private_key_jwt)').check();
  await edit
    .getByLabel('JWKS (public keys only)')
    .fill('{"keys":[{"kty":"EC","crv":"P-256","x":"a","y":"b","d":"private"}]}');
  await edit.getByRole('button', { name: 'Save client' }).click();
  await expect(edit.getByRole('alert')).toContainText(
    'The server refused it: jwks.keys[0] contains private or secret members (d)',
  );
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await serverConsole.editClient('billing-job', { scopes: 'read:orders', rateLimit: '' });
  await expect(row).toContainText('none');
  // A private_key_jwt client from a key made in the page.
  await row.getByRole('button', { name: 'Edit billing-job' }).click();
  await edit.getByLabel('Public keys (private_key_jwt)').check();
  await edit.getByRole('button', { name: 'Make a new public key' }).click();
  await expect(edit.getByLabel('JWKS (public keys only)')).toHaveValue(/"kty": "EC"/);
  await edit.getByRole('button', { name: 'Save client' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('private_key_jwt');
  await expect(row).toContainText('1 public key');
  await serverConsole.deleteClient('billing-job');
  expect((await mockServer.clients()).map((c) => c.client_id)).not.toContain('billing-job');

  // Keys: rotate keeps the old key verifying, retire drops it.
  await serverConsole.rotateKeys();
  await expect(serverConsole.keyRows()).toHaveCount(2);
  await expect(serverConsole.keyRows().nth(0)).toContainText('previous');
  await serverConsole.retireKeys();
  await expect(serverConsole.keyRows()).toHaveCount(1);

  // Tokens: one issued, revoked from the console.
  await fetchInPage(mockReady, `${ISSUER}/oauth/token`, DEMO_TOKEN_REQUEST);
  await expect(serverConsole.tokenRows()).toHaveCount(1);
  await expect(serverConsole.tokenRows().first()).toContainText('live');
  await serverConsole.revokeToken(0);

  // Clock: a typed move, and a typo explained.
  await serverConsole.moveClock('1h');
  await expect(serverConsole.clock.getByText('Whole seconds only, e.g. 90 or -30.')).toBeVisible();
  await serverConsole.moveClock('-90');
  await expect(serverConsole.clock).toContainText('offset −1 min 30 s');
  expect((await mockServer.clock()).offset).toBe(-90);
  await expect(clients).toBeVisible();
});

test('the client form rotates a secret (add a second, drop the old), revokes all its tokens, and shows a federated client', async ({
  page,
  mockReady,
  mockServer,
}) => {
  await page.goto('/server');
  await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready');
  const clients = page.getByRole('table', { name: /registered clients/i });
  const token = (secret: string) =>
    fetchInPage(mockReady, `${ISSUER}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'demo-client',
        client_secret: secret,
      }),
    });
  const before = await token('demo-secret');
  expect(before.status).toBe(200);

  // Add a second secret: a random one beside the old; both work once saved.
  await clients.getByRole('button', { name: 'Edit demo-client' }).click();
  const edit = page.getByRole('form', { name: 'Edit client demo-client' });
  await edit.getByRole('button', { name: 'Add a second secret' }).click();
  const second = edit.getByLabel('Secret 2 (the new one)');
  const newSecret = await second.inputValue();
  expect(newSecret).toMatch(/^[A-Za-z0-9_-]{24}$/);
  await edit.getByRole('button', { name: 'Save client' }).click();
  await expect(edit).toBeHidden();
  await expect(clients.getByRole('list', { name: 'Secrets of demo-client' })).toBeVisible();
  expect((await token('demo-secret')).status).toBe(200);
  expect((await token(newSecret)).status).toBe(200);

  // Drop the old secret: the new one is the only one; the old is refused at once.
  await clients.getByRole('button', { name: 'Edit demo-client' }).click();
  await edit.getByRole('button', { name: 'Drop the old secret' }).click();
  await expect(edit.getByLabel('Client secret')).toHaveValue(newSecret);
  await edit.getByRole('button', { name: 'Save client' }).click();
  await expect(edit).toBeHidden();
  expect((await token('demo-secret')).status).toBe(401);
  expect(await mockServer.client('demo-client')).toMatchObject({ client_secrets: [newSecret] });

  // Revoke all its tokens: the one minted before the rotation stops working.
  await clients.getByRole('button', { name: 'Edit demo-client' }).click();
  await edit.getByRole('button', { name: 'Revoke all its tokens' }).click();
  await expect(edit.getByRole('status')).toContainText('Revoked 3 tokens of demo-client');
  const api = await fetchInPage(mockReady, `${API_ORIGIN}/api/v1/users`, {
    headers: { authorization: `Bearer ${JSON.parse(before.text).access_token}` },
  });
  expect(api.status).toBe(401);
  await edit.getByRole('button', { name: 'Cancel' }).click();

  // The seeded federated client: no secret, the workload it trusts.
  const warehouse = clients.getByRole('row', { name: /warehouse-sync/ });
  await expect(warehouse).toContainText('repo:acme/warehouse-sync:ref:refs/heads/main');
  await expect(warehouse).toContainText('workload_identity');
  await warehouse.getByRole('button', { name: 'Edit warehouse-sync' }).click();
  const fed = page.getByRole('form', { name: 'Edit client warehouse-sync' });
  await expect(fed.getByLabel('Federated credentials (no secret)')).toBeChecked();
  await expect(
    fed.getByRole('textbox', { name: /Federated credentials \(a workload token/ }),
  ).toHaveValue(/"issuer": "https:\/\/ci\.example\.com"/);
});
