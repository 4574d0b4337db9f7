/**
 * Issue "lessons": the budgets a learner feels, on the production build in headless Chromium.
 *
 * (a) JavaScript before the first lesson shows: the render-blocking scripts the page had loaded
 *     (Resource Timing `responseEnd` and `renderBlockingStatus`) when the lesson's title and first
 *     paragraph were in the document, each gzip-compressed from the build output. A prerendered
 *     lesson shows from its HTML; its deferred module scripts are listed beside the figure (which
 *     of them finish first is a race with the parser) and in full under "to go live". The mock server chunk (msw, ~157 kB gzip) is
 *     listed apart: it must not be in the entry's static imports (checked in the Vite manifest),
 *     and if it loaded before the lesson showed, it loaded in parallel, not in the way.
 * (b) Time from navigation to: lesson visible (title + first body paragraph in the document and
 *     laid out, stamped at the next animation frame), lesson text painted (the first
 *     largest-contentful-paint entry inside the lesson: that frame's style, layout and paint
 *     done, which on this 2-core machine adds 100-300 ms), "Send" usable (the
 *     request block rendered with an enabled Send: a press then is never lost. On a lesson
 *     prerendered at build time that is the HTML's own Send: a press before the app's code runs
 *     is kept by index.html's inline script and sent once the block is live; after that React
 *     holds a press until the mock servers answer), the app live (`<html data-app="ready">`,
 *     hydrated), the mock servers ready (`<html data-mock="ready">`, service worker in control),
 *     and "Send answered": Send pressed the moment it is usable, until its response status shows
 *     (what a learner who clicks at once waits). Cold = a fresh browser context (empty cache, no
 *     service worker: the visit also registers it); warm = a reload.
 *     The code exercises' editor (CodeMirror) and sandbox worker are listed too: they must not load
 *     before a lesson shows, and only lessons with a code exercise load them at all.
 * (c) "Replay all" on lesson 09's "Requests that must fail, and how": click to the summary
 *     "N of N as expected." (timed in the page), median of a few runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from '@playwright/test';
import {
  type ManifestChunk,
  median,
  newBenchContext,
  OUT_DIR,
  previewOnce,
  readManifest,
  shutdown,
  verdict,
  waitForMockControl,
} from './browser-preview.ts';

export const name =
  'browser: lessons budgets (first-lesson JavaScript, time to usable, Replay all)';

const FIRST_LESSON = '/lessons/what-and-why';
/** The first lesson with a request block (a "Send" button). */
const FIRST_SEND_LESSON = '/lessons/first-token';
const REPLAY_LESSON = '/lessons/what-to-test';
const NEGATIVES_TITLE = 'Requests that must fail, and how';
const JS_BUDGET_KB = 120;
const VISIBLE_BUDGET_MS = 500;
const USABLE_BUDGET_MS = 1000;
const REPLAY_BUDGET_MS = 1000;
const LOAD_RUNS = 3;
const REPLAY_RUNS = 5;

/**
 * Runs in the page before its own scripts: records, relative to navigation start, when the
 * lesson first shows and when Send first becomes usable (checked on every DOM change, stamped at
 * the next animation frame, i.e. when it can paint).
 */
export const MARKS_SCRIPT = `(() => {
  const marks = (globalThis.__benchMarks = {});
  // At the next animation frame, if \`ready()\` still holds then (else a later change retries).
  const stamp = (name, ready) => {
    if (marks[name] !== undefined || marks[name + ':pending']) return;
    marks[name + ':pending'] = true;
    requestAnimationFrame(() => {
      if (!ready || ready()) marks[name] = performance.now();
      else marks[name + ':pending'] = false;
    });
  };
  // When the lesson's text is on screen, painted: the first largest-contentful-paint entry for
  // an element of the lesson (its heading or a paragraph), at its render time.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (marks.painted === undefined && entry.element && entry.element.closest('article.lesson')) {
        marks.painted = entry.renderTime || entry.startTime;
      }
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  let pressed;
  const check = () => {
    const title = document.querySelector('article.lesson h1');
    const body = document.querySelector('article.lesson > :not(header) p');
    // Laid out (has a box) is checked in the frame, not here: a check on every DOM change would
    // force a layout each time the HTML parser adds a piece of a prerendered page.
    if (title && title.textContent && body && body.textContent) {
      stamp('visible', () => body.getClientRects().length > 0);
    }
    const send = [...document.querySelectorAll('article.lesson button')].find(
      (b) => b.textContent.trim() === 'Send' && !b.disabled,
    );
    if (send) {
      stamp('sendUsable');
      if (globalThis.__benchPressSend && !pressed) {
        pressed = send.closest('section');
        send.click();
      }
    }
    const status = pressed && pressed.querySelector('[aria-label="Response status"]');
    if (status && /^\\d{3} /.test(status.textContent)) stamp('sendAnswered');
    if (document.documentElement.dataset.app === 'ready') stamp('appLive');
    if (document.documentElement.dataset.mock === 'ready') {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) stamp('mockReady');
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  navigator.serviceWorker?.addEventListener('controllerchange', check);
})();`;

