/**
 * Every page fits a 390 px phone: each lesson (with a response and a replayed negative-case table
 * on screen), the Server page and the editor. Nothing sticks out past the screen's right edge
 * unless it sits inside a box that scrolls it (code, wide tables).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { loadLessons } from './fixtures/lesson-walk';

test.use({ viewport: { width: 390, height: 844 } });

/** Elements that reach past the viewport and are not inside a box that scrolls or clips them. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    const clipped = (element: Element): boolean => {
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        if (parent === document.body || parent === document.documentElement) return false;
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const element of document.body.querySelectorAll('*')) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.right <= width + 1 || clipped(element)) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      const name = `${element.tagName.toLowerCase()}${element.className && typeof element.className === 'string' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}`;
      out.push(
        `${name} (right edge ${Math.round(rect.right)} > ${width}): ${(element.textContent ?? '').trim().slice(0, 40)}`,
      );
      if (out.length >= 5) break;
    }
    const scroll = document.scrollingElement?.scrollWidth ?? 0;
    if (scroll > width) out.unshift(`the page scrolls sideways (${scroll} > ${width})`);
    return out;
  });
}

for (const entry of loadLessons()) {
  if (entry.status !== 'ok') continue;
  test(`390 px: lesson "${entry.title}" fits, with answers on screen`, async ({
    app,
    page,
    mockReady: _,
    lesson,
  }) => {
    await app.open(`/lessons/${entry.slug}`);
    await lesson.waitForBlocks();
    const send = lesson.main.getByRole('button', { name: 'Send', exact: true }).first();
    if (await send.count()) {
      await send.click();
      await expect(lesson.main.getByRole('status', { name: 'Response status' }).first()).toHaveText(
        /^\d{3} /,
      );
    }
    const replayAll = lesson.main.getByRole('button', { name: 'Replay all', exact: true }).first();
    if (await replayAll.count()) {
      await replayAll.click();
      await expect(
        lesson.main.getByRole('button', { name: 'Replay all', exact: true }).first(),
      ).toBeVisible();
    }
    expect(await overflowing(page), `lessons/${entry.slug}`).toEqual([]);
  });
}

test('390 px: the Server page fits', async ({ app, page, mockReady: _ }) => {
  await app.open('/server');
  await app.waitForMockServers();
  await expect(page.getByRole('region', { name: 'Clients' })).toBeVisible();
  expect(await overflowing(page), 'server').toEqual([]);
});

test('390 px: the editor fits, with its preview', async ({ app, page, mockReady: _ }) => {
  await app.open('/editor?lesson=lessons%2F02-first-token.md');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('textbox').first()).toBeVisible();
  // The preview's blocks are live (their static stand-ins gone).
  await expect(page.getByRole('button', { name: 'Send', exact: true }).first()).toBeVisible();
  await expect(page.locator('figure.block-fallback')).toHaveCount(0);
  expect(await overflowing(page), 'editor').toEqual([]);
});

test('390 px: a code exercise with failed results and the reference solution fits', async ({
  app,
  page,
  mockReady: _,
  lesson,
}) => {
  await app.open('/lessons/token-caching');
  await lesson.waitForBlocks();
  const exercise = lesson.codeExercise('Write the token cache');
  await exercise.run();
  await exercise.run();
  await exercise.root.getByRole('button', { name: 'Show the reference solution' }).click();
  await expect(exercise.root.getByRole('region', { name: 'Reference solution' })).toBeVisible();
  await exercise.root.getByText(/^The tests,/).click();
  expect(await overflowing(page), 'lessons/token-caching with a code exercise run').toEqual([]);
});
