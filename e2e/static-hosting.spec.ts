/**
 * A static host without rewrite rules serves the build's files by their own names: a learner may
 * land on `/lessons/first-token.html` (a link to the file, a host that only serves files). That
 * is the lesson, hydrated from its HTML, and it works; `/index.html` is the home page.
 */
import { expect, test } from './fixtures';

test('a lesson opened by its file name is the lesson: hydrated from its HTML, and it sends', async ({
  page,
  app,
  lesson,
}) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // The heading the HTML parser made, to check that the app adopted it instead of re-rendering.
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      (globalThis as { __parsedHeading?: Element | null }).__parsedHeading =
        document.querySelector('#main h1');
    });
  });

  await app.open('/lessons/first-token.html');
  await expect(page.locator('html')).toHaveAttribute('data-app', 'ready');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your first token');
  expect(
    await page.evaluate(() => {
      const parsed = (globalThis as { __parsedHeading?: Element | null }).__parsedHeading;
      return parsed?.isConnected === true && parsed === document.querySelector('#main h1');
    }),
    'the parsed heading is the one on screen (hydrated)',
  ).toBe(true);
  await expect(page).toHaveTitle('Your first token · Client Credentials Playground');

  await app.waitForMockServers();
  await lesson.request('A token request with a JSON body').sendAndExpect(200, '200');
  // The header's navigation knows where it is.
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lessons' }),
  ).toHaveAttribute('aria-current', 'page');
  expect(problems).toEqual([]);

  await app.open('/index.html');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page).toHaveTitle('Lessons · Client Credentials Playground');
});
