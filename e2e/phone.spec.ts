import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

// A phone held upright, used by touch.
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

/** Nothing wider than the screen: the page never scrolls sideways (code blocks scroll inside). */
async function expectNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, viewport } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
    viewport: window.innerWidth,
  }));
  expect(
    scrollWidth,
    `${where}: page width ${scrollWidth} > viewport ${viewport}`,
  ).toBeLessThanOrEqual(viewport);
}

/** Code that scrolls sideways on a narrow screen must be reachable with the keyboard. */
async function expectScrollableRegionsFocusable(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page })
    .withRules(['scrollable-region-focusable'])
    .analyze();
  const targets = violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')));
  expect(targets, `${where}: scrollable regions without keyboard access`).toEqual([]);
}

test('phone: lesson 02 by touch, from the home page, with nothing overflowing sideways', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  test.slow();
  await expect(
    lesson.main.getByRole('link', { name: /^Lesson 2: Your first token$/ }),
  ).toBeVisible();
  await expectNoHorizontalOverflow(page, 'home');

  await lesson.main.getByRole('link', { name: /^Lesson 2: Your first token$/ }).tap();
  await expect(
    lesson.main.getByRole('heading', { level: 1, name: 'Your first token' }),
  ).toBeVisible();
  await lesson.waitForBlocks();
  await expectNoHorizontalOverflow(page, 'lesson 02, opened');
  await expectScrollableRegionsFocusable(page, 'lesson 02, opened');

  // Get a token, then spend it on the API, tapping Send.
  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.button('Send').tap();
  await tokenJson.expectAnswer(200, '200');
  const listUsers = lesson.request('List users with your token');
  await listUsers.button('Send').tap();
  await listUsers.expectAnswer(200);

  // A wrong secret typed on the phone's keyboard: the explained error fits the screen too.
  await tokenJson.field('client_secret').fill('not-the-secret');
  await tokenJson.button('Send').tap();
  await tokenJson.expectStatus(401, 'Unauthorized');
  await expect(tokenJson.explanation('invalid_client')).toBeVisible();
  await expectNoHorizontalOverflow(page, 'lesson 02, after three responses');
  await expectScrollableRegionsFocusable(page, 'lesson 02, after three responses');

  // On to the next lesson with the pager, as a thumb would.
  await lesson.main.getByRole('link', { name: /Next →\s*Sending your credentials/ }).tap();
  await expect(
    lesson.main.getByRole('heading', { level: 1, name: 'Sending your credentials' }),
  ).toBeVisible();
  await expectNoHorizontalOverflow(page, 'lesson 03');
});
