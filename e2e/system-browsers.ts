import { existsSync } from 'node:fs';

/**
 * The browsers this machine has installed for Playwright to drive instead of downloading its own:
 * where `npx playwright install` cannot download (as on CI here), Debian's packages.
 *
 * - Chromium: CHROMIUM_PATH, or /usr/bin/chromium.
 * - Firefox: FIREFOX_PATH, or /usr/bin/firefox-esr, driven over WebDriver BiDi
 *   (e2e/firefox/firefox-bidi.mjs). A plain /usr/bin/firefox is not picked by itself: on some
 *   systems it is a wrapper around a sandboxed (snap) build that cannot read Playwright's profile.
 */
export function systemBrowsers(): { chromium?: string; firefox?: string } {
  const pick = (variable: string | undefined, path: string) =>
    variable ?? (existsSync(path) ? path : undefined);
  return {
    chromium: pick(process.env.CHROMIUM_PATH, '/usr/bin/chromium'),
    firefox: pick(process.env.FIREFOX_PATH, '/usr/bin/firefox-esr'),
  };
}
