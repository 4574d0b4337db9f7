/**
 * Firefox only: two tabs of a private window, where no service worker runs and msw answers from
 * inside each page. They still share one server (Web Locks and BroadcastChannel work there).
 */
import type { Page } from '@playwright/test';
import { API_ORIGIN, expect, ISSUER, test } from '../fixtures';
import { launchPrivateFirefox } from './private-firefox';

/** `fetch` in the page (msw's in-page fallback answers it): status and body. */
async function send(page: Page, url: string, init: RequestInit = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      const response = await fetch(url, init);
      return { status: response.status, text: await response.text() };
    },
    { url, init: { method: init.method, headers: init.headers, body: init.body } as RequestInit },
  );
}

test('two private-window tabs without service workers share one server', async ({
  playwright,
  launchOptions,
  channel,
  baseURL,
}) => {
  const browser = await launchPrivateFirefox(playwright, launchOptions, channel);
  try {
    const context = await browser.newContext({ baseURL });
    const open = async () => {
      const page = await context.newPage();
      await page.goto('/server');
      await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready', {
        timeout: 20_000,
      });
      expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false);
      return page;
    };
    const a = await open();
    const b = await open();

    const token = JSON.parse(
      (
        await send(a, `${ISSUER}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
        })
      ).text,
    ).access_token as string;
    const users = (page: Page) =>
      send(page, `${API_ORIGIN}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
    expect((await users(b)).status).toBe(200);

    const revoked = await send(b, `${ISSUER}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}&client_id=demo-client&client_secret=demo-secret`,
    });
    expect(revoked.status).toBe(200);
    expect((await users(a)).status).toBe(401);

    // The first tab goes; the second has it all.
    await a.close({ runBeforeUnload: true });
    expect((await users(b)).status).toBe(401);
  } finally {
    await browser.close();
  }
});
