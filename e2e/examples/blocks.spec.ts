/**
 * The e2e/README.md examples for a request panel, a JWT inspector, a negative-case table and an
 * exercise: each README snippet is a run of lines from here (test/e2e-readme.test.ts holds them
 * to it), so every one of them runs.
 */
import { expect, test } from '../fixtures';

test('a request panel: edit, send, read the explanation, use the builder, pass the exercise', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open('/lessons/first-token');
  await lesson.waitForBlocks();

  const panel = lesson.request('Your turn: edit and send');
  await panel.replaceInRaw('demo-secret', 'wrong'); // change one piece of the raw request
  await panel.sendWithKeyboard(); // Ctrl/Cmd+Enter in the editor; or panel.send()
  await panel.expectAnswer(401); // the status line (this block states no expectation)
  await expect(panel.explanation('invalid_client')).toContainText('What the server knew');

  await panel.builderField('client_id').fill('orders-service'); // the token builder
  await panel.builderField('client_secret').fill('orders-secret');
  await panel.scopeCheckbox('read:users').uncheck();
  await panel.scopeCheckbox('read:orders').check();
  await panel.send();
  await panel.expectAnswer(200);

  const exercise = lesson.exercise('A token that can read orders');
  await exercise.check();
  await exercise.expectPassed();

  await panel.button('Export as Playwright test').click();
  await expect(
    panel.root.getByRole('region', { name: 'Playwright test try-it.spec.ts' }),
  ).toBeVisible();
});

test('a block that states its expectation shows the badge; a JWT inspector explains the token', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open('/lessons/first-token');
  await lesson.waitForBlocks();

  const token = lesson.request('A token request with a JSON body'); // expect=200 in the lesson
  await token.sendAndExpect(200, '200'); // the status line and the "✓ Expected 200" badge
  const denied = lesson.request('Try a write with a read-only token');
  await denied.sendAndExpect(403, '403 insufficient_scope');

  const inspector = lesson.jwt('Your token, decoded');
  await inspector.expectVerified();
  await expect(inspector.claim('scope')).toContainText('read:users');
  await expect(inspector.check('Signature')).toContainText('passed');
});

test('a negative-case table: replay every case, open one', async ({
  app,
  lesson,
  mockReady: _,
}) => {
  await app.open('/lessons/what-to-test');
  await lesson.waitForBlocks();
  // The cases use the token and the expired token these two requests save.
  await lesson.request('Valid credentials and scope: 200 with a token').sendAndExpect(200, '200');
  await lesson.request('An expired token').sendAndExpect(200, '200');

  const table = lesson.negatives('Requests that must fail, and how');
  await table.replayAllAsExpected(); // "N of N as expected.", every row ✓
  const details = await table.expand('Missing grant_type');
  await expect(details).toContainText('invalid_request');
});
