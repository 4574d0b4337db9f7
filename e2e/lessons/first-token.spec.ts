import { expect, test } from '../fixtures';
import { tabTo } from '../fixtures/lesson-page';

/**
 * lesson-first-token.spec.ts covers sending, editing, errors, reload and reset with the mouse.
 * This journey does the whole lesson to "Complete" with the keyboard only: Tab, Enter,
 * Ctrl+Enter, Space and typing.
 */
test('first-token (keyboard only): every step, the negative case, the inspector and the exercise, to complete', async ({
  page,
  mockReady: _,
  lesson,
}) => {
  const press = (key: string) => page.keyboard.press(key);

  // The skip link is the first stop; then on to the lesson card.
  await press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await tabTo(page, lesson.main.getByRole('link', { name: /^Lesson 2: Your first token$/ }));
  await press('Enter');
  await expect(
    lesson.main.getByRole('heading', { level: 1, name: 'Your first token' }),
  ).toBeVisible();
  await lesson.expectStepsDone(0, 8);

  // Send with Enter on the Send button...
  const tokenJson = lesson.request('A token request with a JSON body');
  await tabTo(page, tokenJson.button('Send'));
  await press('Enter');
  await tokenJson.expectAnswer(200, '200');

  // ...and with Ctrl+Enter from the raw editor.
  const tokenForm = lesson.request('The same request, form-encoded');
  await tabTo(page, tokenForm.editor);
  await press('Control+Enter');
  await tokenForm.expectAnswer(200, '200');

  const listUsers = lesson.request('List users with your token');
  await tabTo(page, listUsers.button('Send'));
  await press('Enter');
  await listUsers.expectAnswer(200, '200');

  const noToken = lesson.negatives('The API without a token');
  await tabTo(page, noToken.root.getByRole('button', { name: 'Replay all', exact: true }));
  await press('Enter');
  expect(await noToken.expectAllAsExpected()).toBe(1);
  await expect(noToken.row('No Authorization header')).toContainText('✓ as expected');

  const inspector = lesson.jwt('Your token, decoded');
  await expect(inspector.claim('client_id')).toContainText('demo-client');
  await inspector.expectVerified();

  const denied = lesson.request('Try a write with a read-only token');
  await tabTo(page, denied.button('Send'));
  await press('Enter');
  await denied.expectAnswer(403, '403 insufficient_scope');

  const introspect = lesson.request('Ask the server about your token');
  await tabTo(page, introspect.button('Send'));
  await press('Enter');
  await introspect.expectAnswer(200, '200');
  await expect(introspect.root.getByText(/"active": true/)).toBeVisible();
  await lesson.expectStepsDone(6, 8);

  // The exercise, typed into the builder: orders-service, read:orders instead of read:users.
  const tryIt = lesson.request('Your turn: edit and send');
  const exercise = lesson.exercise('A token that can read orders');
  await tabTo(page, tryIt.field('client_id'));
  await press('ControlOrMeta+A');
  await page.keyboard.type('orders-service');
  await tabTo(page, tryIt.field('client_secret'));
  await press('ControlOrMeta+A');
  await page.keyboard.type('orders-secret');
  await tabTo(page, tryIt.scopeCheckbox('read:users'));
  await press('Space');
  await expect(tryIt.scopeCheckbox('read:users')).not.toBeChecked();
  await tabTo(page, tryIt.scopeCheckbox('read:orders'));
  await press('Space');
  await expect(tryIt.editor).toHaveValue(/client_id=orders-service&client_secret=orders-secret/);
  await tabTo(page, tryIt.editor);
  await press('Control+Enter');
  await tryIt.expectAnswer(200);
  await exercise.expectPassed();

  await lesson.expectComplete();
  // The inspector still explains the token the request above it saved.
  await expect(inspector.claim('client_id')).toContainText('demo-client');
});
