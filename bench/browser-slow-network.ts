/**
 * Issue "Faster everywhere": the landing page and a lesson on a slow phone, in headless Chromium
 * with Chrome DevTools' "Slow 4G" network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up)
 * and the CPU slowed 4×, cold (fresh context: empty cache, no service worker), medians of 3:
 *
 * - LCP: the largest-contentful-paint entry's time when the page settles.
 * - JavaScript before LCP: the scripts whose response ended before it, gzip-compressed from the
 *   build output (what a server sending gzip puts on the wire).
 * - "Send answered" (the lesson only): Send pressed the moment it is usable, until its response
 *   status shows; also without throttling.
 *
 * Budgets printed beside the figures: landing LCP <= 800 ms and <= 60 kB of JavaScript before it;
 * Send answered <= 2,500 ms on Slow 4G, <= 1,000 ms unthrottled.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from '@playwright/test';
import { MARKS_SCRIPT } from './browser-lessons.ts';
import {
  median,
  newBenchContext,
  OUT_DIR,
  previewOnce,
  shutdown,
  verdict,
} from './browser-preview.ts';

export const name = 'browser: Slow 4G and 4x CPU (landing page, first lesson Send)';

const RUNS = 3;
/** Chrome DevTools' "Slow 4G" preset, as CDP takes it (bytes per second). */
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;
const LANDING = '/';
const LESSON = '/lessons/first-token';
const LANDING_LCP_BUDGET_MS = 800;
const LANDING_JS_BUDGET_KB = 60;
const SEND_SLOW_BUDGET_MS = 2500;
const SEND_FAST_BUDGET_MS = 1000;

/** The largest contentful paint so far, kept by an observer that runs before the page's scripts. */
const LCP_SCRIPT = `(() => {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) globalThis.__benchLcp = entry.renderTime || entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})();`;

async function throttle(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
}

const gzipBytes = new Map<string, number>();
function gzipKb(file: string): number {
  let bytes = gzipBytes.get(file);
  if (bytes === undefined) {
    try {
      bytes = gzipSync(readFileSync(`${OUT_DIR}/${file}`)).length;
    } catch {
      bytes = 0; // not a file of the build (an inline or generated script)
    }
    gzipBytes.set(file, bytes);
  }
  return bytes / 1000;
}

interface PageLoad {
  lcp: number;
  jsBeforeLcpKb: number;
  /** With a Send pressed: when it was usable, the app live, the servers ready, Send answered. */
  marks?: { sendUsable?: number; appLive?: number; mockReady?: number; sendAnswered?: number };
}

/** Open `path` cold, let it settle, and read LCP and the scripts that arrived before it. */
async function load(path: string, slow: boolean, pressSend: boolean): Promise<PageLoad> {
  const context = await newBenchContext();
  await context.addInitScript(LCP_SCRIPT);
  if (pressSend) {
    await context.addInitScript('globalThis.__benchPressSend = true;');
    await context.addInitScript(MARKS_SCRIPT);
  }
  const page = await context.newPage();
  if (slow) await throttle(context, page);
  await page.goto(path, { waitUntil: 'load', timeout: 60_000 });
  if (pressSend) {
    await page.waitForFunction(
      () => (globalThis as { __benchMarks?: PageLoad['marks'] }).__benchMarks?.sendAnswered,
      undefined,
      { timeout: 60_000 },
    );
  }
  // LCP settles once nothing larger paints; a short quiet spell after load is enough here.
  await page.waitForTimeout(slow ? 1500 : 500);
  const result = await page.evaluate(() => {
    const lcp = (globalThis as { __benchLcp?: number }).__benchLcp ?? Number.NaN;
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.endsWith('.js'))
      .map((e) => ({
        file: new URL(e.name).pathname.replace(/^\//, ''),
        responseEnd: (e as PerformanceResourceTiming).responseEnd,
      }));
    const marks = (globalThis as { __benchMarks?: PageLoad['marks'] }).__benchMarks;
    return {
      lcp,
      scripts,
      marks: marks && {
        sendUsable: marks.sendUsable,
        appLive: marks.appLive,
        mockReady: marks.mockReady,
        sendAnswered: marks.sendAnswered,
      },
    };
  });
  await context.close();
  const before = result.scripts.filter((s) => s.responseEnd <= result.lcp);
  return {
    lcp: result.lcp,
    jsBeforeLcpKb: before.reduce((sum, s) => sum + gzipKb(s.file), 0),
    ...(result.marks && { marks: result.marks }),
  };
}

function line(label: string, values: number[], unit: string, budget?: number): void {
  const med = median(values);
  const range = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
  console.log(
    `  ${label.padEnd(46)} median ${med.toFixed(0).padStart(6)} ${unit} (range ${range})${
      budget === undefined ? '' : `   target <= ${budget} ${unit} -> ${verdict(med <= budget)}`
    }`,
  );
}

export async function run(): Promise<void> {
  try {
    await previewOnce();
    const landing: PageLoad[] = [];
    const lessonSlow: PageLoad[] = [];
    const lessonFast: PageLoad[] = [];
    for (let i = 0; i < RUNS; i++) {
      landing.push(await load(LANDING, true, false));
      lessonSlow.push(await load(LESSON, true, true));
      lessonFast.push(await load(LESSON, false, true));
    }
    console.log(`  cold, ${RUNS} runs each, Slow 4G + ${CPU_SLOWDOWN}x CPU unless said:`);
    line(
      'landing page (/): LCP',
      landing.map((l) => l.lcp),
      'ms',
      LANDING_LCP_BUDGET_MS,
    );
    line(
      'landing page (/): JavaScript before LCP',
      landing.map((l) => l.jsBeforeLcpKb),
      'kB',
      LANDING_JS_BUDGET_KB,
    );
    line(
      `lesson (${LESSON}): LCP`,
      lessonSlow.map((l) => l.lcp),
      'ms',
    );
    line(
      `lesson: JavaScript before LCP`,
      lessonSlow.map((l) => l.jsBeforeLcpKb),
      'kB',
    );
    const mark = (loads: PageLoad[], key: keyof NonNullable<PageLoad['marks']>) =>
      loads.map((l) => l.marks?.[key] ?? Number.NaN);
    line('lesson: Send usable (a press is kept)', mark(lessonSlow, 'sendUsable'), 'ms');
    line('lesson: app live (hydrated)', mark(lessonSlow, 'appLive'), 'ms');
    line('lesson: mock servers ready', mark(lessonSlow, 'mockReady'), 'ms');
    line(
      'lesson: Send pressed at once, answered',
      mark(lessonSlow, 'sendAnswered'),
      'ms',
      SEND_SLOW_BUDGET_MS,
    );
    line(
      'lesson, unthrottled: Send pressed at once, answered',
      mark(lessonFast, 'sendAnswered'),
      'ms',
      SEND_FAST_BUDGET_MS,
    );
  } finally {
    await shutdown();
  }
}