interface Marks {
  visible?: number;
  painted?: number;
  sendUsable?: number;
  appLive?: number;
  mockReady?: number;
  sendAnswered?: number;
}

interface ScriptLoad {
  file: string;
  responseEnd: number;
  /** The page waited for it before rendering (a classic script in the head, not a module). */
  blocking: boolean;
}

async function loadAndMark(
  page: Page,
  path: string,
  wantSend: boolean,
  reload: boolean,
): Promise<{ marks: Marks; scripts: ScriptLoad[] }> {
  if (reload) await page.reload();
  else await page.goto(path);
  await page.waitForFunction(
    (wantSend) => {
      const g = globalThis as unknown as { __benchMarks?: Marks; __benchPressSend?: boolean };
      const m = g.__benchMarks;
      return (
        m?.visible !== undefined &&
        (!wantSend || m.sendUsable !== undefined) &&
        (!g.__benchPressSend || m.sendAnswered !== undefined)
      );
    },
    wantSend,
    { timeout: 30_000 },
  );
  await page.waitForFunction(() => document.documentElement.dataset.mock === 'ready');
  return page.evaluate(() => {
    const marks = (globalThis as unknown as { __benchMarks: Marks }).__benchMarks;
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.endsWith('.js'))
      .map((e) => ({
        file: new URL(e.name).pathname.replace(/^\//, ''),
        responseEnd: (e as PerformanceResourceTiming).responseEnd,
        // Chromium's Resource Timing says whether the page waited for the script to render.
        blocking:
          (e as PerformanceResourceTiming & { renderBlockingStatus?: string })
            .renderBlockingStatus === 'blocking',
      }));
    return {
      marks: {
        visible: marks.visible,
        painted: marks.painted,
        sendUsable: marks.sendUsable,
        appLive: marks.appLive,
        mockReady: marks.mockReady,
        sendAnswered: marks.sendAnswered,
      },
      scripts,
    };
  });
}

const gzipCache = new Map<string, number>();
function gzipKb(file: string): number {
  let bytes = gzipCache.get(file);
  if (bytes === undefined) {
    bytes = gzipSync(readFileSync(`${OUT_DIR}/${file}`)).length;
    gzipCache.set(file, bytes);
  }
  return bytes / 1000;
}

/** Files statically reachable from a chunk (default: the entry, what the first paint needs). */
function staticClosure(
  manifest: Record<string, ManifestChunk>,
  from = Object.entries(manifest).find(([, c]) => c.isEntry),
): Set<string> {
  const entry = from;
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  if (entry) visit(entry[0]);
  return seen;
}

function mockChunkFile(manifest: Record<string, ManifestChunk>): string | undefined {
  return manifest['src/mocks/browser.ts']?.file;
}

