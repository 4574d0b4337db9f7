import { describe, expect, it, vi } from 'vitest';
import {
  createLocalStorageStore,
  type StorageProblem,
} from '../../src/mocks/local-storage-store.ts';
import { createMockServer } from '../../src/protocol/index.ts';
import { MemoryStorage } from '../support/memory-storage.ts';

const HOSTS = {
  issuer: 'https://auth.example.com',
  apiOrigin: 'https://api.example.com',
  audience: 'https://api.example.com',
};

describe('the localStorage store', () => {
  it('says the storage is full when a save does not fit, and clears it once one does', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const storage = new MemoryStorage();
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
    const storage = new MemoryStorage();
    storage.broken = true;
    const store = createLocalStorageStore({ storage });
    const server = await createMockServer({ ...HOSTS, store });
    expect(store.problem()).toMatchObject({ kind: 'unavailable' });
    expect(store.problem()?.cause).toContain('SecurityError');
    // The servers work all the same.
    expect(server.admin.listClients().length).toBeGreaterThan(0);
  });
});
