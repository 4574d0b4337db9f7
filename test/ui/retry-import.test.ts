import { describe, expect, it } from 'vitest';
import { retryImport } from '../../src/ui/shared/retry-import.ts';

/** A load that fails its first `failures` calls, then gives `value`. */
function flaky(failures: number, value = 'module') {
  let calls = 0;
  const load = async () => {
    calls++;
    if (calls <= failures) throw new TypeError(`load ${calls} failed`);
    return value;
  };
  return { load, calls: () => calls };
}

describe('retryImport', () => {
  it('loads once when the first load works', async () => {
    const f = flaky(0);
    await expect(retryImport(f.load, 0)).resolves.toBe('module');
    expect(f.calls()).toBe(1);
  });

  it('tries once more after a failed load, after the pause', async () => {
    const f = flaky(1);
    const loaded = retryImport(f.load, 30);
    // The failure is in; the second try waits for the pause (a page being left never makes it).
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(f.calls()).toBe(1);
    await expect(loaded).resolves.toBe('module');
    expect(f.calls()).toBe(2);
  });

  it('reports the second failure, and tries no more', async () => {
    const f = flaky(5);
    await expect(retryImport(f.load, 0)).rejects.toThrow('load 2 failed');
    expect(f.calls()).toBe(2);
  });
});