async function jsBudget(context: BrowserContext, manifest: Record<string, ManifestChunk>) {
  const closure = staticClosure(manifest);
  const mockFile = mockChunkFile(manifest);
  const mockEntry = Object.entries(manifest).find(([key]) => key === 'src/mocks/browser.ts');
  // The mock server's chunk and what only it imports: started early, in parallel, not counted.
  const mockOnly = new Set(
    [...staticClosure(manifest, mockEntry)].filter((file) => !closure.has(file)),
  );
  console.log(`  (a) JavaScript loaded before the first lesson showed (gzip, cold visit):`);
  console.log(
    `      msw chunk ${mockFile ?? '?'} (${mockFile ? gzipKb(mockFile).toFixed(1) : '?'} kB): ${
      mockFile && !closure.has(mockFile)
        ? 'not in the entry’s static imports (lazy)'
        : 'IN THE ENTRY’S STATIC IMPORTS'
    }`,
  );
  // The code exercises' editor: its own chunk, loaded only by a lesson with a code exercise.
  const editorFile = Object.values(manifest).find((c) =>
    /(^|\/)code-editor-[^/]+\.js$/.test(c.file),
  )?.file;
  const workerFile = readdirSync(`${OUT_DIR}/assets`).find((f) =>
    /^sandbox-worker-.+\.js$/.test(f),
  );
  console.log(
    `      code exercises' editor chunk ${editorFile ?? '?'} (${editorFile ? gzipKb(editorFile).toFixed(1) : '?'} kB): ${
      editorFile && !closure.has(editorFile)
        ? 'not in the entry’s static imports (lazy)'
        : 'IN THE ENTRY’S STATIC IMPORTS'
    }; sandbox worker assets/${workerFile ?? '?'} (${workerFile ? gzipKb(`assets/${workerFile}`).toFixed(1) : '?'} kB), started on Run tests`,
  );
  const totals: number[] = [];
  for (const path of [FIRST_LESSON, FIRST_SEND_LESSON]) {
    const page = await context.newPage();
    const { marks, scripts } = await loadAndMark(page, path, false, false);
    await page.close();
    const before = scripts.filter((s) => s.responseEnd <= (marks.visible ?? 0));
    // What the lesson waited for: render-blocking scripts. A prerendered lesson shows from its
    // HTML while its module scripts (deferred by nature) download beside it; which of those
    // happen to finish before the lesson is stamped visible is a race with the parser, so they
    // are listed, not counted.
    const needed = before.filter((s) => !mockOnly.has(s.file) && s.blocking);
    const alongside = before.filter((s) => !mockOnly.has(s.file) && !s.blocking);
    const total = needed.reduce((sum, s) => sum + gzipKb(s.file), 0);
    totals.push(total);
    console.log(
      `      ${path}: ${total.toFixed(1)} kB in ${needed.length} render-blocking files (budget ${JS_BUDGET_KB} kB -> ${verdict(total <= JS_BUDGET_KB)})`,
    );
    for (const s of needed.sort((x, y) => gzipKb(y.file) - gzipKb(x.file))) {
      console.log(`        ${gzipKb(s.file).toFixed(1).padStart(6)} kB  ${s.file}`);
    }
    console.log(
      `        beside it, not waited for (module scripts that finished before the lesson showed): ${alongside.reduce((sum, s) => sum + gzipKb(s.file), 0).toFixed(1)} kB in ${alongside.length} files`,
    );
    // A prerendered lesson shows before its code runs: say what the page loads to go live too.
    const toLive = scripts.filter(
      (s) => s.responseEnd <= (marks.appLive ?? Number.POSITIVE_INFINITY) && !mockOnly.has(s.file),
    );
    console.log(
      `        to go live (hydrated): ${toLive.reduce((sum, s) => sum + gzipKb(s.file), 0).toFixed(1)} kB in ${toLive.length} files, loaded after the lesson showed`,
    );
    if (editorFile && scripts.some((s) => s.file === editorFile)) {
      console.log(`        THE CODE EDITOR LOADED on ${path}, which has no code exercise`);
    }
    const parallel = before.filter((s) => mockOnly.has(s.file)).map((s) => s.file);
    if (parallel.length > 0) {
      console.log(
        `        (also finished loading in parallel, not counted: the mock server's ${parallel.join(', ')})`,
      );
    }
  }
  return totals;
}

