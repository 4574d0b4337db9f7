/**
 * Two tabs of the playground, one server (docs/decisions/one-server-for-all-tabs.md): what one
 * tab does, the other sees at once — revocations, keys, clients, the clock, settings, the log —
 * and nothing is lost when either saves, closes or reloads. Two pages of one browser context are
 * two tabs of one browser profile.
 */
import type { BrowserContext, Page } from '@playwright/test';
import {
  API_ORIGIN,
  AppPage,
  expect,
  fetchInPage,
  ISSUER,
  LessonPage,
  MockServerAdmin,
  ServerConsolePage,
  test,
} from './fixtures';

async function openTab(context: BrowserContext, path = '/'): Promise<Page> {
  const page = await context.newPage();
  const app = new AppPage(page);
  await app.open(path);
  await app.waitForMockServers();
  return page;
}

async function tokenIn(page: Page, client = 'demo-client', secret = 'demo-secret') {
  const answer = await fetchInPage(page, `${ISSUER}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${client}&client_secret=${secret}`,
  });
  expect(answer.status, answer.text).toBe(200);
  expect(answer.fromServiceWorker).toBe(true);
  return JSON.parse(answer.text).access_token as string;
}

async function usersStatus(page: Page, token: string): Promise<number> {
  const answer = await fetchInPage(page, `${API_ORIGIN}/api/v1/users`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return answer.status;
}

async function clientIds(admin: MockServerAdmin): Promise<string[]> {
  return (await admin.clients<{ client_id: string }>()).map((client) => client.client_id);
}

test('what one tab does, the other sees at once, and a closed or reloaded tab loses nothing', async ({
  context,
}) => {
  const a = await openTab(context);
  const adminA = new MockServerAdmin(a);
  await adminA.reset();
  const b = await openTab(context);
  const adminB = new MockServerAdmin(b);

  // A token revoked in B no longer works in A.
  const token = await tokenIn(a);
  expect(await usersStatus(a, token)).toBe(200);
  const revoked = await fetchInPage(b, `${ISSUER}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${token}&client_id=demo-client&client_secret=demo-secret`,
  });
  expect(revoked.status).toBe(200);
  expect(await usersStatus(a, token)).toBe(401);

  // A key rotated in B signs A's next token, and A publishes it.
  const { kid } = await adminB.rotateKeys<{ kid: string }>();
  const jwks = JSON.parse((await fetchInPage(a, `${ISSUER}/.well-known/jwks.json`)).text);
  expect(jwks.keys.map((key: { kid: string }) => key.kid)).toContain(kid);
  const signed = await tokenIn(a);
  expect(JSON.parse(atob(signed.split('.')[0] ?? '')).kid).toBe(kid);

  // Clients added in either tab stay, whichever saves last.
  const secret = { client_secret: 's3cret', scopes: ['read:users'] };
  await adminB.putClient('added-in-b', secret);
  await adminA.putClient('added-in-a', secret);
  expect(await clientIds(adminA)).toEqual(expect.arrayContaining(['added-in-a', 'added-in-b']));
  expect(await clientIds(adminB)).toEqual(expect.arrayContaining(['added-in-a', 'added-in-b']));

  // The clock and the settings.
  await adminA.setClock({ advance: 600 });
  expect((await adminB.clock()).offset).toBe(600);
  await adminB.updateSettings({ leewaySeconds: 10 });
  expect((await adminA.settings()).leewaySeconds).toBe(10);

  // One log: B lists A's request, by the id A got back.
  const discovery = await fetchInPage(a, `${ISSUER}/.well-known/oauth-authorization-server`);
  const id = discovery.headers['x-request-id'];
  expect((await adminB.log()).map((entry) => entry.id)).toContain(id);

  // The tab that opened first goes; the other carries on with everything.
  await a.close({ runBeforeUnload: true });
  const carriesOn = async () => {
    expect(await clientIds(adminB)).toEqual(expect.arrayContaining(['added-in-a', 'added-in-b']));
    expect(await usersStatus(b, token)).toBe(401);
    expect(await usersStatus(b, signed)).toBe(200);
    expect((await adminB.clock()).offset).toBeGreaterThanOrEqual(600);
    expect((await adminB.settings()).leewaySeconds).toBe(10);
    expect((await adminB.log()).map((entry) => entry.id)).toContain(id);
  };
  await carriesOn();
  // And what it holds was saved.
  await b.reload();
  await new AppPage(b).waitForMockServers();
  await carriesOn();
});

test('a tab opened second sends from a lesson, explains the answer, and keeps the other tab live', async ({
  context,
}) => {
  const a = await openTab(context, '/server');
  await new MockServerAdmin(a).reset();
  const b = await openTab(context, '/lessons/first-token');

  // B sends a request whose error explanation reads the server's log entry of that request.
  const lesson = new LessonPage(b);
  await lesson.waitForBlocks();
  const panel = lesson.request('A token request with a JSON body');
  await panel.replaceInRaw('"client_secret": "demo-secret"', '"client_secret": "wrong"');
  await panel.send();
  await panel.expectStatus(401, 'Unauthorized');
  await expect(panel.explanation('invalid_client')).toContainText('What the server knew');

  // A's Server page shows B's request and B's new client without a reload.
  const serverPage = new ServerConsolePage(a);
  await expect(serverPage.log).toContainText('/oauth/token');
  await new MockServerAdmin(b).putClient('from-the-lesson-tab', {
    client_secret: 's3cret',
    scopes: ['read:users'],
  });
  await expect(serverPage.clientRow('from-the-lesson-tab')).toBeVisible();

  // A second lesson tab closes; the first is not disturbed.
  await b.close({ runBeforeUnload: true });
  const token = await tokenIn(a, 'from-the-lesson-tab', 's3cret');
  expect(await usersStatus(a, token)).toBe(200);
});

test('one lesson in two tabs: a step done in one is done in the other, and neither undoes the other', async ({
  context,
}) => {
  const a = await openTab(context, '/lessons/first-token');
  await new MockServerAdmin(a).reset();
  const inA = new LessonPage(a);
  await inA.waitForBlocks();
  const b = await openTab(context, '/lessons/first-token');
  const inB = new LessonPage(b);
  await inB.waitForBlocks();

  // Done in B: A shows it without a reload.
  await inB.request('A token request with a JSON body').sendAndExpect(200, '200');
  await expect(inA.request('A token request with a JSON body').doneBadge).toBeVisible();
  // Then a step in A: B's step stays done, in A, in B and after a reload.
  await inA.request('The same request, form-encoded').sendAndExpect(200, '200');
  await expect(inB.request('The same request, form-encoded').doneBadge).toBeVisible();
  await a.reload();
  await inA.waitForBlocks();
  await expect(inA.request('A token request with a JSON body').doneBadge).toBeVisible();
  await expect(inA.request('The same request, form-encoded').doneBadge).toBeVisible();
});

test('two tabs opened at the same moment on a first visit agree on the signing-client key', async ({
  context,
}) => {
  const [a, b] = await Promise.all([context.newPage(), context.newPage()]);
  await Promise.all([
    a.goto('/lessons/sending-credentials'),
    b.goto('/lessons/sending-credentials'),
  ]);
  for (const page of [a, b]) {
    await new AppPage(page).waitForMockServers();
    const lesson = new LessonPage(page);
    await lesson.waitForBlocks();
    await lesson.request('signing-client proves itself with a signature').sendAndExpect(200, '200');
  }
});
