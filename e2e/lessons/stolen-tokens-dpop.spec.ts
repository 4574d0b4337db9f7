import { expect, test } from '../fixtures';
import { axeViolations, WCAG_21_AA } from '../fixtures/axe';
import { LessonPage } from '../fixtures/lesson-page';

test('stolen tokens and DPoP: a thief uses a bearer token, a bound token fails without its key, the forge’s DPoP cases, nonces, both exercises', async ({
  page,
  mockReady: _,
}) => {
  test.slow(); // five forge cases and a nonce round trip through the service worker
  const lesson = new LessonPage(page);
  await lesson.openFromHome('Stolen tokens and DPoP');

  await lesson.request('An ordinary bearer token').sendAndExpect(200, '200');
  await lesson.request('The thief uses your bearer token').sendAndExpect(200, '200');

  // The switch is on for the bound token's request: a proof goes with it, and is shown.
  const bound = lesson.request('A DPoP-bound token for dpop-client');
  const dpopSwitch = bound.root.getByRole('checkbox', { name: /Sender-constrained \(DPoP\)/ });
  await expect(dpopSwitch).toBeChecked();
  await bound.sendAndExpect(200, '200');
  await expect(bound.root.getByText(/"token_type": "DPoP"/)).toBeVisible();
  const proof = bound.root
    .getByRole('group')
    .filter({ hasText: 'DPoP proof sent with this request' });
  await expect(proof).toContainText('dpop+jwt');
  await expect(proof).toContainText('https://auth.example.com/oauth/token');
  await expect(proof.getByText(/^[A-Za-z0-9_-]{43}$/)).toBeVisible(); // the key's thumbprint
  const jkt = await proof.getByText(/^[A-Za-z0-9_-]{43}$/).textContent();

  // The inspector explains cnf and says the token is bound to this page's key.
  const inspector = lesson.jwt('A bound token');
  await expect(inspector.claim('cnf')).toContainText(jkt ?? 'missing');
  await expect(inspector.check('DPoP key binding')).toContainText('That is this page’s DPoP key.');

  await lesson.request('Call the API with the bound token and a proof').sendAndExpect(200, '200');

  // Switching DPoP off writes Bearer back and drops the proof header; on again restores both.
  const call = lesson.request('Call the API with the bound token and a proof');
  const callSwitch = call.root.getByRole('checkbox', { name: /Sender-constrained \(DPoP\)/ });
  await callSwitch.uncheck();
  await expect(call.editor).toHaveValue(/Authorization: Bearer \{\{dpop_token\}\}/);
  await expect(call.editor).not.toHaveValue(/DPoP: \{\{\$dpop\}\}/);
  await call.sendAndExpect(401);
  await callSwitch.check();
  await expect(call.editor).toHaveValue(
    /Authorization: DPoP \{\{dpop_token\}\}\nDPoP: \{\{\$dpop\}\}/,
  );

  expect(
    await lesson.negatives('What a thief can do with a bound token').replayAllAsExpected(),
  ).toBe(4);

  // The forge's DPoP cases.
  const lab = page.getByRole('region', { name: 'Lab Forge DPoP requests' });
  const stolen = lesson.exercise('Stop a stolen bound token');
  await stolen.checkNotYet();
  await lab.getByRole('button', { name: /^Stolen DPoP token, thief’s own key/ }).click();
  await expect(lab.getByRole('combobox', { name: 'How the token is sent' })).toHaveValue(
    'dpop-thief-key',
  );
  await lab.getByRole('button', { name: 'Send to GET /api/v1/users' }).click();
  const result = lab.getByRole('region', { name: 'What the API answered' });
  await expect(result).toContainText('Stopped at DPoP key binding (cnf.jkt)');
  await expect(result).toContainText('DPoP error="invalid_token"');
  await stolen.check();
  await stolen.expectPassed();
  await lab.getByRole('button', { name: 'Replay every case' }).click();
  await expect(lab.getByText('Every case ended where it should')).toBeVisible({ timeout: 30_000 });
  const replays = lab.getByRole('region', { name: 'Replayed cases' });
  await expect(replays.getByRole('row', { name: /Replayed DPoP proof/ })).toContainText(
    '✓ 401 at DPoP proof not used before (jti)',
  );
  await expect(replays.getByRole('row', { name: /DPoP proof for another URL/ })).toContainText(
    '✓ 401 at DPoP proof for this method and URL',
  );
  const every = lesson.exercise('Replay every DPoP case');
  await every.check();
  await every.expectPassed();

  // Nonces: refused once, with the nonce to use; the same request then goes through.
  await lesson.request('Nonces on').sendAndExpect(200, '200');
  const first = lesson.request('A proof without the nonce');
  await first.sendAndExpect(400, '400 use_dpop_nonce at checkDpopNonce');
  await expect(await first.responseHeader('dpop-nonce')).toHaveText(/^[A-Za-z0-9_-]+$/);
  const second = lesson.request('The same request, with the nonce');
  await second.sendAndExpect(200, '200');
  await expect(
    second.root.getByRole('group').filter({ hasText: 'DPoP proof sent with this request' }),
  ).toContainText('nonce');
  await lesson.request('Nonces off again').sendAndExpect(200, '200');

  // The exercise: ask for read:orders, keep the proof.
  const orders = lesson.exercise('Read the orders with a bound token');
  await orders.checkNotYet();
  const yourTurn = lesson.request('Your turn: a bound token for the orders');
  await yourTurn.replaceInRaw('scope=read:users', 'scope=read:orders');
  await yourTurn.sendAndExpect(200);
  await orders.check();
  await orders.expectPassed();

  expect(await axeViolations(page, { tags: WCAG_21_AA, impacts: ['serious', 'critical'] })).toEqual(
    [],
  );
  await lesson.expectComplete();
});
