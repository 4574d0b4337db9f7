/**
 * An init script for Firefox driven over WebDriver BiDi, where Playwright's `fill()` and
 * `insertText()` run `window.__pw_bidiInsertText` in the page. That function assigns
 * `element.value` and fires `input`; React's controlled inputs track assignments to `value`, so
 * they treat the event as no change and `onChange` never runs (the field shows the new text, the
 * app's state keeps the old). A learner's typing goes through the browser's own setter, which
 * React sees. This replacement does the same: it calls the prototype's `value` setter, then fires
 * `input`, for `<input>` and `<textarea>`; anything else (contenteditable, frames) goes to
 * Playwright's own function.
 *
 * Installed by the fixtures (e2e/fixtures/index.ts) on Firefox-over-BiDi contexts only.
 */
export function fixBidiInsertText(): void {
  type Insert = (text: string) => unknown;
  let playwrights: Insert | undefined;

  const insert: Insert = (text) => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement)) {
      return playwrights?.(text);
    }
    const start = element.selectionStart;
    const end = element.selectionEnd ?? start;
    const value =
      start === null
        ? element.value + text
        : element.value.slice(0, start) + text + element.value.slice(end ?? start);
    const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(element), 'value')?.set;
    if (setter) setter.call(element, value);
    else element.value = value;
    if (start !== null) element.setSelectionRange(start + text.length, start + text.length);
    element.dispatchEvent(
      new InputEvent('input', {
        data: text,
        inputType: 'insertText',
        bubbles: true,
        composed: true,
      }),
    );
    return undefined;
  };

  // Playwright assigns its function when its script first runs in the page: keep ours in place.
  Object.defineProperty(window, '__pw_bidiInsertText', {
    configurable: true,
    get: () => insert,
    set: (fn: Insert) => {
      playwrights = fn;
    },
  });
}
