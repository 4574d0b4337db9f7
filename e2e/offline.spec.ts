/**
 * The mock servers run in the page, so the browser's network has nothing to do with them: a
 * learner who loses the network keeps sending requests. Offline is Playwright's
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
