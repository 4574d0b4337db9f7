import { expect, test } from './fixtures';

test('first-token lesson: get a token, spend it, break the secret, keep progress, reset', async ({
  page,
  app,
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Your first token');
  await expect(page).toHaveURL(/\/lessons\/first-token$/);
  await expect(lesson.toc.getByRole('link', { name: 'Ask for a token' })).toBeVisible();
  await lesson.expectStepsDone(0, 8);

  // Before any token, the API call explains what is missing instead of sending.
  const listUsers = lesson.request('List users with your token');
  await listUsers.send();
  await expect(listUsers.root.getByRole('alert')).toContainText('{{access_token}}');
  await expect(listUsers.root.getByRole('alert')).toContainText(
    'Send “A token request with a JSON body” first',
  );

  // Send the JSON token request with the button: 200 announced, token saved, step done.
  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.send();
  await tokenJson.expectStatus(200, 'OK');
  await expect(tokenJson.root.getByText('saved {{access_token}}')).toBeVisible();
  await expect(tokenJson.root.getByText('✓ Expected 200')).toBeVisible();
  await lesson.expectStepsDone(1, 8);

  // The form-encoded one with Ctrl/Cmd+Enter from the raw editor.
  const tokenForm = lesson.request('The same request, form-encoded');
  await expect(tokenForm.status).toHaveText('');
  await tokenForm.sendWithKeyboard();
  await tokenForm.expectStatus(200, 'OK');
  await lesson.expectStepsDone(2, 8);

  // Spend the token on the API.
  await listUsers.send();
  await listUsers.expectStatus(200, 'OK');
  await expect(listUsers.root.getByRole('alert')).toHaveCount(0);
  await lesson.expectStepsDone(3, 8);

  // Edit the secret in the builder: the raw request follows, and the server refuses it.
  await tokenJson.field('client_secret').fill('not-the-secret');
  await expect(tokenJson.editor).toHaveValue(/"client_secret": "not-the-secret"/);
  await tokenJson.send();
  await tokenJson.expectStatus(401, 'Unauthorized');
  const why = tokenJson.explanation('invalid_client');
  await expect(why).toBeVisible();
  await expect(why.getByRole('heading', { name: 'What the server knew' })).toBeVisible();
  await expect(why.getByRole('listitem').filter({ hasText: 'failed:' })).not.toHaveCount(0);
  await expect(why.getByRole('link', { name: /RFC 6749 §5\.2/ })).toBeVisible();
  // Done stays done: experimenting after a step must not undo it.
  await lesson.expectStepsDone(3, 8);

  // Edit the raw text directly: a syntax error is shown with its line and column.
  const sourceBefore = await tokenJson.editor.inputValue();
  await tokenJson.editor.fill(`BOGUS LINE\n${sourceBefore}`);
  await expect(tokenJson.root.getByText('Line 1, column 1: Unknown method BOGUS')).toBeVisible();
  await expect(tokenJson.editor).toHaveAttribute('aria-invalid', 'true');
  await expect(tokenJson.field('client_secret')).toBeDisabled();
  await tokenJson.editor.fill(sourceBefore);
  await expect(tokenJson.root.getByText(/^Line 1, column \d+:/)).toHaveCount(0);

  // Reload: progress and the edited request are kept.
  await page.reload();
  await app.waitForMockServers();
  await lesson.expectStepsDone(3, 8);
  await expect(tokenJson.field('client_secret')).toHaveValue('not-the-secret');
  await expect(tokenJson.button('Reset request')).toBeEnabled();
  await expect(tokenJson.root.getByText(/Last answer before the reload: 401/)).toBeVisible();

  // Reset request puts the lesson's request back.
  await tokenJson.button('Reset request').click();
  await expect(tokenJson.field('client_secret')).toHaveValue('demo-secret');

  // The header's reset restores the servers and every lesson.
  await tokenJson.field('client_secret').fill('edited-again');
  await app.resetServer();
  await lesson.expectStepsDone(0, 8);
  await expect(tokenJson.field('client_secret')).toHaveValue('demo-secret');
  await expect(
    tokenJson.root.getByText('Press Send to see what the server answers.'),
  ).toBeVisible();
});

test('lessons home lists every lesson in order with its duration and progress', async ({
  page,
  mockReady: _,
}) => {
  const main = page.getByRole('main');
  const cards = main.getByRole('listitem');
  await expect(cards.first()).toContainText('What the client credentials grant is for');
  await expect(cards.nth(1)).toContainText('Your first token');
  await expect(cards.nth(1)).toContainText('8 min');
  await expect(
    main.getByRole('progressbar', { name: 'Your first token: progress' }),
  ).toHaveAttribute('value', '0');
  // Keyboard: the skip link is the first stop and lands on the main content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
});

test('Copy as curl and Copy as fetch put the request, variables filled, on the clipboard', async ({
  page,
  context,
  mockReady: _,
  lesson,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/lessons/first-token');
  const tokenJson = lesson.request('A token request with a JSON body');
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

  await tokenJson.button('Copy as curl').click();
  await expect(tokenJson.root.getByText('Copied')).toBeVisible();
  const curl = await clipboard();
  expect(curl).toMatch(/^curl /);
  expect(curl).toContain('https://auth.example.com/oauth/token');
  expect(curl).toContain('"client_secret": "demo-secret"');

  await tokenJson.sendAndExpect(200);
  const listUsers = lesson.request('List users with your token');
  await listUsers.button('Copy as fetch').click();
  await expect.poll(clipboard).toContain('await fetch(');
  const fetchCode = await clipboard();
  expect(fetchCode).toMatch(/Bearer eyJ/);
  expect(fetchCode).not.toContain('{{access_token}}');
});
