import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, createLogger, createServer, type Logger, type Rollup } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonsPlugin } from '../../plugins/lessons.ts';
import type {
  CompiledLesson,
  LessonListEntry,
  MarkdownNode,
} from '../../src/lessons/lesson-types.ts';

const lesson = (title: string, order: number, body = 'Some text.') =>
  `---\ntitle: ${title}\nsummary: s\norder: ${order}\nduration: 3 min\n---\n${body}\n`;

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'lessons-plugin-'));
  mkdirSync(path.join(root, 'lessons'));
  writeFileSync(
    path.join(root, 'lessons', '01-first.md'),
    lesson(
      'First',
      1,
      'A body only its own chunk holds.\n\n```request id=get\nGET https://api.example.com/x\n```',
    ),
  );
  writeFileSync(
    path.join(root, 'lessons', '02-broken.md'),
    lesson('Broken', 2, '```reqest id=a\n```'),
  );
  writeFileSync(path.join(root, 'lessons', 'README.md'), '# Not a lesson\n');
  writeFileSync(
    path.join(root, 'main.js'),
    "import { lessons, loadLesson } from 'virtual:lessons';\nexport { loadLesson };\nexport default lessons;\n",
  );
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A logger that records what the plugin prints. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('info', { allowClearScreen: false });
  const record = (message: string) => {
    lines.push(message);
  };
  return Object.assign(logger, {
    lines,
    info: record,
    warn: record,
    warnOnce: record,
    error: record,
  });
}

async function buildFixture(strict = false) {
  const logger = recordingLogger();
  const output = (await build({
    root,
    configFile: false,
    customLogger: logger,
    plugins: [lessonsPlugin({ strict })],
    build: {
      write: false,
      minify: false,
      rollupOptions: { input: path.join(root, 'main.js'), preserveEntrySignatures: 'strict' },
    },
  })) as Rollup.RollupOutput;
  const chunks = output.output.filter((item): item is Rollup.OutputChunk => item.type === 'chunk');
  // Written out so the entry can import its lazy chunks when the test runs it.
  const out = path.join(root, 'out');
  for (const chunk of chunks) {
    mkdirSync(path.dirname(path.join(out, chunk.fileName)), { recursive: true });
    writeFileSync(path.join(out, chunk.fileName), chunk.code);
  }
  const entry = chunks.find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('no entry chunk');
  return {
    code: chunks.map((chunk) => chunk.code).join('\n'),
    entryCode: entry.code,
    entryFile: path.join(out, entry.fileName),
    chunkCount: chunks.length,
    lines: logger.lines,
  };
}

const textOf = (nodes: MarkdownNode[]): string => JSON.stringify(nodes);

describe('vite build', () => {
  it('ships the lesson list in the entry, each body as its own chunk, a broken one as an error card, and no markdown parser', async () => {
    const { code, entryCode, entryFile, chunkCount, lines } = await buildFixture();
    // Run what was built: the entry's default export is the lesson list.
    const built = (await import(pathToFileURL(entryFile).href)) as {
      default: LessonListEntry[];
      loadLesson: (slug: string) => Promise<CompiledLesson>;
    };
    const entries = built.default;
    expect(entries.map((e) => [e.file, e.status])).toEqual([
      ['lessons/01-first.md', 'ok'],
      ['lessons/02-broken.md', 'broken'],
    ]);
    const [first, broken] = entries;
    // The list carries what the home page needs, not the body.
    expect(first).toMatchObject({ title: 'First', duration: '3 min', stepKeys: ['get'] });
    expect(first).not.toHaveProperty('body');
    expect(broken?.diagnostics[0]?.message).toContain('Unknown block "reqest"');
    expect(entryCode).not.toContain('A body only its own chunk holds.');
    expect(chunkCount).toBe(2);

    const loaded = await built.loadLesson('first');
    expect(loaded.title).toBe('First');
    expect(textOf(loaded.body)).toContain('A body only its own chunk holds.');
    await expect(built.loadLesson('broken')).rejects.toThrow('No compiled lesson "broken"');
    expect(code).not.toMatch(/micromark|mdast|remark|unified|LineCounter/);

    const printed = lines.join('\n');
    expect(printed).toContain(
      'lessons/02-broken.md:7:4 Unknown block "reqest". Did you mean "request"?',
    );
    expect(printed).toContain(
      '[lessons] 1 of 2 lessons failed to compile (lessons/02-broken.md). They ship as error cards; the other lessons work.',
    );
  });

  it('fails the build instead in strict mode', async () => {
    await expect(buildFixture(true)).rejects.toThrow(
      /1 of 2 lessons failed to compile[\s\S]*lessons\/02-broken\.md:7:4 Unknown block "reqest"/,
    );
  });
});

describe('vite dev', () => {
  it('recompiles when a lesson is edited, added or removed, and sends errors to the overlay', async () => {
    const logger = recordingLogger();
    const server = await createServer({
      root,
      configFile: false,
      customLogger: logger,
      plugins: [lessonsPlugin()],
      server: { middlewareMode: true, ws: false },
    });
    try {
      const client = server.environments.client;
      const sent: unknown[] = [];
      const send = client.hot.send.bind(client.hot);
      client.hot.send = ((payload: unknown) => {
        sent.push(payload);
        return send(payload as never);
      }) as typeof client.hot.send;

      const load = async () => (await client.transformRequest('virtual:lessons'))?.code ?? '';
      const first = await load();
      expect(first).toContain('\\"title\\":\\"First\\"');
      expect(first).not.toContain('A body only its own chunk holds.');
      expect(first).toMatch(/import\("[^"]*virtual:lessons\/first"\)/);
      const loadBody = async () =>
        (await client.transformRequest('virtual:lessons/first'))?.code ?? '';
      expect(await loadBody()).toContain('A body only its own chunk holds.');
      // The module accepts its own updates, so the page re-renders without a reload.
      expect(first).toContain('import.meta.hot.accept(');
      expect(sent).toContainEqual(
        expect.objectContaining({
          type: 'error',
          err: expect.objectContaining({
            message: expect.stringContaining('lessons/02-broken.md:7:4 Unknown block "reqest"'),
            loc: { file: path.join(root, 'lessons/02-broken.md'), line: 7, column: 4 },
          }),
        }),
      );

      // The file watcher, hotUpdate and the module graph do the rest; poll until they have.
      const until = async (check: (code: string) => boolean) => {
        for (let attempt = 0; attempt < 100; attempt++) {
          const code = await load();
          if (check(code)) return code;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('the virtual module never changed');
      };
      writeFileSync(
        path.join(root, 'lessons', '01-first.md'),
        lesson('First, edited', 1, 'An edited body.'),
      );
      await until((code) => code.includes('First, edited'));
      // The body module was invalidated with the index: it serves the edit too.
      expect(await loadBody()).toContain('An edited body.');
      writeFileSync(path.join(root, 'lessons', '03-new.md'), lesson('Newcomer', 3));
      await until((code) => code.includes('Newcomer'));
      rmSync(path.join(root, 'lessons', '02-broken.md'));
      const code = await until((code) => !code.includes('02-broken'));
      expect(code).toContain('03-new.md');
      expect(logger.lines.join('\n')).toContain('lessons/02-broken.md:7:4 Unknown block');
    } finally {
      await server.close();
    }
  });
});
