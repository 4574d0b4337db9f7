/**
 * Presses on a prerendered page before the app's code has run. index.html's inline script records
 * a click on any element marked `data-early-press="<id>"` until the app has mounted; the component
 * that owns the id takes the press when it mounts and acts on it. A learner who presses Send the
 * moment the page shows is never ignored while the code still downloads. (Once React is attached,
 * it replays such presses itself.)
 */
declare global {
  interface Window {
    /** Set up by index.html's inline script. */
    __ccpEarlyPresses?: { ids: string[]; capturing: boolean };
  }
}

/** Whether `id` was pressed before the app mounted; a press is taken once. */
export function takeEarlyPress(id: string): boolean {
  const early = typeof window === 'undefined' ? undefined : window.__ccpEarlyPresses;
  const index = early?.ids.indexOf(id) ?? -1;
  if (!early || index < 0) return false;
  early.ids.splice(index, 1);
  // The inline script's "pressed, waiting for the page" mark: the owner takes over from here.
  for (const element of document.querySelectorAll('[data-early-pressed]')) {
    if (element.getAttribute('data-early-press') === id)
      element.removeAttribute('data-early-pressed');
  }
  return true;
}

/** The app has mounted: presses go to React from now on. */
export function stopCapturingEarlyPresses(): void {
  const early = window.__ccpEarlyPresses;
  if (early) early.capturing = false;
}
