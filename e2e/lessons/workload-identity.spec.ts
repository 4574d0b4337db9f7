import { expect, test } from '../fixtures';
import { FlowDiagram } from '../fixtures/blocks';

test('workload identity: the three parties, play the platform, exchange, every refusal, expiry on a frozen clock, both challenges', async ({
  page,
  mockReady: _,
  mockServer,
  lesson,
}) => {
  await lesson.openFromHome('No secret at all (workload identity federation)');

  const flow = new FlowDiagram(page, 'Workload identity federation');
  await expect(flow.image).toBeVisible();
  // The diagram's description (its accessible text) lists the arrows as sentences.
  await expect(flow.image).toHaveAccessibleDescription(
    /1\. The client sends POST \/workload-token \(the job it runs\) to the workload platform\..*4\. The authorization server sends GET \/\.well-known\/jwks\.json/,
  );

  await lesson.request("The platform's metadata").sendAndExpect(200, '200');
  await lesson.request('A workload token for main').sendAndExpect(200, '200');
  const token = lesson.jwt('What the platform signed');
  await expect(token.claim('iss')).toContainText('https://ci.example.com');
  await expect(token.claim('sub')).toContainText('repo:acme/warehouse-sync:ref:refs/heads/main');
  await lesson.request('warehouse-sync, as the server holds it').sendAndExpect(200, '200');
  await lesson.request('Workload token in, access token out').sendAndExpect(200, '200');
  await lesson.request('The access token works').sendAndExpect(200, '200');

  await lesson.request('A token for the feature branch').sendAndExpect(200, '200');
  await lesson.request('A main-branch token for another audience').sendAndExpect(200, '200');
  const refusals = lesson.negatives('Ways the exchange is refused');
  expect(await refusals.replayAllAsExpected()).toBe(6);
  // The description names what did not match; what was expected stays in the server's log.
  const branch = await refusals.expand('Another branch');
  await expect(branch).toContainText('matches no federated credential of warehouse-sync');
  await expect(branch).toContainText(
    'expected subject(s): repo:acme/warehouse-sync:ref:refs/heads/main',
  );

  // Expiry: the lesson's clock is frozen; only the step moves it, and the next puts it back.
  expect((await mockServer.clock()).frozen).toBe(true);
  await lesson.request('A token that lives 60 seconds').sendAndExpect(200, '200');
  await lesson.request('Ten minutes later').sendAndExpect(200, '200');
  await lesson
    .request('The expired token, exchanged')
    .sendAndExpect(401, '401 invalid_client at checkFederatedExpiry');
  await lesson.request('Clock back').sendAndExpect(200, '200');

  // Challenge 1: the job asks for the wrong audience, then the right one.
  const asks = lesson.request('Your turn: the job asks its platform');
  const audience = lesson.exercise('Ask for the audience the server trusts');
  await asks.sendAndExpect(200);
  await audience.checkNotYet();
  await expect(audience.root).toContainText('audience');
  await asks.replaceInRaw(
    '"audience": "https://api.example.com"',
    '"audience": "https://auth.example.com"',
  );
  await asks.sendAndExpect(200);
  await audience.check();
  await audience.expectPassed();

  // Challenge 2: trust the release tag beside main.
  await lesson.request("The release job's workload token").sendAndExpect(200, '200');
  const release = lesson.exercise('Trust the release job too');
  await release.checkNotYet();
  const credentials = lesson.request("Your turn: warehouse-sync's federated credentials");
  await credentials.replaceInRaw(
    '"audience": "https://auth.example.com"}\n  ],',
    '"audience": "https://auth.example.com"},\n    {"issuer": "https://ci.example.com", "subject": "repo:acme/warehouse-sync:ref:refs/tags/v1.0.0", "audience": "https://auth.example.com"}\n  ],',
  );
  await credentials.sendAndExpect(200, '200');
  await release.check();
  await release.expectPassed();

  await lesson.expectComplete();
});
