/**
 * Firefox only (the `firefox` project runs this folder): a private window that runs no service
 * workers. The app must notice, serve the lessons from msw's in-page fallback and say what differs.
 */
import { expect, test } from '../fixtures';
import { LessonPage } from '../fixtures/lesson-page';
import { launchPrivateFirefox } from './private-firefox';

test('a private window without service workers gets the in-page servers, a notice, and answers', async ({
  playwright,
  launchOptions,
  channel,
  baseURL,
}) => {
  const browser = await launchPrivateFirefox(playwright, launchOptions, channel);
  try {
    const page = await browser.newPage({ baseURL });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto('/lessons/first-token');
    await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready', { timeout: 20_000 });
    expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false);

    const notice = page.getByRole('note').filter({ hasText: 'Running without a service worker' });
    await expect(notice).toContainText('a Firefox private window');
    await notice.getByText('What differs, and the usual set-up').click();
    await expect(notice.getByRole('listitem')).toHaveCount(3);
    await expect(
      notice.getByRole('listitem').filter({ hasText: 'forgotten when the window closes' }),
    ).toBeVisible();

    const lesson = new LessonPage(page);
    const tokenJson = lesson.request('A token request with a JSON body');
    await tokenJson.sendAndExpect(200, '200');
    const listUsers = lesson.request('List users with your token');
    await listUsers.sendAndExpect(200, '200');
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
