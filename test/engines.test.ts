/**
 * README.md promises Node.js 20.19 or later, and package.json's engines says so: every package
 * npm installs must run there too. @axe-core/playwright 4.14 asks for Node 22.12, so it is pinned
 * to 4.13, the last release without that floor.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};
const readme = readFileSync(new URL('README.md', root), 'utf8');

type Version = [number, number, number];

/** A version, or the lowest one a partial version ("20", "20.19", "20.x") stands for. */
function parse(text: string): { version: Version; given: number } {
  const parts = text.replace(/^v/, '').split('.');
  const given = parts.findIndex((p) => p === '' || p === 'x' || p === 'X' || p === '*');
  const count = given === -1 ? Math.min(parts.length, 3) : given;
  const numbers = [0, 1, 2].map((i) => (i < count ? Number(parts[i]) : 0));
  if (numbers.some((n) => !Number.isInteger(n))) throw new Error(`not a version: ${text}`);
  return { version: numbers as Version, given: count };
}

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Does one comparator (">=20.19", "^20", "~14.17.0", "20.x", "*") admit `v`? */
function admits(comparator: string, v: Version): boolean {
  const match = /^(>=|<=|>|<|=|\^|~)?\s*(.*)$/.exec(comparator);
  const op = match?.[1] ?? '';
  const raw = match?.[2] ?? '';
  if (raw === '*' || raw === 'x' || raw === '') return true;
  const { version: low, given } = parse(raw);
  const bump = (index: number): Version =>
    [0, 1, 2].map((i) => (i < index ? low[i] : i === index ? (low[i] ?? 0) + 1 : 0)) as Version;
  const between = (high: Version) => compare(v, low) >= 0 && compare(v, high) < 0;
  switch (op) {
    case '>=':
      return compare(v, low) >= 0;
    case '>':
      return given < 3 ? compare(v, bump(given - 1)) >= 0 : compare(v, low) > 0;
    case '<':
      return compare(v, low) < 0;
    case '<=':
      return given < 3 ? compare(v, bump(given - 1)) < 0 : compare(v, low) <= 0;
    case '^':
      return between(bump(low[0] > 0 || given === 1 ? 0 : low[1] > 0 || given === 2 ? 1 : 2));
    case '~':
      return between(bump(given === 1 ? 0 : 1));
    default:
      return given < 3 ? between(bump(given - 1)) : compare(v, low) === 0;
  }
}

/** Does a range ("^18 || >=20.19", ">= 14 <16") admit `v`? */
function rangeAdmits(range: string, v: Version): boolean {
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => admits(comparator, v)),
  );
}

describe('the Node.js version the README promises', () => {
  const promised = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1] ?? '';
  const floor = parse(promised).version;

  it('is package.json engines.node, and the README says the same', () => {
    expect(pkg.engines.node).toBe('>=20.19');
    expect(readme).toContain('You need Node.js 20.19 or later.');
  });

  it('reads ranges the way npm does', () => {
    expect(rangeAdmits('>=22.12.0', floor)).toBe(false);
    expect(rangeAdmits('^20.19.0 || >=22.12.0', floor)).toBe(true);
    expect(rangeAdmits('^18 || ^20 || >=22', floor)).toBe(true);
    expect(rangeAdmits('>= 14', floor)).toBe(true);
    expect(rangeAdmits('>=14 <20', floor)).toBe(false);
    expect(rangeAdmits('20.x', floor)).toBe(true);
    expect(rangeAdmits('^20.20', floor)).toBe(false);
    expect(rangeAdmits('~20.19.0', floor)).toBe(true);
  });

  it('runs every installed package: no engines.node in package-lock.json excludes it', () => {
    const excluded = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return node && !rangeAdmits(node, floor)
          ? [`${path.replace(/^node_modules\//, '')}@${entry.version}: node ${node}`]
          : [];
      });
    expect(excluded).toEqual([]);
  });
});
