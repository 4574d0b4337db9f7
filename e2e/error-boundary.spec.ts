/**
 * A page that throws while rendering (here: a request-log entry without its request, what a
 * damaged saved server state puts in front of the Server page) never blanks the tab: the header
 * stays, the page says what broke and offers to reset that part, and the reset brings it back.
 */
import { expect, fetchInPage, ISSUER, test } from './fixtures';

test('a page that fails to render offers to reset the part that broke, and the reset brings it back', async ({
  mockReady: page,
  app,
}) => {
  const token = await fetchInPage(page, `${ISSUER}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
  });
  expect(token.status, token.text).toBe(200);
  // The damage goes into the running servers' state, the state the store saves and loads, so
  // that the test does not depend on which damage the loader lets through.
  await page.evaluate(() => {
    const { server } = (
      globalThis as unknown as {
        __playground: { server: { snapshot(): { log: { request: unknown }[] } } };
      }
    ).__playground;
    const entry = server.snapshot().log.at(-1);
    if (!entry) throw new Error('no log entry to damage');
    entry.request = null;
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await app.navigate('Server');
  const main = page.getByRole('main');
  const failed = main.getByRole('alert');
  await expect(failed.getByRole('heading', { name: 'This page could not be shown' })).toBeVisible();
  await expect(failed.getByText('What went wrong')).toBeVisible();
  // The header still works: navigation, the mock servers' status.
  await expect(app.mockStatus).toHaveText(/ready/i);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  // On the Server page the broken part is the servers' state: resetting it brings the page back.
  await failed.getByRole('button', { name: 'Reset the mock servers' }).click();
  await expect(main.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(main.getByRole('table', { name: /registered clients/i })).toBeVisible();
  await expect(failed).toBeHidden();

  // Another page is not affected by the error of the one before.
  await app.navigate('Lessons');
  await expect(main.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(main.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});
