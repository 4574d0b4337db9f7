/**
 * Before the Playwright tests: make sure a Chromium is there to drive.
 *
 * - CHROMIUM_PATH, or /usr/bin/chromium (Debian's package, as CI installs it): use it
 *   (playwright.config.ts picks it up).
 * - Otherwise Playwright's own Chromium: if it is not downloaded yet, download it once with
 *   `npx playwright install chromium` — the normal path on a developer's laptop.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

const system = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(system)) {
  console.log(`Playwright will drive ${system}.`);
} else if (existsSync(chromium.executablePath())) {
  console.log(`Playwright will drive its own Chromium (${chromium.executablePath()}).`);
} else {
  console.log('No Chromium found: running `npx playwright install chromium` once.');
  const result = spawnSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(
      'Could not install Chromium for Playwright. Install one yourself (e.g. `apt-get install chromium`) and set CHROMIUM_PATH to it.',
    );
    process.exit(result.status ?? 1);
  }
}
