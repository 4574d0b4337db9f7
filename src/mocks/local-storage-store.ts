import type { ServerSnapshot, StateStore } from '../protocol';

/** Bump when the snapshot shape changes: older records are then ignored and the seed is used. */
const STORE_VERSION = 1;
const DEFAULT_KEY = 'ccp:server-state';
/** Writes are coalesced: the core may save after every request, localStorage is synchronous. */
const WRITE_DELAY_MS = 200;

interface StoredRecord {
  v: number;
  snapshot: ServerSnapshot;
}

export interface LocalStorageStore extends StateStore {
  /** Write a pending snapshot now (called on `pagehide`, so a reload never loses a save). */
  flush(): void;
  /** Forget the persisted state (the next load starts from the seed). */
  clear(): void;
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
  let pending: ServerSnapshot | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function write(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (pending === undefined || storage === undefined) return;
    const record: StoredRecord = { v: STORE_VERSION, snapshot: pending };
    pending = undefined;
    try {
      storage.setItem(key, JSON.stringify(record));
    } catch (error) {
      // Quota exceeded or storage disabled: the servers keep working, only without persistence.
      console.warn('[playground] could not persist the mock server state', error);
    }
  }

  return {
    async load() {
      if (storage === undefined) return undefined;
      let raw: string | null;
      try {
        raw = storage.getItem(key);
      } catch {
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
      pending = snapshot;
      if (timer === undefined) timer = setTimeout(write, WRITE_DELAY_MS);
    },
    flush: write,
    clear() {
      pending = undefined;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      try {
        storage?.removeItem(key);
      } catch {
        // nothing to clear
      }
    },
  };
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
