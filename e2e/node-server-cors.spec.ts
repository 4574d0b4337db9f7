/**
 * `npm run server` seen from real web pages (docs/decisions/log-and-cors.md): a browser app on
 * localhost can use the OAuth endpoints and the API (preflighted JSON and Authorization
 * included) and the control API; no page, on any origin, can change the server with a form or a
 * no-cors request; and a page on another site can neither read `/__admin` nor change it.
 *
 * The pages are served by `page.route` on origins of their own, so each test knows exactly
 * where its requests come from.
 */
import type { Page } from '@playwright/test';
import { expect, type MockServerAdmin, test } from './fixtures';

const APP = 'https://localhost:4999';
const ELSEWHERE = 'https://evil.test';

test.skip(
  ({ browserName }) => browserName !== 'chromium',
  "grants Chromium's local-network-access",
);

/**
 * Open an empty page on `origin`. A routed page has no address, so Chromium counts it as public
 * and asks before it may reach localhost (Local Network Access): the test says yes, so that what
 * decides is the server, as for a user who allowed it.
 */
async function openPageAt(page: Page, origin: string): Promise<void> {
  await page.context().grantPermissions(['local-network-access'], { origin });
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>a page</title>' }),
  );
  await page.goto(`${origin}/`);
  // While any route is set, Playwright answers CORS preflights itself: drop it, so the
  // browser's preflights reach the server and its answers are the ones that count.
  await page.unrouteAll();
}

/** The signing keys' ids, oldest first. */
async function kids(admin: MockServerAdmin): Promise<string[]> {
  const { keys } = JSON.parse((await admin.call('GET', '/keys')).text) as {
    keys: { kid: string }[];
  };
  return keys.map((k) => k.kid);
}

/** Submit a real HTML form from the page (what a cross-site attack would do) and wait. */
async function submitForm(page: Page, action: string, enctype: string): Promise<void> {
  await page.evaluate(
    ({ action, enctype }) => {
      const frame = document.createElement('iframe');
      frame.name = 'sink';
      document.body.append(frame);
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = action;
      form.enctype = enctype;
      form.target = 'sink';
      const input = document.createElement('input');
      input.name = '{"advance":1}';
      input.value = '';
      form.append(input);
      document.body.append(form);
      form.submit();
    },
    { action, enctype },
  );
  // The form's answer lands in the frame (or is blocked); either way give it time to arrive.
  await page.waitForTimeout(500);
}

test.describe('npm run server from web pages', () => {
  test('a localhost app gets a token with JSON, calls the API with it, and reads /__admin', async ({
    page,
    nodeServer,
    nodeAdmin,
  }) => {
    await nodeAdmin.reset();
    await openPageAt(page, APP);
    const result = await page.evaluate(async (origin) => {
      const token = await fetch(`${origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'demo-client',
          client_secret: 'demo-secret',
        }),
      });
      const { access_token } = await token.json();
      const users = await fetch(`${origin}/api/v1/users`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      const clock = await fetch(`${origin}/__admin/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advance: 30 }),
      });
      return {
        token: token.status,
        requestId: token.headers.get('x-request-id'),
        users: users.status,
        clock: [clock.status, (await clock.json()).offset],
      };
    }, nodeServer.origin);
    expect(result).toEqual({
      token: 200,
      requestId: expect.any(String),
      users: 200,
      clock: [200, 30],
    });
  });

  test('no page can change the server with a form or a no-cors request, even from localhost', async ({
    page,
    nodeServer,
    nodeAdmin,
  }) => {
    await nodeAdmin.setClock({ advance: 60 });
    const before = await kids(nodeAdmin);
    await openPageAt(page, APP);
    for (const enctype of ['text/plain', 'application/x-www-form-urlencoded']) {
      await submitForm(page, `${nodeServer.origin}/__admin/reset`, enctype);
      await submitForm(page, `${nodeServer.origin}/__admin/keys/rotate`, enctype);
    }
    await page.evaluate(async (origin) => {
      await fetch(`${origin}/__admin/reset`, { method: 'POST', mode: 'no-cors' });
      await fetch(`${origin}/__admin/keys/rotate`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'text/plain' },
        body: '{}',
      });
    }, nodeServer.origin);
    expect((await nodeAdmin.clock()).offset).toBe(60);
    expect(await kids(nodeAdmin)).toEqual(before);
  });

  test('a page on another site can neither read /__admin nor change the server', async ({
    page,
    nodeServer,
    nodeAdmin,
  }) => {
    await nodeAdmin.setClock({ advance: 60 });
    await openPageAt(page, ELSEWHERE);
    const read = await page.evaluate(async (origin) => {
      try {
        const response = await fetch(`${origin}/__admin/clients`);
        return await response.text();
      } catch (error) {
        return `refused: ${String(error)}`;
      }
    }, nodeServer.origin);
    expect(read).toMatch(/^refused/);
    expect(read).not.toContain('demo-secret');
    await submitForm(page, `${nodeServer.origin}/__admin/reset`, 'text/plain');
    await page.evaluate(async (origin) => {
      await fetch(`${origin}/__admin/reset`, { method: 'POST', mode: 'no-cors' }).catch(() => {});
    }, nodeServer.origin);
    expect((await nodeAdmin.clock()).offset).toBe(60);
  });
});
