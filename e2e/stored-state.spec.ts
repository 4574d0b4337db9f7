/**
 * What the browser stored is data, not a promise: a damaged server state, a damaged
 * signing-client key, or a storage that is full must never leave a learner with a blank page or
 * a silently broken lesson.
 */
import type { Page } from '@playwright/test';
import { AppPage, expect, test } from './fixtures';

const STATE_KEY = 'ccp:server-state';
const SIGNING_KEY = 'ccp:signing-client-key';

/**
 * Run the app once so that it saves its state, then leave for a page of the same origin that
 * runs no app code (the favicon) and change what was saved with `edit`, as a hand edit, a bug or
 * a half-written record would.
 */
async function damageStored(
  page: Page,
  edit: (stored: { state: Record<string, unknown>; key: Record<string, unknown> }) => void,
) {
  const app = new AppPage(page);
  await app.open('/server');
  await app.waitForMockServers();
  // Leaving saves (pagehide); the favicon page runs none of the app's code.
  await page.goto('/favicon.svg');
  const stored = await page.evaluate(
    ({ stateKey, signingKey }) => ({
      state: JSON.parse(localStorage.getItem(stateKey) ?? 'null'),
      key: JSON.parse(localStorage.getItem(signingKey) ?? 'null'),
    }),
    { stateKey: STATE_KEY, signingKey: SIGNING_KEY },
  );
  expect(stored.state?.snapshot, 'the app saved its state').toBeTruthy();
  edit(stored);
  await page.evaluate(
    ([stateKey, signingKey, state, key]) => {
      localStorage.setItem(stateKey as string, JSON.stringify(state));
      localStorage.setItem(signingKey as string, JSON.stringify(key));
    },
    [STATE_KEY, SIGNING_KEY, stored.state, stored.key],
  );
}

async function expectServerPage(page: Page) {
  const app = new AppPage(page);
  await app.open('/server');
  await app.waitForMockServers();
  await expect(page.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Clients' })).toContainText('demo-client');
  await expect(page.getByRole('region', { name: 'Request log' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
}

test('a stored log entry of just {"id":"x"} does not break the Server page', async ({ page }) => {
  await damageStored(page, ({ state }) => {
    (state.snapshot as { log: unknown[] }).log.push({ id: 'x' });
  });
  await expectServerPage(page);
});

test('a stored clock past the range of dates does not break the Server page', async ({ page }) => {
  await damageStored(page, ({ state }) => {
    (state.snapshot as { clockOffsetMs: number }).clockOffsetMs = 9e15;
  });
  await expectServerPage(page);
  await expect(page.getByRole('region', { name: 'Server clock' })).toContainText(
    String(new Date().getUTCFullYear()),
  );
});

test('a damaged signing-client key is rebuilt by a reset, and private_key_jwt works again', async ({
  page,
  lesson,
}) => {
  // The stored pair's halves no longer match: the private half of another key under its kid.
  await damageStored(page, () => {});
  const other = await page.evaluate(async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
    ]);
    return crypto.subtle.exportKey('jwk', pair.privateKey);
  });
  await page.evaluate(
    ([key, d]) => {
      const stored = JSON.parse(localStorage.getItem(key as string) ?? '{}');
      stored.privateJwk.d = d;
      localStorage.setItem(key as string, JSON.stringify(stored));
    },
    [SIGNING_KEY, other.d],
  );

  const app = new AppPage(page);
  await app.open('/lessons/sending-credentials');
  await app.waitForMockServers();
  await app.resetServer();
  await lesson.waitForBlocks();
  await lesson.request('signing-client proves itself with a signature').sendAndExpect(200, '200');
});

test('a full storage is shown to the learner, and the notice goes once saving works again', async ({
  page,
  lesson,
}) => {
  const app = new AppPage(page);
  await app.open('/lessons/first-token');
  await app.waitForMockServers();
  // Fill this origin's storage, leaving no room for the next save.
  await page.evaluate(() => {
    let size = 1 << 20;
    for (let i = 0; size >= 16; i++) {
      try {
        localStorage.setItem(`filler-${i}`, 'x'.repeat(size));
      } catch {
        size = Math.floor(size / 2);
      }
    }
  });
  await lesson.waitForBlocks();
  await lesson.request('A token request with a JSON body').sendAndExpect(200, '200');
  // Saves wait for an idle moment (at most a few seconds).
  const notice = page.getByRole('alert').filter({ hasText: 'not being saved' });
  await expect(notice).toBeVisible({ timeout: 15_000 });
  await expect(notice).toContainText('storage in your browser is full');
  await expect(app.mockStatus).toHaveText('Mock servers ready');

  await page.evaluate(() => {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith('filler-')) localStorage.removeItem(key);
    }
  });
  await lesson.request('A token request with a JSON body').sendAndExpect(200, '200');
  await expect(notice).toBeHidden({ timeout: 15_000 });
});
