/**
 * Issue "mock servers": what a token request costs through the service worker, in headless
 * Chromium on the production build, against the same core called directly in the page.
 *
 * - via worker: `fetch('https://auth.example.com/oauth/token')` (demo-client, Basic, ES256) to
 *   parsed JSON: page -> service worker -> msw's message to the page -> handlers -> core -> back.
 * - direct: `__playground.server.handle(new Request(...))` to parsed JSON, in the same page.
 * - floor: the same pair on `GET /__admin/clock`, which the core answers without signing,
 *   logging or saving: what msw's worker protocol and Chromium's service-worker hop cost alone.
 *
 * Samples alternate (worker, direct, worker, ...) so machine noise hits both alike; each page
 * gets a warm-up first. The lessons home and the Server page (whose panels follow the request
 * log live) are measured separately.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import {
  newBenchContext,
  OUT_DIR,
  percentile,
  previewOnce,
  shutdown,
  verdict,
  waitForMockControl,
} from './browser-preview.ts';

export const name = 'browser: token request through the service worker vs the core in the page';

const SAMPLES = 200;
/** The Server page re-renders its request log on every burst: slower, so fewer samples. */
const SERVER_PAGE_SAMPLES = 30;
const WARMUP = 40;
const TARGET_MEDIAN_MS = 5;
/** Issue "Faster everywhere": a token request costs at most twice the bare service-worker hop. */
const MAX_HOP_RATIO = 2;

interface Samples {
  worker: number[];
  direct: number[];
}

/**
 * Chromium's own service-worker hop, without msw: a worker that answers every fetch itself
 * with a fixed JSON body, registered for a scope of its own on a throwaway page (both files are
 * written into the build output for this bench only).
 */
const ECHO_WORKER = `addEventListener('install', () => self.skipWaiting());
addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
addEventListener('fetch', (e) => {
  if (new URL(e.request.url).origin === 'https://auth.example.com') {
    e.respondWith(new Response('{"now":0}', { headers: { 'content-type': 'application/json' } }));
  }
});`;

async function echoWorkerFloor(): Promise<number[]> {
  mkdirSync(`${OUT_DIR}/bench-echo`, { recursive: true });
  writeFileSync(`${OUT_DIR}/bench-echo/sw.js`, ECHO_WORKER);
  writeFileSync(`${OUT_DIR}/bench-echo/index.html`, '<!doctype html><title>echo</title>');
  const context = await newBenchContext();
  try {
    const page = await context.newPage();
    await page.goto('/bench-echo/index.html');
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/bench-echo/sw.js', { scope: '/bench-echo/' });
      await navigator.serviceWorker.ready;
    });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    return await page.evaluate(
      async ({ samples, warmup }) => {
        const once = async () => {
          const t0 = performance.now();
          const body = await (await fetch('https://auth.example.com/__admin/clock')).json();
          if (body.now !== 0) throw new Error('echo worker did not answer');
          return performance.now() - t0;
        };
        for (let i = 0; i < warmup; i++) await once();
        const out: number[] = [];
        for (let i = 0; i < samples; i++) out.push(await once());
        return out;
      },
      { samples: SAMPLES, warmup: WARMUP },
    );
  } finally {
    await context.close();
  }
}

type Probe = 'token' | 'jwks' | 'clock';

async function sample(page: Page, path: Probe, samples = SAMPLES): Promise<Samples> {
  return page.evaluate(
    async ({ path, samples, warmup }) => {
      const handle = globalThis.__playground;
      if (!handle) throw new Error('globalThis.__playground is not set: mock server not started');
      const url = {
        token: 'https://auth.example.com/oauth/token',
        jwks: 'https://auth.example.com/.well-known/jwks.json',
        clock: 'https://auth.example.com/__admin/clock',
      }[path];
      const init = (): RequestInit =>
        path === 'token'
          ? {
              method: 'POST',
              headers: {
                authorization: `Basic ${btoa('demo-client:demo-secret')}`,
                'content-type': 'application/x-www-form-urlencoded',
              },
              body: 'grant_type=client_credentials',
            }
          : { method: 'GET' };
      const check = (body: Record<string, unknown>) => {
        if (path === 'token' && typeof body.access_token !== 'string') {
          throw new Error(`no token: ${JSON.stringify(body)}`);
        }
        if (path === 'clock' && typeof body.now !== 'number') {
          throw new Error(`no clock: ${JSON.stringify(body)}`);
        }
        if (path === 'jwks' && !Array.isArray(body.keys)) {
          throw new Error(`no keys: ${JSON.stringify(body)}`);
        }
      };
      const viaWorker = async () => {
        const t0 = performance.now();
        const response = await fetch(url, init());
        const body = await response.json();
        const ms = performance.now() - t0;
        check(body);
        return ms;
      };
      const direct = async () => {
        const t0 = performance.now();
        const response = await handle.server.handle(new Request(url, init()));
        const body = await response?.json();
        const ms = performance.now() - t0;
        check(body);
        return ms;
      };
      for (let i = 0; i < warmup; i++) {
        await viaWorker();
        await direct();
      }
      const out = { worker: [] as number[], direct: [] as number[] };
      for (let i = 0; i < samples; i++) {
        out.worker.push(await viaWorker());
        out.direct.push(await direct());
      }
      return out;
    },
    { path, samples, warmup: WARMUP },
  );
}

