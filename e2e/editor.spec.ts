import { readdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, LessonEditor, test } from './fixtures';
import { AppPage } from './fixtures/app-page';
import { RequestBlockPanel } from './fixtures/lesson-page';

/** What "New lesson" names a new file: one more than the highest lesson number. */
const NEW_LESSON = `${String(
  Math.max(
    ...readdirSync(new URL('../lessons', import.meta.url)).map((f) =>
      Number(/^(\d+)-/.exec(f)?.[1] ?? 0),
    ),
  ) + 1,
).padStart(2, '0')}-my-new-lesson.md`;

test('an instructor edits a lesson beside its preview, sees an error at its line, keeps the draft and shares it', async ({
  mockReady: page,
  app,
  browser,
}) => {
  test.slow();
  await app.open('/lessons/first-token');
  await page.getByRole('link', { name: 'Edit this lesson' }).click();
  await expect(page).toHaveURL(/\/editor\?lesson=lessons%2F02-first-token\.md$/);

  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(/\ntitle: Your first token\n/);
  await expect(editor.preview.getByText('Your first token', { exact: true })).toBeVisible();
  await expect(page.getByText(/^No problems: the lesson compiles\./)).toBeVisible();

  // The preview is rendered by the lesson engine, with working blocks.
  const shipped = await editor.source.inputValue();
  const edited = shipped
    .replace('title: Your first token', 'title: Your first token, revised')
    .replace('```request id=token-form', '```reqest id=token-form');
  const typoLine = edited.split('\n').findIndex((line) => line.startsWith('```reqest')) + 1;
  await editor.source.fill(edited);

  // The error shows at its line; the preview keeps the last version that compiled.
  await expect(editor.problems).toHaveCount(1);
  await expect(editor.problem(typoLine, 4)).toContainText(
    'Unknown block "reqest". Did you mean "request"?',
  );
  await expect(
    editor.preview.getByText(/the preview shows the last version that compiled/),
  ).toBeVisible();
  await expect(editor.source).toHaveAttribute('aria-invalid', 'true');
  await editor.problem(typoLine, 4).click();
  await expect(editor.source).toBeFocused();
  expect(await editor.caret()).toEqual({ line: typoLine, column: 4 });

  // Fix it: the preview follows the text.
  const fixed = edited.replace('```reqest id=token-form', '```request id=token-form');
  await editor.source.fill(fixed);
  await expect(editor.problems).toHaveCount(0);
  await expect(
    editor.preview.getByText('Your first token, revised', { exact: true }),
  ).toBeVisible();

  // The preview's blocks send real requests to the mock servers.
  const request = new RequestBlockPanel(
    page,
    'A token request with a JSON body',
    editor.preview.getByRole('region', { name: 'A token request with a JSON body', exact: true }),
  );
  await request.sendAndExpect(200, '200');

  // A reload keeps the draft.
  await page.reload();
  await expect(editor.source).toHaveValue(fixed);
  await expect(page.getByText('Draft', { exact: true })).toBeVisible();

  // The share link carries the draft: a stranger's browser opens the same lesson text.
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue();
  expect(link).toMatch(/\/editor#draft=[A-Za-z0-9_-]+$/);

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await other.goto(link);
  const theirs = new LessonEditor(other);
  await expect(theirs.source).toHaveValue(fixed);
  await expect(
    other.getByText(/Opened lessons\/02-first-token\.md from a shared link/),
  ).toBeVisible();
  await expect(
    theirs.preview.getByText('Your first token, revised', { exact: true }),
  ).toBeVisible();
  await new AppPage(other).waitForMockServers();
  await stranger.close();

  // Revert drops the draft.
  await page.getByRole('button', { name: 'Revert to shipped' }).click();
  await expect(editor.source).toHaveValue(shipped);
});

test('a new lesson starts from the template, runs its requests live, downloads; a damaged share link says so', async ({
  mockReady: page,
}) => {
  await page.getByRole('link', { name: 'Write or edit a lesson' }).click();
  await page.getByRole('button', { name: 'New lesson' }).click();
  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(/^---\ntitle: My new lesson\n/);
  await expect(page.getByRole('textbox', { name: 'File name' })).toHaveValue(
    `lessons/${NEW_LESSON}`,
  );
  await expect(editor.preview.getByText('My new lesson', { exact: true })).toBeVisible();
  await expect(page.getByText(/^No problems: the lesson compiles\./)).toBeVisible();
  // Reopened after a reload, the new lesson is the one the picker shows.
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Lesson' })).toHaveValue(`lessons/${NEW_LESSON}`);
  await expect(editor.source).toHaveValue(/^---\ntitle: My new lesson\n/);

  // What lessons:check does live, from the page: a wrong expectation is reported at its line.
  await page.getByRole('button', { name: 'Run every request' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Ran the lesson' })).toHaveText(
    /2 requests sent, 2 expectations checked, no problems\.$/,
  );
  await expect(page.getByText(/every request got the answer the lesson expects/)).toBeVisible();
  const template = await editor.source.inputValue();
  const line = template.split('\n').findIndex((l) => l.startsWith('```request id=list-users')) + 1;
  await editor.source.fill(
    template.replace(
      'id=list-users title="Call the API with the token" expect=200',
      'id=list-users title="Call the API with the token" expect=403',
    ),
  );
  await page.getByRole('button', { name: 'Run every request' }).click();
  await expect(editor.problems).toHaveCount(1);
  await expect(editor.problem(line, 62)).toContainText(
    'Request block "list-users": expected 403, got 200.',
  );

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .md' }).click();
  expect((await download).suggestedFilename()).toBe(NEW_LESSON);

  await page.getByRole('button', { name: 'Discard draft' }).click();
  await expect(editor.source).toHaveValue(/title: What the client credentials grant is for/);

  await page.goto('/editor#draft=not-a-real-draft');
  await expect(page.getByRole('alert')).toContainText('The shared link is damaged');
  await page.getByRole('button', { name: 'Open the first lesson instead' }).click();
  await expect(editor.source).toBeVisible();
});

test('the editor passes an axe scan (WCAG 2.1 AA) in both themes, with problems showing', async ({
  mockReady: page,
}) => {
  test.slow();
  await page.goto('/editor?lesson=lessons%2F02-first-token.md');
  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(/title: Your first token/);
  const text = await editor.source.inputValue();
  await editor.source.fill(text.replace('duration: 8 min', 'duration: soon'));
  await expect(editor.problems).toHaveCount(1);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .include('main')
      .analyze();
    expect(
      results.violations.map(
        (v) => `${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
  }
});

test('"Run every request" also runs code exercises, in the sandbox: a reference solution that never ends is stopped and reported', async ({
  mockReady: page,
}) => {
  test.slow();
  await page.goto('/editor?lesson=lessons%2F03-sending-credentials.md');
  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(/title: Sending your credentials/);
  const run = page.getByRole('button', { name: 'Run every request' });
  const ran = page.getByRole('status').filter({ hasText: 'Ran the lesson' });
  // As shipped: the solution passes its tests and the starter fails one, so no problem.
  await run.click();
  await expect(ran).toContainText('no problems.', { timeout: 30_000 });

  const source = await editor.source.inputValue();
  const inSolution = '// Encoded, the credentials are plain ASCII: btoa takes them as they are.';
  expect(source).toContain(inSolution);
  await editor.source.fill(source.replace(inSolution, `for (;;) {} ${inSolution}`));
  await run.click();
  await expect(ran).toHaveText(/ [1-9]\d* problems?\./, { timeout: 60_000 });
  await expect(
    editor.problems
      .filter({ hasText: 'Code exercise "basic-header": the reference solution fails' })
      .first(),
  ).toContainText('Stopped after');
  // The page stayed responsive throughout: the loop ran in the sandbox worker.
  await expect(run).toBeEnabled();
});
