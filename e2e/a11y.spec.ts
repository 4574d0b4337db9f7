import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { type AppPage, expect, test } from './fixtures';
import { loadLessons } from './fixtures/lesson-walk';

/** WCAG 2.0 and 2.1, levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Every lesson in lessons/, in course order, as the build compiles it. */
const LESSONS = loadLessons();

// No colour transitions half-way through a theme switch while axe measures contrast.
test.use({ reducedMotion: 'reduce' });

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** One violation as lines a person can act on: rule, impact, help link, then each element. */
function describeViolation(violation: Violation): string {
  const nodes = violation.nodes.slice(0, 8).map((node) => {
    const why = (node.failureSummary ?? '').split('\n').slice(1, 3).join(' ').trim();
    return `    - ${node.target.join(' > ')}${why ? `\n      ${why}` : ''}`;
  });
  const more = violation.nodes.length > 8 ? [`    … and ${violation.nodes.length - 8} more`] : [];
  return [
    `[${violation.impact}] ${violation.id}: ${violation.help}`,
    `    ${violation.helpUrl}`,
    ...nodes,
    ...more,
  ].join('\n');
}

/** Scan the page as it is; a serious or critical violation fails the test (softly). */
async function scan(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map(describeViolation).join('\n\n');
  expect
    .soft(blocking.length, `${label}: serious or critical WCAG violations\n\n${report}\n`)
    .toBe(0);
}

/** Scan in the light theme, switch to dark with the header's toggle, scan again. */
async function scanBothThemes(page: Page, app: AppPage, label: string): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await scan(page, `${label} (light)`);
  await app.toggleTheme();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(app.themeToggle()).toHaveAccessibleName(/switch to light theme/i);
  await scan(page, `${label} (dark)`);
}

test('home page has no serious or critical WCAG 2.1 AA violations, light and dark', async ({
  page,
  app,
  mockReady: _,
}) => {
  await expect(page.getByRole('main').getByRole('link', { name: /^Lesson 1: / })).toBeVisible();
  await scanBothThemes(page, app, 'Home');
});

test('Server page has no serious or critical WCAG 2.1 AA violations, light and dark', async ({
  page,
  app,
  mockReady: _,
}) => {
  await app.navigate('Server');
  const main = page.getByRole('main');
  await expect(main.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(main.getByRole('table', { name: /registered clients/i })).toBeVisible();
  await scanBothThemes(page, app, 'Server');
});

for (const [index, { title }] of LESSONS.entries()) {
  test(`lesson ${index + 1} "${title}" has no serious or critical WCAG 2.1 AA violations after its first request, light and dark`, async ({
    page,
    app,
    mockReady: _,
    lesson,
  }) => {
    await lesson.openFromHome(title);
    // Long pages, two full scans: more than the default minute on a busy 2-core runner.
    test.slow();
    const send = lesson.main.getByRole('button', { name: 'Send', exact: true });
    if ((await send.count()) > 0) {
      const status = lesson.main.getByRole('status', { name: 'Response status' }).first();
      // Enter on the focused button. A press the page drops while it settles right after opening
      // (seen rarely under load, reported) is repeated: this spec is about the scan.
      await expect(async () => {
        if ((await status.textContent()) === '') await send.first().press('Enter');
        await expect(status).toHaveText(/^\d{3} .* in [\d.]+ ms$/, { timeout: 3_000 });
      }).toPass({ timeout: 20_000 });
    }
    await scanBothThemes(page, app, `Lesson ${index + 1} "${title}"`);
  });
}

test('a theme switch changes every colour at once, so nothing is read half-way between themes', async ({
  page,
  app,
}) => {
  await app.open('/');
  // The home page is prerendered: its toggle works once the app has hydrated it.
  await app.waitForMockServers();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // Click the toggle and read a button's colours in the same task, before any frame runs: what a
  // contrast check that starts right after the switch would see.
  const colours = await page.evaluate(() => {
    const toggle = document.querySelector<HTMLButtonElement>('button[aria-label*="theme" i]');
    const sample = document.querySelector('.btn') ?? toggle;
    if (!toggle || !sample) throw new Error('no theme toggle or button on the page');
    const before = getComputedStyle(sample).color;
    toggle.click();
    const during = getComputedStyle(sample).color;
    return { before, during, theme: document.documentElement.dataset.theme };
  });
  expect(colours.theme).toBe('dark');
  const settled = await page
    .locator('.btn')
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  expect(colours.during).not.toBe(colours.before);
  expect(colours.during).toBe(settled);
});

test('a code exercise with failed tests, an error marked in the editor and the reference solution shown has no serious or critical WCAG 2.1 AA violations, light and dark', async ({
  page,
  app,
  lesson,
  mockReady: _,
}) => {
  test.slow();
  await app.open('/lessons/scopes');
  await lesson.waitForBlocks();
  const exercise = lesson.codeExercise("Write the API's scope check");
  await exercise.run();
  await exercise.setCode('export function checkScope() {\n  throw new Error("not yet");\n}\n');
  await exercise.run();
  await exercise.root.getByRole('button', { name: 'Show the reference solution' }).click();
  await expect(exercise.root.getByRole('region', { name: 'Reference solution' })).toBeVisible();
  await exercise.root.getByText(/^The tests,/).click();
  await scanBothThemes(page, app, 'Code exercise with results');
});
