/**
 * e2e/README.md shows nothing that does not run: every TypeScript snippet in it is a run of lines
 * of a spec in e2e/examples (indentation aside, and `./fixtures` as a spec in e2e/ imports it),
 * and Playwright runs e2e/examples with the rest of the suite. The export command it shows is the
 * one the panel builds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { playwrightRunCommand } from '../src/client/export-request.ts';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('e2e/README.md', root), 'utf8');
const examplesDir = new URL('e2e/examples/', root);
const examples = readdirSync(examplesDir)
  .filter((name) => name.endsWith('.spec.ts'))
  .map((name) => ({ name, lines: lines(readFileSync(new URL(name, examplesDir), 'utf8')) }));

/** A text's lines without their indentation, the fixtures imported as from e2e/examples. */
function lines(text: string): string[] {
  return text
    .replace(/from '\.\/fixtures'/g, "from '../fixtures'")
    .split('\n')
    .map((line) => line.trim());
}

/** The example whose lines hold `snippet`'s lines, one after another. */
function exampleHolding(snippet: string): string | undefined {
  const wanted = lines(snippet.trimEnd());
  return examples.find(({ lines: have }) =>
    have.some((_, start) => wanted.every((line, i) => have[start + i] === line)),
  )?.name;
}

const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('e2e/README.md', () => {
  it('has TypeScript snippets to check', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(6);
  });

  it.each(snippets.map((snippet) => [snippet.split('\n')[0], snippet]))(
    'runs the snippet starting %s as part of a spec in e2e/examples',
    (_, snippet) => {
      expect(exampleHolding(snippet), `not in any e2e/examples spec:\n${snippet}`).toBeDefined();
    },
  );

  it('shows the command the export panel builds', () => {
    expect(readme).toContain(playwrightRunCommand('after.spec.ts'));
  });
});
