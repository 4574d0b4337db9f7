/**
 * docs/architecture.md is where a newcomer starts: every folder and file it names must exist, and
 * its table of ui parts must list exactly the folders in src/ui (the layering biome.json enforces).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');

/** The names in the folder tree: top-level entries, and the entries indented under `src/`. */
function treeEntries(): string[] {
  const tree = /```\n(lessons\/[\s\S]*?)```/.exec(doc)?.[1];
  if (!tree) throw new Error('docs/architecture.md has no folder tree');
  const paths: string[] = [];
  let parent = '';
  for (const line of tree.split('\n')) {
    const match = /^( *)(\S+\/|\S+\.\w+)(?:\s|$)/.exec(line);
    if (!match?.[2] || match[2].startsWith('`')) continue;
    const [, indent = '', name] = match;
    if (indent.length === 0) {
      parent = name.endsWith('/') ? name : '';
      paths.push(name);
    } else if (indent.length === 2 && parent !== '') {
      paths.push(parent + name);
    }
  }
  return paths;
}

describe('docs/architecture.md', () => {
  it('names only folders and files that exist', () => {
    const named = [
      ...treeEntries(),
      ...[
        ...doc.matchAll(/`((?:src|docs|plugins|scripts|test|e2e|bench|lessons)\/[\w./-]+)`/g),
      ].map((m) => m[1] ?? ''),
    ];
    expect(named.length).toBeGreaterThan(20);
    const missing = named.filter((path) => !existsSync(join(ROOT, path)));
    expect(missing).toEqual([]);
  });

  it('lists exactly the parts of src/ui in its table', () => {
    const section = doc.slice(doc.indexOf('## Inside ui/'));
    const listed = [...section.matchAll(/^\| (.+?) \|/gm)]
      .flatMap((m) => [...(m[1] ?? '').matchAll(/`([\w-]+)\/`/g)].map((n) => n[1]))
      .sort();
    const folders = readdirSync(join(ROOT, 'src/ui'))
      .filter((name) => statSync(join(ROOT, 'src/ui', name)).isDirectory())
      .sort();
    expect(listed).toEqual(folders);
  });
});
