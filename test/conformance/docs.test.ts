/**
 * docs/conformance.md lists every check with its level and the rules its verdicts cite, and quotes
 * every rule verbatim: the page and the runner cannot disagree on a level or a sentence.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, type CheckId, checkRules } from '../../src/conformance/checks.ts';
import { RULES, type RuleId } from '../../src/conformance/rules.ts';

const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8');

/** The table row of a check, as docs/conformance.md writes it. */
function checkRow(id: CheckId): string {
  const [own, ...others] = checkRules(id);
  const link = (rule: RuleId) => `[${RULES[rule].ref}](#${rule.toLowerCase()})`;
  const cited = [
    link(own as RuleId),
    ...others.map((rule) => `${RULES[rule].level}: ${link(rule)}`),
  ].join('; ');
  return `| \`${id}\` | ${RULES[CHECKS[id].rule].level} | ${CHECKS[id].title} | ${cited} |`;
}

/** The section that quotes a rule. */
function ruleSection(id: RuleId): string {
  const rule = RULES[id];
  return [
    `#### ${id}`,
    '',
    `**${rule.level}**, ${rule.ref}`,
    '',
    `> ${rule.quote}`,
    ...(rule.reading ? ['', `Read as: ${rule.reading}.`] : []),
    '',
  ].join('\n');
}

describe('docs/conformance.md', () => {
  it.each(Object.keys(CHECKS) as CheckId[])('lists %s with its level and rules', (id) => {
    expect(doc).toContain(checkRow(id));
  });
  it.each(Object.keys(RULES) as RuleId[])('quotes rule %s verbatim, with its level', (id) => {
    expect(doc).toContain(ruleSection(id));
  });
});
