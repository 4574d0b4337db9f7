/**
 * The mock servers run in the page, so the browser's network has nothing to do with them: a
 * learner who loses the network keeps sending requests, and after one online visit the app
 * itself loads with no network at all (the service worker caches it). Offline is Playwright's
 * `context.setOffline(true)`: the browser's own offline mode, events included.
 */
import { expect, test } from './fixtures';

test('Send answers while the browser is offline', async ({ app, lesson, context, page }) => {
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  await context.setOffline(true);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);

  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.sendAndExpect(200, '200');
  await lesson.request('List users with your token').sendAndExpect(200, '200');
});

test('after one online visit, the app loads offline: lessons, their blocks, the Server page', async ({
  app,
  lesson,
  context,
  page,
}) => {
  // No page errors on the way (an update check that fails offline is only a warning).
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  // Once the page is idle the worker caches every file of the build; this says it is done.
  await expect(page.locator('html')).toHaveAttribute('data-offline', 'ready', { timeout: 30_000 });

  await context.setOffline(true);
  // A lesson never opened before, by URL: its prerendered page and its lazily loaded chunks.
  await page.goto('/lessons/revocation');
  await app.waitForMockServers();
  await expect(page.getByRole('heading', { level: 1, name: 'Revoking a token' })).toBeVisible();
  await lesson.waitForBlocks();
  await lesson.request('A token for demo-client').sendAndExpect(200, '200');

  // A path with no page of its own renders from the cached app.
  await page.goto('/server');
  await app.waitForMockServers();
  await expect(page.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Request log' })).toBeVisible();

  // A lab: its code is a chunk of its own.
  await page.goto('/lessons/token-forge');
  await app.waitForMockServers();
  await lesson.waitForBlocks();
  const lab = page.getByRole('region', { name: 'Lab Token forge' });
  await lab.getByRole('button', { name: /^Wrong audience/ }).click();
  await lab.getByRole('button', { name: 'Send to GET /api/v1/users' }).click();
  await expect(lab.getByRole('region', { name: 'What the API answered' })).toContainText('401');
  expect(errors).toEqual([]);
});
