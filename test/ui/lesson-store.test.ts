/**
 * The lesson store's reset against a Storage whose key order changes as keys are removed, as a
 * browser's may (the order of `localStorage.key(i)` is not specified): "Reset server" must still
 * clear every lesson.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getLessonState,
  LESSON_STORAGE_PREFIX,
  resetAllLessons,
} from '../../src/ui/shared/lesson-store.ts';

/** A Storage that lists its keys in a new order after every removal. */
class ShufflingStorage implements Storage {
  #items = new Map<string, string>();
  #order: string[] = [];
  get length() {
    return this.#order.length;
  }
  key(index: number) {
    return this.#order[index] ?? null;
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (!this.#items.has(key)) this.#order.push(key);
    this.#items.set(key, value);
  }
  removeItem(key: string) {
    this.#items.delete(key);
    this.#order = this.#order.filter((k) => k !== key);
    // Rotate: what was last comes first.
    const last = this.#order.pop();
    if (last !== undefined) this.#order.unshift(last);
  }
  clear() {
    this.#items.clear();
    this.#order = [];
  }
}

let storage: ShufflingStorage;
beforeEach(() => {
  storage = new ShufflingStorage();
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true });
});
afterEach(() => {
  Reflect.deleteProperty(globalThis, 'localStorage');
});

describe('resetAllLessons', () => {
  it('clears every lesson, whatever order the storage lists its keys in', () => {
    const saved = { v: 1, vars: { access_token: 't' }, progress: { 'get-token': 'done' } };
    for (const slug of ['a', 'b', 'c', 'd', 'e', 'f']) {
      storage.setItem(`${LESSON_STORAGE_PREFIX}${slug}`, JSON.stringify(saved));
    }
    storage.setItem('ccp:theme', 'dark');
    expect(getLessonState('c').progress).toEqual({ 'get-token': 'done' });

    resetAllLessons();

    const left = Array.from({ length: storage.length }, (_, i) => storage.key(i));
    expect(left).toEqual(['ccp:theme']);
    for (const slug of ['a', 'b', 'c', 'd', 'e', 'f']) {
      expect(getLessonState(slug).progress).toEqual({});
    }
  });
});
