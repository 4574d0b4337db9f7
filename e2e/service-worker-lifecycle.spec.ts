/**
 * The service worker's life, seen from the page (docs/decisions/service-worker-lifecycle.md):
 * a page that starts without the worker in control is taken over, never reloaded; a worker that
 * goes away mid-session (site data cleared) is noticed, the header says so, and it comes back;
 * and no request to the mock hosts ever reaches the real network meanwhile.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { AppPage, expect, fetchInPage, ISSUER, test } from './fixtures';
import { serveBuildCopy } from './fixtures/static-build';

/**
 * Every request to the mock hosts Playwright saw that the service worker did not answer: failed
 * ones (the network cannot resolve these hosts here) and, in Chromium, which reports it, any
 * answered by the network (Firefox over WebDriver BiDi does not say where an answer came from).
 */
function watchMockHosts(context: BrowserContext, browserName: string): string[] {
  const reachedNetwork: string[] = [];
  context.on('requestfailed', (request) => {
    if (/\.example\.com\//.test(request.url())) reachedNetwork.push(`failed ${request.url()}`);
  });
  context.on('response', (response) => {
    if (
      browserName === 'chromium' &&
      /\.example\.com\//.test(response.url()) &&
      !response.fromServiceWorker()
    ) {
      reachedNetwork.push(`network ${response.url()}`);
    }
  });
  return reachedNetwork;
}

async function jwksStatus(page: Page): Promise<number> {
  return (await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`)).status;
}

test('a cache-bypassing reload is taken over by the worker it has: not reloaded, not installed again', async ({
  page,
  app,
  browserName,
}) => {
  test.skip(browserName !== 'chromium', 'a cache-bypassing reload is a Chromium DevTools command');
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // What the reloaded page sees from its first script: its controller, the worker it could have,
  // and whether a worker is installed again meanwhile.
  await page.addInitScript(() => {
    const seen = { controlled: false, installed: false, sameWorker: false };
    (window as unknown as { __seen: typeof seen }).__seen = seen;
    const container = navigator.serviceWorker;
    seen.controlled = container.controller !== null;
    void container.getRegistration().then((registration) => {
      const active = registration?.active;
      registration?.addEventListener('updatefound', () => {
        seen.installed = true;
      });
      container.addEventListener('controllerchange', () => {
        seen.sameWorker = container.controller === active;
      });
    });
  });

  // Shift+Reload: the page loads without its controller.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.reload', { ignoreCache: true });
  await page.waitForEvent('load');
  await app.waitForMockServers();
  await page.waitForTimeout(500);

  const seen = await page.evaluate(() => (window as unknown as { __seen: object }).__seen);
  expect(seen).toEqual({ controlled: false, installed: false, sameWorker: true });
  expect(navigations, 'the reload itself, and no other').toBe(1);
  const discovery = await fetchInPage(page, `${ISSUER}/.well-known/oauth-authorization-server`);
  expect(discovery.status).toBe(200);
  expect(discovery.fromServiceWorker).toBe(true);
  expect(errors).toEqual([]);
});

test('site data cleared mid-session: the header stops saying ready, no request reaches the network, the worker comes back', async ({
  page,
  context,
  app,
  browserName,
}) => {
  test.skip(browserName !== 'chromium', 'clearing site data is a Chromium DevTools command');
  const reachedNetwork = watchMockHosts(context, browserName);
  await app.open('/lessons/first-token');
  await app.waitForMockServers();

  // Hold the worker script, so the page cannot bring the worker back until released.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await context.route('**/app-worker.js', async (route) => {
    await held;
    await route.continue();
  });

  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', {
    origin: new URL(page.url()).origin,
    storageTypes: 'all',
  });
  await expect(app.mockStatus).toHaveText(/Reconnecting/);
  await expect(page.locator('html')).toHaveAttribute('data-mock', 'reconnecting');
  // Meanwhile the page answers requests itself: never the network.
  expect(await jwksStatus(page)).toBe(200);
  const lesson = app.page.getByRole('region', { name: 'A token request with a JSON body' });
  await lesson.getByRole('button', { name: 'Send' }).click();
  await expect(lesson.getByRole('status', { name: 'Response status' })).toHaveText(/^200 OK/);

  release();
  await app.waitForMockServers();
  await expect(app.mockStatus).toHaveText('Mock servers ready');
  const again = await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`);
  expect(again.status).toBe(200);
  expect(again.fromServiceWorker).toBe(true);
  expect(reachedNetwork).toEqual([]);
});

