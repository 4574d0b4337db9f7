/**
 * What the sandbox worker takes away from its own global scope before any learner code runs.
 *
 * The worker is a same-origin script, so the page's Content-Security-Policy does not govern it
 * (docs/decisions/code-exercises.md): left alone, code in it could reach the network, the
 * origin's storage (IndexedDB, the offline cache the app boots from), the tabs' shared server
 * channel, and evaluate strings as code. A dedicated worker has no DOM, no localStorage and no
 * cookies to begin with; this removes the rest. The harness captured what it needs (eval, timers,
 * postMessage) before this runs; the code gets `fetch` back as the harness's, which reaches
 * the mock servers only.
 */

/** Globals deleted from the worker's scope and its prototypes. */
export const DENIED_GLOBALS = [
  // The network.
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebSocketStream',
  'WebTransport',
  'EventSource',
  'importScripts',
  'FontFace',
  'fonts',
  // The origin's storage and the other tabs.
  'indexedDB',
  'IDBFactory',
  'caches',
  'CacheStorage',
  'BroadcastChannel',
  'navigator',
  'cookieStore',
  'requestFileSystem',
  'webkitRequestFileSystem',
  'webkitResolveLocalFileSystemURL',
  // More workers (each would start with all of the above).
  'Worker',
  'SharedWorker',
  // Talking to the page other than through the harness.
  'postMessage',
  'onmessage',
  'onmessageerror',
  'close',
] as const;

function remove(scope: object, name: string): void {
  for (let target: object | null = scope; target && target !== Object.prototype; ) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name);
    if (descriptor) {
      if (descriptor.configurable) delete (target as Record<string, unknown>)[name];
      else if (descriptor.writable) (target as Record<string, unknown>)[name] = undefined;
    }
    target = Object.getPrototypeOf(target);
  }
}

const refuse = (what: string) =>
  function denied(): never {
    throw new EvalError(`${what} is not available in the exercise sandbox: write the code out.`);
  };

/** Take the network, the origin's storage and the other tabs away from `scope`. */
export function removeCapabilities(scope: object): void {
  for (const name of DENIED_GLOBALS) remove(scope, name);
}

/** Lock the worker's global scope down. Call once, after the harness has loaded. */
export function lockDown(scope: typeof globalThis = globalThis): void {
  removeCapabilities(scope);

  // No code from strings: eval, the Function constructors (reachable from any function's
  // `constructor`), and timers given a string. These are the realm's own: in the worker only.
  remove(scope, 'eval');
  const functionKinds = [
    Function,
    Object.getPrototypeOf(async () => {}).constructor,
    Object.getPrototypeOf(function* () {}).constructor,
    Object.getPrototypeOf(async function* () {}).constructor,
  ] as FunctionConstructor[];
  for (const kind of functionKinds) {
    const denied = refuse('Building a function from a string');
    denied.prototype = kind.prototype;
    Object.defineProperty(kind.prototype, 'constructor', { value: denied, writable: false });
  }
  const deniedFunction = refuse('The Function constructor');
  deniedFunction.prototype = Function.prototype;
  Object.defineProperty(scope, 'Function', { value: deniedFunction, writable: false });
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const timer = scope[name] as (handler: unknown, ...rest: unknown[]) => number;
    Object.defineProperty(scope, name, {
      value: (handler: unknown, ...rest: unknown[]) => {
        if (typeof handler !== 'function') refuse(`${name} with a string`)();
        return timer.call(scope, handler, ...rest);
      },
      writable: false,
    });
  }
}
