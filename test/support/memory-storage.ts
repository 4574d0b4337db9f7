/**
 * A Web `Storage` in memory, for code that keeps things in localStorage, run in Node. It can be
 * made full (`quota`, in characters per value) or broken (every call throws, as a storage the
 * browser disabled does).
 */
export class MemoryStorage implements Storage {
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
    this.#check();
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#check();
    if (value.length > this.quota) {
      throw new DOMException('Setting the value exceeded the quota.', 'QuotaExceededError');
    }
    this.items.set(key, String(value));
  }
  #check() {
    if (this.broken) throw new DOMException('The operation is insecure.', 'SecurityError');
  }
}
