import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/conformance/checks.ts';

const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8');

describe('docs/conformance.md', () => {
  it.each(Object.entries(CHECKS))('lists %s with its level and RFC', (id, check) => {
    expect(doc).toContain(`| \`${id}\` | ${check.level} | ${check.rfc} | ${check.title} |`);
  });
});
