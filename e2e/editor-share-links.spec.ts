/**
 * Share links come from anyone. Opening one never loses the learner's own draft (they are asked,
 * and can undo), and a link that unpacks to megabytes or names a file that is not a lesson
 * (`evil.html`, a Windows path) is refused with a sentence, in the editor and in "Download .md".
 */
import { expect, LessonEditor, test } from './fixtures';

const LESSON = 'lessons/02-first-token.md';

test('a stranger’s link for a lesson the learner has a draft of asks first: keep both, replace (with undo), or ignore', async ({
  page,
  stranger: theirPage,
}) => {
  test.slow();
  // The stranger edits lesson 02 in their own browser and shares it.
  await theirPage.goto(`/editor?lesson=${encodeURIComponent(LESSON)}`);
  const theirEditor = new LessonEditor(theirPage);
  await expect(theirEditor.source).toHaveValue(/title: Your first token\n/);
  const theirs = (await theirEditor.source.inputValue()).replace(
    'title: Your first token',
    'title: Their first token',
  );
  await theirEditor.source.fill(theirs);
  const link = await theirEditor.shareLink();

  // The learner has their own draft of the same lesson.
  await page.goto(`/editor?lesson=${encodeURIComponent(LESSON)}`);
  const editor = new LessonEditor(page);
  await expect(editor.source).toHaveValue(/title: Your first token\n/);
  const mine = (await editor.source.inputValue()).replace(
    'title: Your first token',
    'title: My first token',
  );
  await editor.source.fill(mine);
  await expect(editor.status).toContainText('Draft saved in this browser');

  // Keep both: the shared version opens as a copy; the learner's draft is untouched.
  await page.goto(link);
  const question = page.getByRole('alertdialog', {
    name: `This link carries another version of ${LESSON}`,
  });
  await expect(question).toContainText('You have your own draft of that file');
  await question.getByRole('button', { name: 'Keep both: open it as a copy' }).click();
  await expect(editor.source).toHaveValue(theirs);
  await expect(page.getByRole('textbox', { name: 'File name' })).toHaveValue(
    'lessons/02-first-token-shared.md',
  );
  await expect(editor.status).toContainText(
    `Opened the shared version as lessons/02-first-token-shared.md; your draft of ${LESSON} is unchanged.`,
  );
  await page.getByRole('combobox', { name: 'Lesson' }).selectOption(LESSON);
  await expect(editor.source).toHaveValue(mine);

  // Replace, then undo: the learner's draft comes back, and stays after a reload.
  await page.goto(link);
  await question.getByRole('button', { name: 'Replace my draft (you can undo)' }).click();
  await expect(editor.source).toHaveValue(theirs);
  await page.getByRole('button', { name: 'Undo: bring back my draft' }).click();
  await expect(editor.source).toHaveValue(mine);
  await expect(editor.status).toContainText('Your draft is back');
  await page.reload();
  await expect(editor.source).toHaveValue(mine);

  // Ignore the link: nothing changes, and the link leaves the address bar. (Pasted into this
  // tab, on the editor: only the hash changes, and the editor opens it all the same.)
  expect(new URL(page.url()).pathname).toBe('/editor');
  await page.goto(link);
  await question.getByRole('button', { name: 'Keep my draft, ignore the link' }).click();
  await expect(editor.source).toHaveValue(mine);
  await expect(editor.status).toContainText('the shared link was not opened');
  expect(new URL(page.url()).hash).toBe('');
});

test('a link that unpacks to 60 MB, or names evil.html or a Windows path, is refused with a sentence', async ({
  page,
}) => {
  // Each link opens in a page of its own, as when clicked in a chat.
  await page.goto('/');
  const editor = new LessonEditor(page);

  // An 81 KB link that unpacks to 60 MB: stopped at 256 KB instead of freezing the tab.
  const bomb = await editor.packLink(
    { v: 1, file: 'lessons/16-bomb.md' },
    { sourceLength: 60_000_000 },
  );
  expect(bomb.length).toBeLessThan(100_000);
  await page.goto(bomb);
  await expect(page.getByRole('alert')).toHaveText(
    /The shared link unpacks to more than 256 KB: a lesson is never that large\./,
  );

  for (const file of ['evil.html', 'C:\\Users\\me\\lessons\\16-x.md']) {
    const link = await editor.packLink({ v: 1, file, source: '---\ntitle: Hi\n---\n' });
    await page.goto('/');
    await page.goto(link);
    await expect(page.getByRole('alert')).toContainText(
      `The shared link names the file “${file}”, which is not a lesson file: a lesson is lessons/NN-slug.md.`,
    );
  }
  await page.getByRole('button', { name: 'Open the first lesson instead' }).click();
  await expect(editor.source).toHaveValue(/title: What the client credentials grant is for/);
});

test('"Download .md" saves only under a lesson path, whatever this browser stored or the field says', async ({
  page,
}) => {
  // A draft an older version stored under the name a share link gave it.
  await page.goto('/');
  await page.evaluate(() => {
    localStorage.setItem(
      'ccp:editor:draft:evil.html',
      JSON.stringify({ source: '<script>alert(1)</script>', savedAt: Date.now() }),
    );
    localStorage.setItem('ccp:editor:last', 'evil.html');
  });
  const editor = new LessonEditor(page);

  // Opening the editor goes to the first lesson, not to that draft, and never lists it.
  await page.goto('/editor');
  await expect(editor.source).toHaveValue(/title: What the client credentials grant is for/);
  await expect(page.getByRole('option', { name: /evil/ })).toHaveCount(0);

  // Asked for by name, it is refused.
  await page.goto('/editor?lesson=evil.html');
  await expect(page.getByRole('alert')).toContainText(
    '“evil.html” is not a lesson file: a lesson is lessons/NN-slug.md.',
  );

  // A new lesson cannot be renamed to it either; its download keeps the lesson path.
  await page.goto('/editor');
  await page.getByRole('button', { name: 'New lesson' }).click();
  const name = page.getByRole('textbox', { name: 'File name' });
  for (const bad of ['evil.html', 'lessons\\16-x.md', 'lessons/16-x.md.html']) {
    await name.fill(bad);
    await name.press('Enter');
    await expect(page.getByText(/^Use lessons\/NN-slug\.md/)).toBeVisible();
  }
  await name.fill('lessons/16-rate-limits.md');
  await name.press('Enter');
  await expect(page.getByText(/^Use lessons\/NN-slug\.md/)).toBeHidden();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .md' }).click();
  expect((await download).suggestedFilename()).toBe('16-rate-limits.md');
});
