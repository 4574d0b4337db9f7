/**
 * Before the Playwright tests: make sure a Chromium and a Firefox are there to drive.
 *
 * - Chromium: CHROMIUM_PATH, or /usr/bin/chromium (Debian's package, as CI installs it);
 *   otherwise Playwright's own, downloaded once with `npx playwright install chromium`.
 * - Firefox: FIREFOX_PATH, or /usr/bin/firefox-esr (Debian's package, as CI installs it), driven
 *   over WebDriver BiDi; otherwise Playwright's own, downloaded once with
 *   `npx playwright install firefox`.
 *
 * playwright.config.ts makes the same choice (`systemBrowsers()` below is shared with it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, firefox } from '@playwright/test';
import { systemBrowsers } from '../e2e/system-browsers.ts';

const system = systemBrowsers();

function ensure(
  name: 'chromium' | 'firefox',
  systemPath: string | undefined,
  own: string,
  how: string,
): void {
  if (systemPath) {
    console.log(`Playwright will drive ${systemPath}${how}.`);
  } else if (existsSync(own)) {
    console.log(`Playwright will drive its own ${name} (${own}).`);
  } else {
    console.log(`No ${name} found: running \`npx playwright install ${name}\` once.`);
    const result = spawnSync('npx', ['playwright', 'install', name], { stdio: 'inherit' });
    if (result.status !== 0) {
      const variable = name === 'chromium' ? 'CHROMIUM_PATH' : 'FIREFOX_PATH';
      console.error(
        `Could not install ${name} for Playwright. Install one yourself (e.g. \`apt-get install ${name === 'chromium' ? 'chromium' : 'firefox-esr'}\`) and set ${variable} to it.`,
      );
      process.exit(result.status ?? 1);
    }
  }
}

ensure('chromium', system.chromium, chromium.executablePath(), '');
ensure('firefox', system.firefox, firefox.executablePath(), ' over WebDriver BiDi');