async function loadTimes(): Promise<void> {
  console.log(
    `  (b) navigation to lesson visible / Send usable (${FIRST_SEND_LESSON}), ${LOAD_RUNS} runs each, ms:`,
  );
  const cold: Marks[] = [];
  const warm: Marks[] = [];
  const pressed: Marks[] = [];
  for (let i = 0; i < LOAD_RUNS; i++) {
    const context = await newBenchContext();
    await context.addInitScript(MARKS_SCRIPT);
    const page = await context.newPage();
    cold.push((await loadAndMark(page, FIRST_SEND_LESSON, true, false)).marks);
    warm.push((await loadAndMark(page, FIRST_SEND_LESSON, true, true)).marks);
    await context.close();
    // Another fresh context whose page presses Send the moment it is usable.
    const pressing = await newBenchContext();
    await pressing.addInitScript('globalThis.__benchPressSend = true;');
    await pressing.addInitScript(MARKS_SCRIPT);
    pressed.push(
      (await loadAndMark(await pressing.newPage(), FIRST_SEND_LESSON, true, false)).marks,
    );
    await pressing.close();
  }
  const show = (label: string, runs: Marks[], key: keyof Marks, budget?: number) => {
    const values = runs.map((m) => m[key] ?? Number.NaN);
    const med = median(values);
    const range = `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
    console.log(
      `      ${label.padEnd(44)} median ${med.toFixed(0).padStart(5)}  (range ${range})${
        budget === undefined ? '' : `   target <= ${budget} -> ${verdict(med <= budget)}`
      }`,
    );
  };
  show('cold: lesson visible', cold, 'visible', VISIBLE_BUDGET_MS);
  show('cold: lesson text painted (LCP in the lesson)', cold, 'painted');
  show('cold: Send usable (a press waits for the servers)', cold, 'sendUsable', USABLE_BUDGET_MS);
  show('cold: app live (hydrated)', cold, 'appLive');
  show('cold: service worker in control, servers ready', cold, 'mockReady');
  show('cold: Send pressed at once, answered', pressed, 'sendAnswered');
  show('warm (reload): lesson visible', warm, 'visible', VISIBLE_BUDGET_MS);
  show('warm (reload): lesson text painted', warm, 'painted');
  show('warm (reload): Send usable', warm, 'sendUsable', USABLE_BUDGET_MS);
  show('warm (reload): app live (hydrated)', warm, 'appLive');
  show('warm (reload): mock servers ready', warm, 'mockReady');
}

async function replayAll(): Promise<void> {
  const context = await newBenchContext();
  const page = await context.newPage();
  await page.goto(REPLAY_LESSON);
  await waitForMockControl(page);
  // Two cases replay a valid token and an expired one: get them as a learner would.
  for (const title of ['Valid credentials and scope: 200 with a token', 'An expired token']) {
    const block = page.getByRole('region', { name: title, exact: true });
    await block.getByRole('button', { name: 'Send', exact: true }).click();
    await block.getByRole('status').filter({ hasText: /200/ }).waitFor();
  }
  const region = page.getByRole('region', { name: `Negative cases ${NEGATIVES_TITLE}` });
  await region.getByRole('button', { name: 'Replay all', exact: true }).waitFor();
  const count = await region
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: 'Replay', exact: true }) })
    .count();
  const times: number[] = [];
  const summaries: string[] = [];
  for (let i = 0; i < REPLAY_RUNS; i++) {
    const { ms, summary } = await region.evaluate(async (section) => {
      const button = [...section.querySelectorAll('button')].find(
        (b) => b.textContent?.trim() === 'Replay all',
      );
      const status = section.querySelector('[role="status"]');
      if (!button || !status) throw new Error('no Replay all button or summary');
      const t0 = performance.now();
      button.click();
      await new Promise<void>((resolve) => {
        let sawRunning = false;
        const check = () => {
          const label = button.textContent?.trim();
          if (label !== 'Replay all') sawRunning = true;
          if (
            sawRunning &&
            label === 'Replay all' &&
            /^\d+ of \d+ as expected/.test(status.textContent ?? '')
          ) {
            observer.disconnect();
            resolve();
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(section, { subtree: true, childList: true, characterData: true });
        check();
      });
      return { ms: performance.now() - t0, summary: status.textContent ?? '' };
    });
    times.push(ms);
    summaries.push(summary);
  }
  await context.close();
  const med = median(times);
  console.log(
    `  (c) Replay all, ${count} cases ("${NEGATIVES_TITLE}"), click to summary, ${REPLAY_RUNS} runs:`,
  );
  console.log(
    `      median ${med.toFixed(0)} ms (runs ${times.map((t) => t.toFixed(0)).join(', ')}; ${(med / count).toFixed(1)} ms a case)   target <= ${REPLAY_BUDGET_MS} ms -> ${verdict(med <= REPLAY_BUDGET_MS)}`,
  );
  console.log(`      last summary: "${summaries.at(-1)}"`);
}

export async function run(): Promise<void> {
  try {
    await previewOnce();
    const manifest = readManifest();
    const context = await newBenchContext();
    await context.addInitScript(MARKS_SCRIPT);
    await jsBudget(context, manifest);
    await context.close();
    await loadTimes();
    await replayAll();
  } finally {
    await shutdown();
  }
}
