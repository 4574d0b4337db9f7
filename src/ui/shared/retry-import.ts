/**
 * A lazily loaded module (a block's or a lab's code), tried once more after a pause before its
 * failure is reported. Two things end a chunk's download early: a network that drops for a
 * moment, and the learner leaving the page (a link, a bookmark, a reload) while it downloads. A
 * second try covers a short drop where the browser fetches the module again (failed module
 * fetches are no longer cached by the module map, whatwg/html#10327); and a page being left
 * never reaches the second try, so it reports no error for a load it cut off itself.
 */
export function retryImport<T>(load: () => Promise<T>, pauseMs = RETRY_PAUSE_MS): Promise<T> {
  return load().catch(
    () =>
      new Promise<T>((resolve, reject) => {
        setTimeout(() => load().then(resolve, reject), pauseMs);
      }),
  );
}

/** Long enough for a navigation that cut the load off to replace the page. */
export const RETRY_PAUSE_MS = 750;