/**
 * Not a timing: the deferred state write must not lose a change on an immediate reload (the
 * `pagehide` flush). Advance the clock through the worker, reload at once, read it back.
 */
async function persistenceCheck(page: Page): Promise<void> {
  const offset = await page.evaluate(async () => {
    const before = globalThis.__playground?.server.admin.clock().offset ?? 0;
    await fetch('https://auth.example.com/__admin/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 4321 }),
    });
    return before + 4321;
  });
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.mock === 'ready');
  const after = await page.evaluate(() => globalThis.__playground?.server.admin.clock().offset);
  console.log(
    `    state change kept across an immediate reload (pagehide flush): ${after === offset ? 'yes' : `NO (expected offset ${offset}, got ${after})`}`,
  );
  await page.evaluate(() =>
    fetch('https://auth.example.com/__admin/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: -4321 }),
    }),
  );
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

function line(label: string, values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  console.log(`    ${label.padEnd(34)} median ${ms(p50).padStart(9)}   p95 ${ms(p95).padStart(9)}`);
  return { p50, p95 };
}

export async function run(): Promise<void> {
  try {
    await previewOnce();
    const home: Record<string, number> = {};
    for (const route of ['/', '/server'] as const) {
      const context = await newBenchContext();
      const page = await context.newPage();
      await page.goto(route);
      await waitForMockControl(page);
      const n = route === '/server' ? SERVER_PAGE_SAMPLES : SAMPLES;
      console.log(`  page ${route} (${n} samples each after ${WARMUP} warm-up, alternating):`);
      const token = await sample(page, 'token', n);
      const w = line('POST /oauth/token via worker', token.worker);
      const d = line('POST /oauth/token direct', token.direct);
      const jwks = await sample(page, 'jwks', n);
      const jw = line('GET /.well-known/jwks.json via worker', jwks.worker);
      const jd = line('GET /.well-known/jwks.json direct', jwks.direct);
      const clock = await sample(page, 'clock', n);
      const cw = line('GET /__admin/clock via worker', clock.worker);
      const cd = line('GET /__admin/clock direct', clock.direct);
      console.log(
        `    ratio worker/direct (token): ${(w.p50 / d.p50).toFixed(1)}x median, ${(w.p95 / d.p95).toFixed(1)}x p95`,
      );
      console.log(
        `    target: token via worker <= ${TARGET_MEDIAN_MS} ms median -> ${verdict(w.p50 <= TARGET_MEDIAN_MS)}`,
      );
      if (route === '/') await persistenceCheck(page);
      if (route === '/') {
        Object.assign(home, { w: w.p50, d: d.p50, jw: jw.p50, jd: jd.p50, cw: cw.p50, cd: cd.p50 });
      }
      await context.close();
    }
    console.log(
      `  floor: Chromium's service-worker hop alone (a worker that answers itself, no msw):`,
    );
    const echo = line('GET via a bare service worker', await echoWorkerFloor());
    const { w = 0, d = 0, jw = 0, jd = 0, cw = 0, cd = 0 } = home;
    const ratio = w / echo.p50;
    console.log(
      `    token via worker / bare hop: ${ratio.toFixed(2)}x (target <= ${MAX_HOP_RATIO}x) -> ${verdict(ratio <= MAX_HOP_RATIO)}`,
    );
    const row = (label: string, value: number) =>
      console.log(`    ${label.padEnd(66)} ${ms(value).padStart(9)}`);
    console.log(`  where a token round trip's ${ms(w)} goes on / (medians, by difference; noisy):`);
    row("Chromium's service-worker hop (bare worker)", echo.p50);
    row("msw's protocol + handler matching (clock: worker - direct - hop)", cw - cd - echo.p50);
    row(
      'a logged request: log entry, listeners, larger answer (jwks - clock)',
      jw - jd - (cw - cd),
    );
    row('a POST body through msw + async signing (token - jwks)', w - d - (jw - jd));
    row("the core's token endpoint itself (direct call)", d);
  } finally {
    await shutdown();
  }
}
