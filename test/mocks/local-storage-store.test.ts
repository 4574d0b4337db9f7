import { describe, expect, it, vi } from 'vitest';
import {
  createLocalStorageStore,
  type StorageProblem,
} from '../../src/mocks/local-storage-store.ts';
import { createMockServer } from '../../src/protocol/index.ts';

/** A Storage in memory that can be made full or broken. */
class FakeStorage implements Storage {
  readonly items = new Map<string, string>();
  quota = Number.POSITIVE_INFINITY;
  broken = false;
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    if (this.broken) throw new DOMException('The operation is insecure.', 'SecurityError');
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    if (this.broken) throw new DOMException('The operation is insecure.', 'SecurityError');
    if (value.length > this.quota) {
      throw new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
    }
    this.items.set(key, value);
  }
}

const HOSTS = {
  issuer: 'https://auth.example.com',
  apiOrigin: 'https://api.example.com',
  audience: 'https://api.example.com',
};

describe('the localStorage store', () => {
  it('says the storage is full when a save does not fit, and clears it once one does', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const storage = new FakeStorage();
    const store = createLocalStorageStore({ storage });
    const seen: (StorageProblem | undefined)[] = [];
    store.onProblemChange((problem) => seen.push(problem));
    const server = await createMockServer({ ...HOSTS, store });
    await server.flush();
    store.flush();
    expect(store.problem()).toBeUndefined();

    storage.quota = 10;
    await server.admin.setClock({ advance: 60 });
    await server.flush();
    store.flush();
    expect(store.problem()).toMatchObject({ kind: 'full' });
    expect(store.problem()?.cause).toContain('QuotaExceededError');

    storage.quota = Number.POSITIVE_INFINITY;
    await server.admin.setClock({ advance: 60 });
    await server.flush();
    store.flush();
    expect(store.problem()).toBeUndefined();
    expect(seen.map((problem) => problem?.kind)).toEqual(['full', undefined]);
  });

  it('says the storage is unavailable when the browser refuses it', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const storage = new FakeStorage();
    storage.broken = true;
    const store = createLocalStorageStore({ storage });
    const server = await createMockServer({ ...HOSTS, store });
    expect(store.problem()).toMatchObject({ kind: 'unavailable' });
    expect(store.problem()?.cause).toContain('SecurityError');
    // The servers work all the same.
    expect(server.admin.listClients().length).toBeGreaterThan(0);
  });
});
