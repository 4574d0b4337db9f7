import { expect, test } from '../fixtures';
import { tabTo } from '../fixtures/lesson-page';

test('what-and-why (keyboard only): open it from the home page, read the flow and the table, move on to lesson 2', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  await tabTo(page, lesson.main.getByRole('link', { name: /^Lesson 1: / }));
  await page.keyboard.press('Enter');
  await expect(
    lesson.main.getByRole('heading', {
      level: 1,
      name: 'What the client credentials grant is for',
    }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/lessons\/what-and-why$/);

  // A reading lesson: sections in the table of contents, no steps to track.
  for (const section of ['When it fits', 'When it does not', 'The flow in three steps', 'Recap']) {
    await expect(lesson.toc.getByRole('link', { name: section, exact: true })).toBeVisible();
  }
  await expect(lesson.progress).toHaveCount(0);

  // The table of contents jumps to a section by keyboard.
  await tabTo(page, lesson.toc.getByRole('link', { name: 'The flow in three steps' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#the-flow-in-three-steps$/);
  const flow = page.getByRole('img', {
    name: 'Client credentials, from credentials to data',
    exact: true,
  });
  await expect(flow).toBeInViewport();
  await expect(flow).toHaveAccessibleDescription(/^1\. The client sends POST \/oauth\/token/);

  // The comparison table and the warning read as such.
  await expect(lesson.main.getByRole('table')).toContainText('Leaked secret');
  await expect(
    lesson.main.getByText('If a person signs in, do not use client credentials.', { exact: false }),
  ).toBeVisible();

  // The pager leads on to lesson 2.
  await tabTo(page, lesson.main.getByRole('link', { name: /Next → Your first token/ }));
  await page.keyboard.press('Enter');
  await expect(
    lesson.main.getByRole('heading', { level: 1, name: 'Your first token' }),
  ).toBeVisible();
});
