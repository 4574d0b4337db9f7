/**
 * A browser that cannot run the playground says so in words (index.html's start-up check): what
 * is missing and which versions work, above a lesson that can still be read, with no Send that
 * would do nothing. The browser here is a current one with a feature taken away before any of
 * the page's scripts run, or with the app's code made unreadable.
 */
import { builtFileUrl, expect, test } from './fixtures';

test('a browser without a feature the app needs names it, and the lesson stays readable', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(() => {
    // As in a browser older than the supported ones.
    Reflect.deleteProperty(globalThis, 'structuredClone');
  });
  await page.goto('/lessons/first-token');
  const notice = page.getByRole('alert').filter({ hasText: 'cannot run the playground' });
  await expect(notice).toContainText('it lacks structuredClone');
  await expect(notice).toContainText('Firefox 121 or later');
  await expect(page.getByRole('heading', { level: 1, name: 'Your first token' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toHaveCount(0);
  // The app stays off: no half-started page behind the notice.
  await page.waitForTimeout(500);
  await expect(page.locator('html')).not.toHaveAttribute('data-app', 'ready');
  expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations())).toEqual([]);
  expect(errors).toEqual([]);
});

test('a browser that cannot parse the app’s code says so instead of a dead page', async ({
  page,
}) => {
  // The entry chunk with syntax this browser (pretend) cannot read.
  await page.route(builtFileUrl('index.html'), (route) =>
    route.fulfill({ contentType: 'text/javascript', body: 'export const x = ;' }),
  );
  await page.goto('/lessons/first-token');
  const notice = page.getByRole('alert').filter({ hasText: 'cannot run the playground' });
  await expect(notice).toContainText('could not read the app’s code');
  await expect(page.getByRole('heading', { level: 1, name: 'Your first token' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send', exact: true })).toHaveCount(0);
});
