import type { ServerSnapshot, StateStore } from '../protocol';

/** Bump when the snapshot shape changes: older records are then ignored and the seed is used. */
const STORE_VERSION = 1;
const DEFAULT_KEY = 'ccp:server-state';
/**
 * Writes are deferred: localStorage is synchronous, and a write serializes the whole snapshot
 * (log, issued-token index, keys), a few milliseconds on a busy machine. A burst of requests
 * (a learner's Send, "Replay all", a bench) ends in one write, made when the page is idle:
 * after WRITE_DELAY_MS without a save, or at the latest WRITE_MAX_WAIT_MS after the first
 * unsaved change. `flush()` writes at once: the browser runtime calls it on `pagehide` and when
 * the tab is hidden, so a reload or a closed tab never loses a change.
 */
const WRITE_DELAY_MS = 1000;
const WRITE_MAX_WAIT_MS = 5000;
/** How long an idle callback may wait for an idle moment before it runs anyway. */
const IDLE_TIMEOUT_MS = 1000;

interface StoredRecord {
  v: number;
  snapshot: ServerSnapshot;
}

/**
 * Why the servers' state is not being saved: the site's storage is `full` (quota exceeded) or
 * `unavailable` (blocked by a setting or a privacy mode, or broken). The servers keep working in
 * the page; what is lost is the state on the next reload, so the learner must be told.
 */
export interface StorageProblem {
  kind: 'full' | 'unavailable';
  /** The browser's own words, for the curious (e.g. "QuotaExceededError: …"). */
  cause: string;
}

export interface LocalStorageStore extends StateStore {
  /** Write a pending snapshot now (called on `pagehide`, so a reload never loses a save). */
  flush(): void;
  /** Forget the persisted state (the next load starts from the seed). */
  clear(): void;
  /** Why the last write (or the storage itself) failed; undefined once a write succeeds. */
  problem(): StorageProblem | undefined;
  /** Called whenever {@link problem} changes. Returns an unsubscribe function. */
  onProblemChange(listener: (problem: StorageProblem | undefined) => void): () => void;
}

export interface LocalStorageStoreOptions {
  key?: string;
  storage?: Storage;
}

/**
 * A `StateStore` that keeps the mock servers' state in one versioned localStorage key.
 * Corrupt JSON, a different version or an unavailable storage all read as "nothing saved",
 * so the core falls back to its seed instead of failing to start.
 */
export function createLocalStorageStore(options: LocalStorageStoreOptions = {}): LocalStorageStore {
  const key = options.key ?? DEFAULT_KEY;
  const storage = options.storage ?? safeLocalStorage();
  let problem: StorageProblem | undefined =
    storage === undefined
      ? { kind: 'unavailable', cause: 'localStorage is not available' }
      : undefined;
  const problemListeners = new Set<(problem: StorageProblem | undefined) => void>();
  const setProblem = (next: StorageProblem | undefined) => {
    if (next?.kind === problem?.kind && next?.cause === problem?.cause) return;
    problem = next;
    for (const listener of problemListeners) listener(problem);
  };
  let pending: ServerSnapshot | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let idle: number | undefined;
  /** When the oldest unsaved change was handed over (for the max wait). */
  let firstPendingAt = 0;

  function cancelScheduled(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (idle !== undefined) globalThis.cancelIdleCallback?.(idle);
    idle = undefined;
  }

  function write(): void {
    cancelScheduled();
    if (pending === undefined || storage === undefined) return;
    const record: StoredRecord = { v: STORE_VERSION, snapshot: pending };
    pending = undefined;
    try {
      storage.setItem(key, JSON.stringify(record));
      setProblem(undefined);
    } catch (error) {
      // Quota exceeded or storage disabled: the servers keep working, only without persistence,
      // and the page says so (the state would be lost on the next reload).
      console.warn('[playground] could not persist the mock server state', error);
      setProblem(storageProblemOf(error));
    }
  }

  function writeWhenIdle(): void {
    timer = undefined;
    if (typeof globalThis.requestIdleCallback === 'function') {
      idle = globalThis.requestIdleCallback(
        () => {
          idle = undefined;
          write();
        },
        { timeout: IDLE_TIMEOUT_MS },
      );
    } else {
      write();
    }
  }

  function schedule(): void {
    if (idle !== undefined) return; // a write is already waiting for an idle moment
    const now = Date.now();
    if (timer === undefined) firstPendingAt = now;
    else clearTimeout(timer);
    const delay = Math.min(WRITE_DELAY_MS, Math.max(0, firstPendingAt + WRITE_MAX_WAIT_MS - now));
    timer = setTimeout(writeWhenIdle, delay);
  }

  return {
    async load() {
      if (storage === undefined) return undefined;
      let raw: string | null;
      try {
        raw = storage.getItem(key);
      } catch (error) {
        setProblem(storageProblemOf(error));
        return undefined;
      }
      if (raw === null) return undefined;
      try {
        const parsed: unknown = JSON.parse(raw);
        if (isRecord(parsed) && parsed.v === STORE_VERSION && isRecord(parsed.snapshot)) {
          return parsed.snapshot as unknown as ServerSnapshot;
        }
      } catch {
        // fall through: corrupt JSON is treated like no saved state
      }
      console.warn(`[playground] ignoring unreadable saved state in localStorage["${key}"]`);
      return undefined;
    },
    async save(snapshot) {
      // The core hands over its live state: holding the reference is enough until the write.
      pending = snapshot;
      schedule();
    },
    flush: write,
    clear() {
      pending = undefined;
      cancelScheduled();
      try {
        storage?.removeItem(key);
      } catch {
        // nothing to clear
      }
    },
    problem: () => problem,
    onProblemChange(listener) {
      problemListeners.add(listener);
      return () => {
        problemListeners.delete(listener);
      };
    },
  };
}

/**
 * A failed storage call as a {@link StorageProblem}. Browsers name a full quota differently:
 * `QuotaExceededError` (the standard; code 22), Firefox's older `NS_ERROR_DOM_QUOTA_REACHED`
 * (code 1014).
 */
export function storageProblemOf(error: unknown): StorageProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  const code = (error as { code?: unknown } | null)?.code;
  const full =
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    code === 22 ||
    code === 1014;
  const cause =
    error instanceof Error || error instanceof DOMException
      ? `${error.name}: ${error.message}`
      : String(error);
  return { kind: full ? 'full' : 'unavailable', cause };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeLocalStorage(): Storage | undefined {
  try {
    // Accessing localStorage throws in some privacy modes and sandboxed iframes.
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
