import { expect, test } from '../fixtures';
import { referenceSolution } from '../fixtures/lesson-walk';

test('sending-credentials: every parameter, the three auth methods, one method only, both exercises through the builder', async ({
  mockReady: _,
  lesson,
}) => {
  await lesson.openFromHome('Sending your credentials');
  await lesson.expectStepsDone(0, 17);

  // Two scopes in one form body; the inspector shows both in one claim and verifies the token.
  await lesson.request('Two scopes, space-separated').sendAndExpect(200, '200');
  const bothScopes = lesson.jwt('Both scopes, in one claim');
  await expect(bothScopes.claim('scope')).toContainText('read:orders');
  await expect(bothScopes.claim('scope')).toContainText('write:orders');
  await bothScopes.expectVerified();

  // audience (vendor) and resource (RFC 8707) both name the one API; unknown ones are refused.
  await lesson.request('Name the API the vendor way (audience)').sendAndExpect(200, '200');
  await lesson.request('Name the API the RFC 8707 way (resource)').sendAndExpect(200, '200');
  expect(
    await lesson.negatives('An API this server does not issue tokens for').replayAllAsExpected(),
  ).toBe(2);

  // The Basic header, then the form-urlencode-before-base64 rule with awkward characters.
  const basic = lesson.request('demo-client with the Basic header');
  await basic.sendAndExpect(200, '200');
  await lesson.request('Register a client with awkward characters').sendAndExpect(200, '200');
  const encoded = lesson.request('Encoded as RFC 6749 §2.3.1 asks');
  await encoded.sendAndExpect(200, '200');
  await expect(encoded.root.getByText('saved')).toHaveCount(0);
  const unencoded = lesson.negatives('Base64 without form-encoding first');
  await unencoded.replayAllAsExpected();
  await expect(unencoded.row('Raw base64 of id:secret')).toContainText('invalid_client');
  await expect(unencoded.row('Raw base64 of id:secret')).toContainText('Basic realm=');

  // private_key_jwt: the page signs a fresh assertion; the token names signing-client.
  await lesson.request('signing-client proves itself with a signature').sendAndExpect(200, '200');
  const signed = lesson.jwt('The access token signing-client received');
  await expect(signed.claim('sub')).toContainText('signing-client');
  await expect(signed.claim('scope')).toContainText('read:orders');
  await signed.expectVerified();

  // Exactly one method: mixing or missing methods fail the documented way.
  expect(await lesson.negatives('Mixing or missing methods').replayAllAsExpected()).toBe(4);

  // Exercise 1, in the builder: orders-service through the Basic header, write:orders only.
  const tryBasic = lesson.request('Your turn: edit and send');
  const writeOnly = lesson.exercise('Only what you need, through the header');
  await tryBasic.clientPicker.selectOption('orders-service');
  await expect(tryBasic.field('client_secret')).toHaveValue('orders-secret');
  await expect(tryBasic.root.getByRole('radio', { name: /Basic/ })).toBeChecked();
  await tryBasic.scopeCheckbox('read:users').uncheck();
  await tryBasic.scopeCheckbox('write:orders').check();
  await expect(tryBasic.editor).toHaveValue(/^Authorization: Basic /m);
  await expect(tryBasic.editor).toHaveValue(/scope=write(:|%3A)orders$/m);
  await tryBasic.sendAndExpect(200);
  await writeOnly.expectPassed();

  // Exercise 2: name an API the server does not know, in the audience field.
  const invalidTarget = lesson.exercise('Make the server say invalid_target');
  await tryBasic.builderField('audience').fill('https://billing.example.com');
  await tryBasic.sendAndExpect(400);
  await expect(tryBasic.explanation('invalid_target')).toBeVisible();
  await invalidTarget.expectPassed();
  // The failed request did not undo the first exercise.
  await writeOnly.expectPassed();

  // Write it yourself: the reference solution, typed into the editor, passes every test.
  await lesson
    .codeExercise('Build the Basic header')
    .solve(referenceSolution('sending-credentials', 'basic-header'));

  await lesson.expectComplete();
});