test('a worker that restarted has forgotten the page: token requests sent then are answered by the page, body and all', async ({
  page,
  context,
  app,
  browserName,
}) => {
  test.skip(browserName !== 'chromium', 'stopping a service worker is a Chromium DevTools command');
  const reachedNetwork = watchMockHosts(context, browserName);
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');

  // The next request starts the worker afresh: it no longer knows this page and says so; the page
  // makes the request again itself, from the same arguments (a string body) or from its copy (a
  // Request), then reconnects.
  const answers = await page.evaluate(async () => {
    const url = 'https://auth.example.com/oauth/token';
    const init = {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa('demo-client:demo-secret')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=read%3Ausers',
    };
    const fromArguments = await fetch(url, init);
    const fromRequest = await fetch(new Request(url, init));
    return Promise.all(
      [fromArguments, fromRequest].map(async (response) => ({
        status: response.status,
        scope: (await response.json()).scope,
      })),
    );
  });
  expect(answers).toEqual([
    { status: 200, scope: 'read:users' },
    { status: 200, scope: 'read:users' },
  ]);
  await app.waitForMockServers();
  await expect
    .poll(
      async () => (await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`)).fromServiceWorker,
    )
    .toBe(true);
  expect(reachedNetwork).toEqual([]);
});

test('the worker unregistered mid-session is registered again and takes the page back', async ({
  page,
  context,
  app,
  browserName,
}) => {
  const reachedNetwork = watchMockHosts(context, browserName);
  await app.open('/server');
  await app.waitForMockServers();
  const before = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration?.unregister();
  });
  // The page notices within its check interval (or at once, on focus) and registers again.
  await page.evaluate(() => dispatchEvent(new Event('focus')));
  await expect
    .poll(() => page.evaluate(async () => Boolean(await navigator.serviceWorker.getRegistration())))
    .toBe(true);
  await new AppPage(page).waitForMockServers();
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(before);
  const answer = await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`);
  expect(answer.status).toBe(200);
  expect(answer.fromServiceWorker).toBe(true);
  expect(reachedNetwork).toEqual([]);
});

test('a new deploy: the new worker takes over the open page, which keeps working, caches the new version and still loads offline', async ({
  page,
}) => {
  const build = await serveBuildCopy();
  try {
    const app = new AppPage(page);
    await app.open(`${build.origin}/lessons/first-token`);
    await app.waitForMockServers();
    await expect(page.locator('html')).toHaveAttribute('data-offline', 'ready', {
      timeout: 30_000,
    });
    const before = await page.evaluate(() => caches.keys());
    expect(before).toHaveLength(1);

    // The next deploy: the same files under a new version, as a build of changed files makes.
    const worker = path.join(build.dir, 'app-worker.js');
    const script = await readFile(worker, 'utf8');
    await writeFile(worker, script.replace(/"version":"([^"]+)"/, '"version":"$1-next"'));
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });

    // The page reconnects to the new worker, which caches its version for offline.
    await expect
      .poll(() => page.evaluate(() => caches.keys()), { timeout: 30_000 })
      .toEqual(expect.arrayContaining([...before, expect.stringMatching(/-next$/)]));
    await app.waitForMockServers();
    const answer = await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`);
    expect(answer.fromServiceWorker).toBe(true);
    // (Which old caches stay, and when they go: test/mocks/app-worker.test.ts.)

    // Offline, the open page still loads a lesson it has not opened yet.
    await page.context().setOffline(true);
    await app.navigate('Lessons');
    await page.getByRole('link', { name: /Revoking a token/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Revoking a token' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'A token for demo-client' })).toBeVisible();
  } finally {
    await build.stop();
  }
});

test('a failed update check (the worker script gone from the server) is a warning, not an unhandled error', async ({
  page,
}) => {
  const build = await serveBuildCopy();
  try {
    const app = new AppPage(page);
    await app.open(`${build.origin}/lessons/first-token`);
    await app.waitForMockServers();
    // A broken deploy: the worker script is missing. msw checks for an update at every start.
    await rm(path.join(build.dir, 'app-worker.js'));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.reload();
    await app.waitForMockServers();
    await page.waitForTimeout(1000);
    expect(errors).toEqual([]);
    const answer = await fetchInPage(page, `${ISSUER}/.well-known/jwks.json`);
    expect(answer.status).toBe(200);
    expect(answer.fromServiceWorker).toBe(true);
  } finally {
    await build.stop();
  }
});
