import { fileURLToPath } from 'node:url';
import { defineConfig, devices, type PlaywrightTestConfig } from '@playwright/test';
import { systemBrowsers } from './e2e/system-browsers.ts';
import { checkoutId } from './plugins/checkout-id.ts';

const CI = Boolean(process.env.CI);
/** The preview server's port: PLAYWRIGHT_PORT, or vite preview's 4173. */
const PORT = Number(process.env.PLAYWRIGHT_PORT ?? 4173);
/**
 * A playground served elsewhere (npm run dev, a deployment): what an exported spec's command
 * names. Then the tests run against it, and nothing is built or served here.
 */
const PLAYGROUND_URL = process.env.PLAYGROUND_URL;

/**
 * Machines where `npx playwright install` cannot download browsers use the system's (CHROMIUM_PATH
 * or /usr/bin/chromium; FIREFOX_PATH or /usr/bin/firefox-esr). Everywhere else Playwright's own
 * browsers run. A system Firefox is driven over WebDriver BiDi through e2e/firefox/firefox-bidi.mjs
 * (docs/decisions/firefox-over-bidi.md).
 */
const { chromium: systemChromium, firefox: systemFirefox } = systemBrowsers();

const firefoxUse: NonNullable<PlaywrightTestConfig['use']> = systemFirefox
  ? {
      browserName: 'firefox',
      channel: 'moz-firefox',
      launchOptions: {
        executablePath: fileURLToPath(new URL('./e2e/firefox/firefox-bidi.mjs', import.meta.url)),
        env: { ...process.env, CCP_FIREFOX_BINARY: systemFirefox },
      },
    }
  : { ...devices['Desktop Firefox'] };

/**
 * What runs in Firefox on every `npm test`: the contract suite through the service worker, the
 * Firefox-only checks, learner journeys that cover Send, Replay all, the JWT inspector and a
 * lab, the code exercises, and the start-up, offline and two-tab journeys. `FIREFOX_ALL=1 npx playwright test
 * --project firefox` runs every spec there.
 */
const FIREFOX_SPECS = process.env.FIREFOX_ALL
  ? ['**/*.spec.ts']
  : [
      'contract.spec.ts',
      'firefox/*.spec.ts',
      'lessons/first-token.spec.ts',
      'lessons/access-token-anatomy.spec.ts',
      'lessons/token-forge.spec.ts',
      'blocks.spec.ts',
      // Code exercises: the sandbox worker, CodeMirror in a shadow root, eval's stack lines.
      'code-exercises.spec.ts',
      // The service worker's life and the tabs' one server: Firefox's timing differs (its
      // worker unregistered itself between lesson pages, where Chromium's did not).
      'lesson-walk-by-url.spec.ts',
      'two-tabs.spec.ts',
      'offline.spec.ts',
      'service-worker-lifecycle.spec.ts',
      'stored-state.spec.ts',
    ];

export default defineConfig({
  testDir: 'e2e',
  // Journeys start a service worker and reload several times; shared CI runners are slow.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: CI,
  workers: 2,
  retries: CI ? 1 : 0,
  reporter: CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL: PLAYGROUND_URL ?? `http://localhost:${PORT}`,
    trace: 'on-first-retry',
    // Never `serviceWorkers: 'block'`: the mock servers live behind the service worker.
    serviceWorkers: 'allow',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: 'firefox/**',
      use: {
        ...devices['Desktop Chrome'],
        ...(systemChromium && {
          launchOptions: {
            executablePath: systemChromium,
            args: [
              '--no-sandbox',
              '--disable-gpu',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--no-first-run',
              '--disable-quic',
            ],
          },
        }),
      },
    },
    {
      name: 'firefox',
      testMatch: FIREFOX_SPECS,
      use: { viewport: { width: 1280, height: 720 }, ...firefoxUse },
    },
  ],
  webServer: PLAYGROUND_URL
    ? undefined
    : {
        // Test what ships: the production build, served by vite preview.
        command: `npm run build && npx vite preview --port ${PORT} --strictPort`,
        // Ready once this checkout's preview answers; a server of another checkout on the port
        // answers 404 here, so it is never reused (plugins/checkout-id.ts).
        url: `http://localhost:${PORT}/__checkout/${checkoutId(fileURLToPath(new URL('.', import.meta.url)))}`,
        reuseExistingServer: !CI,
        timeout: 180_000,
        stdout: 'ignore',
        stderr: 'pipe',
      },
});
