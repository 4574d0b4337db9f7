import { expect, test } from '../fixtures';
import { axeViolations, WCAG_21_AA } from '../fixtures/axe';

test('behaviour profiles: the out-of-scope request and the same-second request replayed side by side', async ({
  page,
  mockReady: _,
  mockServer,
  lesson,
}) => {
  await lesson.openFromHome('When servers differ');
  const lab = page.getByRole('region', { name: /One request, three servers/ });
  const answers = lab.getByRole('region', { name: 'Answers side by side' });
  const column = (name: string) =>
    answers.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });

  // Case 1: a scope the client may not have, under all three profiles.
  await lab.getByRole('button', { name: 'Replay under each profile' }).click();
  await expect(column('Strict RFC (default)')).toContainText('400 invalid_scope: no token at all.');
  await expect(column('Down-scoping')).toContainText('200: a token for "read:users" only.');
  await expect(column('Server-side token cache')).toContainText('400 invalid_scope');
  await expect(
    column('Down-scoping').getByRole('link', { name: /RFC 6749 §3\.3/ }),
  ).toHaveAttribute('href', 'https://www.rfc-editor.org/rfc/rfc6749#section-3.3');
  await lesson.exercise('Two answers to one request').check();
  await lesson.exercise('Two answers to one request').expectPassed();

  // The replay put the server back on strict RFC.
  const profile = await mockServer.call('GET', '/profile');
  expect(JSON.parse(profile.text)).toMatchObject({ profile: 'strict-rfc' });

  // Fewer than two profiles: a clear message, no replay.
  await lab.getByRole('checkbox', { name: /^Down-scoping/ }).uncheck();
  await lab.getByRole('checkbox', { name: /^Server-side token cache/ }).uncheck();
  await expect(lab.getByRole('alert')).toHaveText('Pick at least two profiles to compare.');
  await expect(lab.getByRole('button', { name: 'Replay under each profile' })).toBeDisabled();

  // Case 2: the same request twice in one second, strict RFC against the server-side cache.
  await lab.getByRole('checkbox', { name: /^Server-side token cache/ }).check();
  await lab.getByRole('radio', { name: /The same token request twice in one second/ }).check();
  await expect(lab).toContainText('Sent twice, back to back, in one server second:');
  const reuse = lesson.exercise('Same second, same token?');
  await reuse.check();
  await expect(reuse.result).toContainText('Not yet.');
  await lab.getByRole('button', { name: 'Replay under each profile' }).click();
  await expect(column('Strict RFC (default)')).toContainText('Two different access tokens');
  await expect(column('Server-side token cache')).toContainText('The same access_token both times');
  await reuse.check();
  await reuse.expectPassed();

  // The lab, filled in, has no serious or critical WCAG 2.1 AA violation.
  expect(
    await axeViolations(page, {
      include: '.profiles-lab',
      tags: WCAG_21_AA,
      impacts: ['serious', 'critical'],
    }),
  ).toEqual([]);

  // Keep a profile on: the server (and its /__admin API) now uses it.
  await lab
    .getByRole('button', { name: 'Keep the server on this: Server-side token cache' })
    .click();
  await expect(lab.getByText('Server now: Server-side token cache')).toBeVisible();
  const kept = await mockServer.call('GET', '/profile');
  expect(JSON.parse(kept.text)).toMatchObject({ profile: 'server-side-cache' });
});
