import { expect, test } from '../fixtures';
import { referenceSolution } from '../fixtures/lesson-walk';

test('common-mistakes: the five mistakes reproduced live, then play the attacker and read the secret from the vault', async ({
  mockServer,
  lesson,
}) => {
  await lesson.openFromHome('Five common mistakes');
  const start = await mockServer.clock();
  await lesson.expectStepsDone(0, 24);

  // 1. A secret in front-end code travels in every request body.
  const spa = lesson.request('What a browser app would send');
  await spa.sendAndExpect(200, '200');
  await expect(spa.editor).toHaveValue(/"client_secret": "orders-secret"/);

  // 2. Ignoring expires_in: an hour later every call fails.
  await lesson.request('A token, fetched once').sendAndExpect(200, '200');
  await lesson.request('Clock + 3700 s').sendAndExpect(200, '200');
  const cascade = lesson.negatives('An hour later, in production');
  expect(await cascade.replayAllAsExpected()).toBe(2);
  await expect(cascade.row("The sync job's first call")).toContainText('failed the exp check');
  await lesson.request('Clock back').sendAndExpect(200, '200');
  expect(await mockServer.clock()).toMatchObject({ now: start.now, frozen: true });

  // 3. The log: the secret in the body is redacted.
  await lesson.request('A token request with the secret in its body').sendAndExpect(200, '200');
  const log = lesson.request("The server's request log: its three newest token requests");
  await log.sendAndExpect(200, '200');
  await expect(log.root.getByText(/client_secret=%5Bredacted%5D/).first()).toBeVisible();
  await expect(log.root.getByText(/client_secret=demo-secret/)).toHaveCount(0);
  // Bounded: three entries, newest first, not the whole log of every lesson so far.
  const body = (await log.root.getByText(/"entries"/).textContent()) ?? '';
  expect(body.match(/"endpoint": "token"/g)).toHaveLength(3);

  // 4. Loose scope matching: two scopes are accepted, one character off is not.
  await lesson.request('A token with two scopes').sendAndExpect(200, '200');
  await lesson.request('Accepted by the read endpoint').sendAndExpect(200, '200');
  await lesson.request('A token with scope read:user').sendAndExpect(200, '200');
  expect(await lesson.negatives('One character off').replayAllAsExpected()).toBe(2);

  // 5. A secret in git: rotation makes the committed one worthless for new tokens (not for tokens
  // already minted); the vault holds the new one.
  await lesson.request('billing-export, with the secret from the repo').sendAndExpect(200, '200');
  await lesson.request('A token got with the committed secret').sendAndExpect(200, '200');
  await lesson.request('Rotate the secret').sendAndExpect(200, '200');
  expect(await lesson.negatives('The secret from the repository').replayAllAsExpected()).toBe(1);
  // Rotation does not kill a token minted before it.
  await lesson.request('The token minted before the rotation').sendAndExpect(200, '200');
  const vault = lesson.request('Read the current secret from the vault');
  await vault.sendAndExpect(200, '200');
  await expect(vault.root.getByText('saved {{vault_secret}}')).toBeVisible();

  // Exercise 1, in the builder: the leaked orders-service credentials, asking for write:orders.
  const attacker = lesson.exercise('Play the attacker');
  const tryAttack = lesson.request('Your turn: a token request');
  await tryAttack.clientPicker.selectOption('orders-service');
  await tryAttack.scopeCheckbox('write:orders').check();
  await tryAttack.sendAndExpect(200);
  await attacker.expectPassed();

  // Exercise 2, in the raw editor: the vault's secret instead of the committed one.
  const fromVault = lesson.exercise('Read the secret from the vault');
  const tryVault = lesson.request('Your turn: billing-export asks for a token');
  await tryVault.sendAndExpect(401);
  await expect(fromVault.result).not.toContainText('Done');
  await tryVault.replaceInRaw(
    'client_secret=committed-to-git-2024',
    'client_secret={{vault_secret}}',
  );
  await tryVault.sendAndExpect(200);
  await fromVault.expectPassed();

  // Write it yourself: the reference solution, typed into the editor, passes every test.
  await lesson
    .codeExercise('Scrub secrets before they are logged')
    .solve(referenceSolution('common-mistakes', 'scrub-log'));

  await lesson.expectComplete();
});
