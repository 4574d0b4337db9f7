/**
 * Shared by the browser benches (not a bench itself): one production build, one `vite preview`
 * on a fixed port, one headless Chromium, all started on first use and stopped when the bench
 * process ends (normally, on an error, or on Ctrl+C). Only processes started here are stopped,
 * by their own process group id.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';

const root = fileURLToPath(new URL('..', import.meta.url));
const vite = `${root}node_modules/vite/bin/vite.js`;

// Overridable, so two people benching on one machine do not build into, or serve, each other's.
export const OUT_DIR = process.env.BENCH_OUT_DIR ?? '/tmp/bench-dist';
export const PORT = Number(process.env.BENCH_PORT ?? 4195);
export const ORIGIN = `http://localhost:${PORT}`;

/** The launch arguments of playwright.config.ts (root, no network, no GPU). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const started = new Set<ChildProcess>();
let browser: Browser | undefined;
let built: Promise<void> | undefined;
let preview: Promise<void> | undefined;

function stopChildren(): void {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        // detached: the child leads its own process group (npm/vite may fork below it)
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  started.clear();
}

process.once('exit', stopChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopChildren();
    void browser?.close();
    process.exit(130);
  });
}

function run(args: string[], label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    started.add(child);
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('exit', (code) => {
      started.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${label} exited with ${code}:\n${output.slice(-3000)}`));
    });
  });
}

/** `vite build --manifest` into OUT_DIR, once per bench run. */
export function buildOnce(): Promise<void> {
  built ??= (async () => {
    const t0 = performance.now();
    await run(
      ['build', '--outDir', OUT_DIR, '--emptyOutDir', '--manifest', '--logLevel', 'warn'],
      'vite build',
    );
    console.log(`  (built ${OUT_DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  })();
  return built;
}

/** `vite preview` of the build on PORT, once per bench run; resolves when it answers. */
export function previewOnce(): Promise<void> {
  preview ??= (async () => {
    await buildOnce();
    const child = spawn(
      process.execPath,
      [vite, 'preview', '--outDir', OUT_DIR, '--port', String(PORT), '--strictPort'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    started.add(child);
    let output = '';
    child.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('exit', () => started.delete(child));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`vite preview exited with ${child.exitCode}:\n${output}`);
      }
      try {
        const res = await fetch(`${ORIGIN}/`);
        await res.arrayBuffer();
        if (res.ok && output.includes(String(PORT))) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`vite preview did not answer:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return preview;
}

/** One headless Chromium for every browser bench (a fresh context per measurement). */
export async function browserOnce(): Promise<Browser> {
  if (!browser) {
    browser = await chromium.launch({
      ...(executablePath && { executablePath }),
      args: CHROMIUM_ARGS,
    });
    process.once('beforeExit', () => {
      void browser?.close();
    });
  }
  return browser;
}

/**
 * A fresh context (cold cache, no service worker yet) on the preview. tsx compiles the bench
 * with esbuild's keepNames, so functions passed to `page.evaluate` call a `__name` helper that
 * only exists in Node: define it in the page too.
 */
export async function newBenchContext(): Promise<BrowserContext> {
  const context = await (await browserOnce()).newContext({
    baseURL: ORIGIN,
    serviceWorkers: 'allow',
  });
  await context.addInitScript('globalThis.__name ??= (fn) => fn;');
  return context;
}

/** Close the shared browser and servers (the last browser bench calls this). */
export async function shutdown(): Promise<void> {
  await browser?.close();
  browser = undefined;
  stopChildren();
  preview = undefined;
}

/** The Vite manifest of the build (assets and their static imports). */
export interface ManifestChunk {
  file: string;
  name?: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export function readManifest(): Record<string, ManifestChunk> {
  return JSON.parse(readFileSync(`${OUT_DIR}/.vite/manifest.json`, 'utf8'));
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** "met" or "missed", for reading, never an exit code. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

/** Wait until the app says its mock servers run and the service worker controls the page. */
export async function waitForMockControl(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.mock === 'ready' &&
      navigator.serviceWorker.controller !== null,
    undefined,
    { timeout: 30_000 },
  );
}
