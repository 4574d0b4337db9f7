/**
 * Presses on a prerendered page before the app's code has run. index.html's inline script keeps
 * a click on any button or summary in the page until the app is live;
 * then they are replayed, in order, on the same elements (hydration keeps the parsed DOM). A
 * learner who presses Send, or the theme toggle, the moment the page shows is not ignored while
 * the code still downloads. (Once React is attached it replays presses on parts still hydrating
 * by itself.)
 */
declare global {
  interface Window {
    /** Set up by index.html's inline script. */
    __ccpEarlyPresses?: { pressed: Element[]; capturing: boolean };
  }
}

/**
 * The app is live (mounted or hydrated): stop keeping presses and replay the kept ones. After a
 * task, so that the state hydration renders one pass late (the learner's stored edits) is in.
 */
export function replayEarlyPresses(): void {
  const early = window.__ccpEarlyPresses;
  if (!early) return;
  early.capturing = false;
  const pressed = early.pressed.splice(0);
  if (pressed.length === 0) return;
  setTimeout(() => {
    for (const element of pressed) {
      element.removeAttribute('data-early-pressed');
      if (element.isConnected && element instanceof HTMLElement) element.click();
    }
  });
}
