import { expect, test } from '../fixtures';

test('what-to-test: happy paths, every negative, fifty scopes, two tokens with separate lives, security cases, capped leeway, the exercise', async ({
  mockServer,
  lesson,
}) => {
  await lesson.openFromHome('What to test');
  const start = await mockServer.clock();
  await lesson.expectStepsDone(0, 34);

  await lesson.request('Valid credentials and scope: 200 with a token').sendAndExpect(200, '200');
  await lesson
    .request('The token works on the endpoint its scope covers')
    .sendAndExpect(200, '200');
  await lesson.request('An expired token').sendAndExpect(200, '200');
  expect(await lesson.negatives('Requests that must fail, and how').replayAllAsExpected()).toBe(7);

  // Fifty scopes: refused for demo-client, granted to a client allowed all fifty.
  expect(await lesson.negatives('Fifty scopes, one allowed').replayAllAsExpected()).toBe(1);
  await lesson.request('A client allowed fifty scopes').sendAndExpect(200, '200');
  const fifty = lesson.request('Fifty scopes, all allowed');
  await fifty.sendAndExpect(200);
  await expect(fifty.root.getByText(/read:area-50/).first()).toBeVisible();

  // Two requests, two tokens: different jti, separate lives.
  await lesson.request('Token A').sendAndExpect(200, '200');
  await lesson.request('Token B').sendAndExpect(200, '200');
  const jtiA = lesson.jwt('Token A').claim('jti');
  const jtiB = lesson.jwt('Token B').claim('jti');
  await expect(jtiA).toBeVisible();
  await expect(jtiB).toBeVisible();
  expect(await jtiA.textContent()).not.toBe(await jtiB.textContent());
  await lesson.jwt('Token A').expectVerified();
  await lesson.jwt('Token B').expectVerified();

  await lesson.request('Revoke token A').sendAndExpect(200, '200');
  await lesson
    .request('Token A is refused')
    .sendAndExpect(401, '401 invalid_token at checkNotRevoked');
  await lesson.request('Token B still works').sendAndExpect(200, '200');
  const activeB = lesson.request('Token B is active');
  await activeB.sendAndExpect(200, '200');
  await expect(activeB.root.getByText(/"active": true/)).toBeVisible();
  const inactiveA = lesson.request('Token A is not');
  await inactiveA.sendAndExpect(200, '200');
  await expect(inactiveA.root.getByText(/"active": false/)).toBeVisible();

  // Security.
  await lesson.request('A token from another issuer').sendAndExpect(200, '200');
  await lesson.request('A token for another API').sendAndExpect(200, '200');
  const security = lesson.negatives('What the API must refuse');
  expect(await security.replayAllAsExpected()).toBe(4);
  await expect(security.row('Token only in the URL')).toContainText('invalid_request');
  await expect(security.row('Token in the URL and in the header')).toContainText('invalid_request');

  // The clock-skew window: an hour of leeway is capped at 300 s.
  const leeway = lesson.request('Ask for a one-hour leeway');
  await leeway.sendAndExpect(200, '200');
  await expect(leeway.root.getByText(/"leewaySeconds": 300/)).toBeVisible();
  await lesson.request('A fresh token').sendAndExpect(200, '200');
  await lesson.request('Clock + 3960 s (exp was 6 minutes ago)').sendAndExpect(200, '200');
  expect(await lesson.negatives('Outside the window').replayAllAsExpected()).toBe(1);
  await lesson.request('Clock back').sendAndExpect(200, '200');
  await lesson.request('Leeway back to 60 s').sendAndExpect(200, '200');
  expect(await mockServer.clock()).toMatchObject({ now: start.now, frozen: true });

  // The exercise, in the builder: orders-service with no scope parameter gets all its scopes.
  const exercise = lesson.exercise('Test the default scope');
  const tryToken = lesson.request('Your turn: a token request');
  await tryToken.clientPicker.selectOption('orders-service');
  await tryToken.scopeCheckbox('read:users').uncheck();
  await expect(tryToken.editor).not.toHaveValue(/scope=/);
  await tryToken.sendAndExpect(200);
  await exercise.expectPassed();

  await lesson.expectComplete();
});
