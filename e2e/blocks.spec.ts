import {
  ExercisePanel,
  expect,
  FlowDiagram,
  JwtInspector,
  NegativeCasesTable,
  test,
} from './fixtures';

test('flow, JWT inspector and exercise: the diagram reads as steps, a token is decoded and verified, the exercise passes right after the right request', async ({
  page,
  app,
  mockReady: _,
  lesson,
}) => {
  // Lesson 1: the diagram is one image whose description lists the numbered messages.
  await app.open('/lessons/what-and-why');
  const flow = new FlowDiagram(page, 'Client credentials, from credentials to data');
  await expect(flow.image).toBeVisible();
  await expect(flow.image).toHaveAccessibleDescription(
    /^1\. The client sends POST \/oauth\/token .*2\. The authorization server answers \{ access_token, expires_in \}.*4\. The resource API answers.*This lesson focuses on the token request\.$/,
  );

  // Lesson 2: before any token, the inspector says what to do.
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  const inspector = new JwtInspector(page, 'Your token, decoded');
  await inspector.expectEmpty();

  const tokenJson = lesson.request('A token request with a JSON body');
  await tokenJson.send();
  await tokenJson.expectStatus(200, 'OK');

  // The token is decoded, every claim explained, the highlighted ones marked...
  await expect(inspector.table('Header')).toBeVisible();
  await expect(inspector.claim('typ')).toContainText('at+jwt');
  await expect(inspector.claim('alg')).toContainText('ES256');
  await expect(inspector.claim('sub')).toContainText('demo-client');
  await expect(inspector.claim('sub')).toContainText('look here');
  await expect(inspector.claim('scope')).toContainText('read:users');
  await expect(inspector.claim('aud')).toContainText('https://api.example.com');
  await expect(inspector.claim('aud')).not.toContainText('look here');
  await expect(inspector.claim('exp')).toContainText(/expires in (60:00|59:[0-5]\d)/);
  await expect(inspector.claim('jti')).toContainText('Token id');
  // ...and checked as the API checks it, with the JWKS found through discovery.
  await inspector.expectVerified();
  await expect(inspector.root).toContainText('https://auth.example.com/.well-known/jwks.json');
  await expect(inspector.check('Signature')).toContainText(/passed.*Signed by key/);
  await expect(inspector.checks.filter({ hasText: 'failed' })).toHaveCount(0);
  await expect(inspector.check('Time window')).toContainText('passed');

  // The countdown follows the SERVER's clock: move it past exp and the API's check fails there.
  await page.evaluate(() =>
    fetch('https://auth.example.com/__admin/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 3600 + 180 }),
    }),
  );
  await expect(inspector.claim('exp')).toContainText('expired 3 min ago');
  await expect(inspector.check('Time window')).toContainText(/failed.*exp: expired/);
  await expect(inspector.check('Not revoked')).toContainText('not reached');
  await expect(inspector.check('Signature')).toContainText('passed');
  await page.evaluate(() =>
    fetch('https://auth.example.com/__admin/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: -(3600 + 180) }),
    }),
  );

  // The exercise: a Check before the right token says exactly what is missing.
  const exercise = new ExercisePanel(page, 'A token that can read orders');
  await exercise.showHint();
  await expect(exercise.root.getByText(/orders-service \(secret orders-secret\)/)).toBeVisible();
  await exercise.check();
  await expect(exercise.result).toContainText('Not yet.');
  await expect(exercise.result).toContainText(
    'The token’s scope is “read:users”; it lacks read:orders.',
  );

  // The right request, edited and sent: the exercise passes on its own, no Check needed.
  const tryIt = lesson.request('Your turn: edit and send');
  await tryIt.editor.fill(
    [
      'POST https://auth.example.com/oauth/token',
      'Content-Type: application/x-www-form-urlencoded',
      '',
      'grant_type=client_credentials&client_id=orders-service&client_secret=orders-secret&scope=read:orders',
    ].join('\n'),
  );
  await tryIt.send();
  await tryIt.expectStatus(200, 'OK');
  await expect(exercise.result).toHaveText(/Done! Every check passes\./);
  // The inspector keeps explaining the token of the request above it, not the newest one.
  await expect(inspector.claim('client_id')).toContainText('demo-client');
  await inspector.expectVerified();

  // Progress is kept: after a reload the exercise is still done.
  await page.reload();
  await app.waitForMockServers();
  await expect(exercise.result).toHaveText(/Done! You completed this exercise earlier\./);
});

test('negative cases: Replay all runs every case in order and each one fails as expected', async ({
  page,
  app,
  mockReady: _,
  lesson,
}) => {
  await app.open('/lessons/what-to-test');
  await app.waitForMockServers();
  // Two cases use a valid token and an expired one: get them first.
  const token = lesson.request('Valid credentials and scope: 200 with a token');
  await token.send();
  await token.expectStatus(200, 'OK');
  const expired = lesson.request('An expired token');
  await expired.send();
  await expired.expectStatus(200, 'OK');

  const table = new NegativeCasesTable(page, 'Requests that must fail, and how');
  await expect(table.rows().first()).toBeVisible();
  const count = await table.rows().count();
  expect(count).toBeGreaterThanOrEqual(5);
  await expect(table.summary).toHaveText('Not run yet: press Replay all, or replay one case.');

  // Each Replay button is named "Replay" and described by its case's name.
  await expect(table.replayButton('Missing grant_type')).toHaveAccessibleName('Replay');
  await expect(table.replayButton('Missing grant_type')).toHaveAccessibleDescription(
    'Missing grant_type',
  );

  const started = Date.now();
  await table.replayAll();
  await table.expectAllAsExpected();
  const elapsed = Date.now() - started;
  test.info().annotations.push({
    type: 'replay-all',
    description: `${count} cases in ${elapsed} ms (including Playwright's polling)`,
  });
  expect(elapsed, `Replay all of ${count} cases took ${elapsed} ms`).toBeLessThan(5000);
  await expect(table.rows().filter({ hasText: '✓ as expected' })).toHaveCount(count);

  // The live facts are in the table: status, error and the challenge.
  await expect(table.row('Missing grant_type')).toContainText('400');
  await expect(table.row('Missing grant_type')).toContainText('invalid_request');

  // A row expands to the request sent, the full response and the explanation.
  const details = await table.expand('Missing grant_type');
  await expect(details.getByRole('heading', { name: 'Request sent' })).toBeVisible();
  await expect(details).toContainText('POST https://auth.example.com/oauth/token');
  await expect(details).toContainText(/HTTP\/1\.1 400/);
  await expect(
    details.getByRole('heading', { name: /invalid_request: The request is malformed/ }),
  ).toBeVisible();
  await expect(details.getByRole('heading', { name: 'What the server checked' })).toBeVisible();

  // Replaying one case after changing the server changes only that row.
  await table.replayButton('Missing grant_type').click();
  await expect(table.summary).toHaveText(`${count} of ${count} as expected.`);
});
