import { expect, test } from '../fixtures';
import { axeViolations } from '../fixtures/axe';

test('private_key_jwt: build and sign in the lab, a replay refused, the attack’s shape under legacy and strict, every case replayed, close the hole', async ({
  page,
  mockReady: _,
  mockServer,
  lesson,
}) => {
  test.slow(); // ten cases signed in the page and replayed through the service worker
  await lesson.openFromHome('private_key_jwt done right');
  const lab = page.getByRole('region', { name: /Lab Build, sign and send a client assertion/ });
  const result = lab.getByRole('region', { name: 'What the token endpoint answered' });
  const checks = result.getByRole('list', {
    name: "The token endpoint's assertion checks, in order",
  });

  // The rule's own assertion, as the lab starts it: typed, aud = the issuer.
  await expect(lab.getByRole('textbox', { name: 'header typ value' })).toHaveValue(
    'client-authentication+jwt',
  );
  await expect(lab.getByRole('textbox', { name: 'payload aud value' })).toHaveValue(
    'https://auth.example.com',
  );
  await lab.getByRole('button', { name: 'Sign and send to POST /oauth/token' }).click();
  await expect(result).toContainText('200 a token');
  await expect(checks.getByRole('listitem').filter({ hasText: 'Audience' })).toContainText(
    'typed: aud is the issuer identifier',
  );
  await expect(checks.getByRole('listitem').filter({ hasText: 'jti never seen' })).toContainText(
    'passed',
  );

  // The same bytes again: refused at the jti check.
  const replay = lesson.exercise('Stop a replay');
  await replay.checkNotYet();
  await lab.getByRole('button', { name: 'Send the same assertion again' }).click();
  await expect(result).toContainText('401 invalid_client');
  await expect(result).toContainText('Refused at jti never seen before');
  await replay.check();
  await replay.expectPassed();

  // The attack's shape from an older client: a legacy server lets it in, a strict one does not.
  await lab
    .getByRole('button', { name: /^The audience attack’s shape, from an older client/ })
    .click();
  await expect(lab.getByRole('textbox', { name: 'payload aud value' })).toHaveValue(
    'https://auth.example.com/oauth/token',
  );
  await lab.getByRole('button', { name: 'Sign and send to POST /oauth/token' }).click();
  await expect(result).toContainText('200 a token');
  await expect(checks.getByRole('listitem').filter({ hasText: 'Audience' })).toContainText(
    'RFC 7523 allowed',
  );
  await lab.getByRole('radio', { name: /assertionAudience: strict/ }).check();
  await lab.getByRole('button', { name: 'Sign and send to POST /oauth/token' }).click();
  await expect(result).toContainText('401 invalid_client');
  await expect(result).toContainText('assertionAudience: strict');
  const attack = lesson.exercise("Refuse the attack's shape");
  await attack.check();
  await attack.expectPassed();
  // The lab switched the server only for its own requests.
  expect((await mockServer.settings()).assertionAudience).toBe('legacy');

  // Every case, under strict, then under legacy: each answers as the table says.
  await lab.getByRole('button', { name: 'Replay every case' }).click();
  await expect(lab.getByText('Every case answered as expected (strict)')).toBeVisible({
    timeout: 30_000,
  });
  await lab.getByRole('radio', { name: /assertionAudience: legacy/ }).check();
  await lab.getByRole('button', { name: 'Replay every case' }).click();
  await expect(lab.getByText('Every case answered as expected (legacy)')).toBeVisible({
    timeout: 30_000,
  });
  const replays = lab.getByRole('region', { name: 'Replayed cases' });
  await expect(replays.getByRole('row', { name: /Typed, aud = \[the issuer\]/ })).toContainText(
    '✓ 401 at audience',
  );
  // The lab with a result and the replay table on screen: no accessibility violation of any kind.
  expect(await axeViolations(page, { include: '.assertion-lab' })).toEqual([]);

  // The walk-through: the attack's shape by hand.
  expect(
    await lesson.negatives('Typed assertions naming anything but the issuer').replayAllAsExpected(),
  ).toBe(2);
  await lesson
    .request('Untyped, aud = the token endpoint, on a legacy server')
    .sendAndExpect(200, '200');
  await lesson.request('assertionAudience: strict').sendAndExpect(200, '200');
  expect(await lesson.negatives('What a strict server refuses').replayAllAsExpected()).toBe(2);
  await lesson.request('Typed, aud = the issuer, on a strict server').sendAndExpect(200, '200');
  await lesson.request('Back to legacy').sendAndExpect(200, '200');

  // Close the hole: the settings block edited to strict.
  const close = lesson.exercise('Close the hole');
  await close.checkNotYet();
  const settings = lesson.request("Your turn: the server's audience rule");
  await settings.replaceInRaw('"legacy"', '"strict"');
  await settings.sendAndExpect(200, '200');
  await close.check();
  await close.expectPassed();

  await lesson.expectComplete();
});
