import type { Browser, LaunchOptions, PlaywrightWorkerArgs } from '@playwright/test';

/**
 * A Firefox whose windows are all private and, as in a real private window, run no service
 * workers: the app must fall back to msw's in-page servers.
 */
export function launchPrivateFirefox(
  playwright: PlaywrightWorkerArgs['playwright'],
  launchOptions: LaunchOptions,
  channel: string | undefined,
): Promise<Browser> {
  return playwright.firefox.launch({
    ...launchOptions,
    ...(channel && { channel }),
    firefoxUserPrefs: {
      ...launchOptions.firefoxUserPrefs,
      'browser.privatebrowsing.autostart': true,
      // Private windows of Firefox run no service workers unless this is on.
      'dom.serviceWorkers.privateBrowsing.enabled': false,
    },
  });
}
