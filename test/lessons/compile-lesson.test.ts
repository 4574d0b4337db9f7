import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toCurl } from '../../src/client/export-request.ts';
import { compileLesson, slugFromFileName } from '../../src/lessons/compile-lesson.ts';
import { compileLessons } from '../../src/lessons/compile-lessons.ts';
import type { CompiledLesson } from '../../src/lessons/lesson-types.ts';
import { FILE, FRONT_MATTER, fence } from './fixture.ts';

function compileOk(source: string, file = FILE): CompiledLesson {
  const result = compileLesson(source, file);
  if (!result.ok)
    throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return result.lesson;
}

describe('a good lesson', () => {
  const source = [
    FRONT_MATTER,
    'Intro with *emphasis*, `code` and a [link](https://www.rfc-editor.org/rfc/rfc6749).',
    '',
    '## Get a token',
    '',
    fence(
      'request id=get-token title="Get a token" expect=200 save=access_token editable auth-method=client_secret_basic',
      'POST https://auth.example.com/oauth/token',
      'Content-Type: application/x-www-form-urlencoded',
      'Authorization: Basic {{$basic demo-client demo-secret}}',
      '',
      'grant_type=client_credentials&scope=read:users',
    ),
    '',
    fence('curl for=get-token'),
    '',
    '## Get a token',
    '',
    '> [!TIP]',
    '> Tokens *expire*.',
    '',
    '| claim | meaning |',
    '| :-- | --: |',
    '| `aud` | who it is for |',
    '',
    '- [x] done',
    '- open',
    '',
    fence('json', '{"a": 1}'),
    '',
    fence('jwt highlight="scope aud"'),
  ].join('\n');

  it('compiles to the expected tree', () => {
    const lesson = compileOk(source);
    expect(lesson).toEqual({
      status: 'ok',
      slug: 'fixture',
      file: FILE,
      title: 'A fixture lesson',
      summary: 'Used by the tests.',
      order: 7,
      duration: '5 min',
      minutes: 5,
      sections: [
        { id: 'get-a-token', title: 'Get a token' },
        { id: 'get-a-token-1', title: 'Get a token' },
      ],
      server: { clock: 'real' },
      diagnostics: [],
      body: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', value: 'Intro with ' },
            { type: 'emphasis', children: [{ type: 'text', value: 'emphasis' }] },
            { type: 'text', value: ', ' },
            { type: 'inlineCode', value: 'code' },
            { type: 'text', value: ' and a ' },
            {
              type: 'link',
              href: 'https://www.rfc-editor.org/rfc/rfc6749',
              children: [{ type: 'text', value: 'link' }],
            },
            { type: 'text', value: '.' },
          ],
        },
        {
          type: 'heading',
          depth: 2,
          id: 'get-a-token',
          children: [{ type: 'text', value: 'Get a token' }],
        },
        {
          type: 'block',
          block: {
            kind: 'request',
            id: 'get-token',
            title: 'Get a token',
            expect: { status: 200 },
            save: [{ variable: 'access_token', path: ['access_token'] }],
            editable: true,
            authMethod: 'client_secret_basic',
            request: {
              method: 'POST',
              url: 'https://auth.example.com/oauth/token',
              headers: [
                ['Content-Type', 'application/x-www-form-urlencoded'],
                ['Authorization', 'Basic {{$basic demo-client demo-secret}}'],
              ],
              body: 'grant_type=client_credentials&scope=read:users',
              source: [
                'POST https://auth.example.com/oauth/token',
                'Content-Type: application/x-www-form-urlencoded',
                'Authorization: Basic {{$basic demo-client demo-secret}}',
                '',
                'grant_type=client_credentials&scope=read:users',
              ].join('\n'),
            },
            source: { file: FILE, line: 11 },
          },
        },
        {
          type: 'block',
          block: {
            kind: 'curl',
            for: 'get-token',
            // The client's exporter, so the command matches what the page's "copy as curl" gives.
            command: toCurl({
              method: 'POST',
              url: 'https://auth.example.com/oauth/token',
              headers: [
                ['Content-Type', 'application/x-www-form-urlencoded'],
                ['Authorization', 'Basic {{$basic demo-client demo-secret}}'],
              ],
              body: 'grant_type=client_credentials&scope=read:users',
            }),
            source: { file: FILE, line: 19 },
          },
        },
        {
          type: 'heading',
          depth: 2,
          id: 'get-a-token-1',
          children: [{ type: 'text', value: 'Get a token' }],
        },
        {
          type: 'callout',
          kind: 'tip',
          children: [
            {
              type: 'paragraph',
              children: [
                { type: 'text', value: 'Tokens ' },
                { type: 'emphasis', children: [{ type: 'text', value: 'expire' }] },
                { type: 'text', value: '.' },
              ],
            },
          ],
        },
        {
          type: 'table',
          align: ['left', 'right'],
          rows: [
            [[{ type: 'text', value: 'claim' }], [{ type: 'text', value: 'meaning' }]],
            [[{ type: 'inlineCode', value: 'aud' }], [{ type: 'text', value: 'who it is for' }]],
          ],
        },
        {
          type: 'list',
          ordered: false,
          items: [
            {
              checked: true,
              children: [{ type: 'paragraph', children: [{ type: 'text', value: 'done' }] }],
            },
            { children: [{ type: 'paragraph', children: [{ type: 'text', value: 'open' }] }] },
          ],
        },
        { type: 'code', lang: 'json', value: '{"a": 1}' },
        {
          type: 'block',
          block: {
            kind: 'jwt',
            from: 'access_token',
            savedBy: ['get-token'],
            highlight: ['scope', 'aud'],
            source: { file: FILE, line: 38 },
          },
        },
      ],
    });
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const lesson = compileOk(source);
    expect(JSON.parse(JSON.stringify(lesson))).toEqual(lesson);
  });
});

describe('raw HTML', () => {
  it('is kept as text, never as an HTML node the renderer could inject', () => {
    const lesson = compileOk(
      `${FRONT_MATTER}\n<img src=x onerror="alert(1)">\n\nInline <b onclick="x()">bold</b> text.`,
    );
    expect(lesson.body).toEqual([
      { type: 'rawHtml', value: '<img src=x onerror="alert(1)">' },
      {
        type: 'paragraph',
        children: [
          { type: 'text', value: 'Inline ' },
          { type: 'rawHtml', value: '<b onclick="x()">' },
          { type: 'text', value: 'bold' },
          { type: 'rawHtml', value: '</b>' },
          { type: 'text', value: ' text.' },
        ],
      },
    ]);
    expect(lesson.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity}`)).toEqual([
      '7:1 warning',
      '9:8 warning',
      '9:29 warning',
    ]);
  });
});

describe('blocks with YAML bodies', () => {
  it('compiles negatives, flow and exercise blocks', () => {
    const lesson = compileOk(
      [
        FRONT_MATTER,
        fence('flow steps="token api introspect" highlight=api title="Three calls"'),
        fence(
          'negatives id=bad-secrets',
          '- name: Wrong secret',
          '  why: The server compares the secret.',
          '  request: |',
          '    POST https://auth.example.com/oauth/token',
          '    Content-Type: application/x-www-form-urlencoded',
          '    Authorization: Basic {{$basic demo-client wrong}}',
          '',
          '    grant_type=client_credentials',
          '  expect: 401 invalid_client',
          '- name: No token',
          '  request: GET https://api.example.com/api/v1/users',
          '  expect: { status: 401, www_authenticate: Bearer realm= }',
        ),
        fence(
          'request id=get-token save=access_token',
          'POST https://auth.example.com/oauth/token',
          'Content-Type: application/x-www-form-urlencoded',
          '',
          'grant_type=client_credentials&client_id=orders-service&client_secret=orders-secret',
        ),
        fence(
          'exercise id=read-orders title="Read the orders"',
          'goal: Get a token that can read orders.',
          'hint: Which seeded client has read:orders?',
          'check:',
          '  token:',
          '    scope_includes: [read:orders]',
          '    claims: { client_id: orders-service }',
          '  response:',
          '    status: 200',
        ),
      ].join('\n'),
    );
    const blocks = lesson.body.map((node) => (node.type === 'block' ? node.block : node));
    expect(blocks.filter((block) => !('kind' in block) || block.kind !== 'request')).toEqual([
      {
        kind: 'flow',
        title: 'Three calls',
        steps: ['token', 'api', 'introspect'],
        highlight: 'api',
        diagram: '',
        source: { file: FILE, line: 7 },
      },
      {
        kind: 'negatives',
        id: 'bad-secrets',
        cases: [
          {
            name: 'Wrong secret',
            why: 'The server compares the secret.',
            request: {
              method: 'POST',
              url: 'https://auth.example.com/oauth/token',
              headers: [
                ['Content-Type', 'application/x-www-form-urlencoded'],
                ['Authorization', 'Basic {{$basic demo-client wrong}}'],
              ],
              body: 'grant_type=client_credentials',
              source: [
                'POST https://auth.example.com/oauth/token',
                'Content-Type: application/x-www-form-urlencoded',
                'Authorization: Basic {{$basic demo-client wrong}}',
                '',
                'grant_type=client_credentials',
              ].join('\n'),
            },
            expect: { status: 401, error: 'invalid_client' },
          },
          {
            name: 'No token',
            request: {
              method: 'GET',
              url: 'https://api.example.com/api/v1/users',
              headers: [],
              body: '',
              source: 'GET https://api.example.com/api/v1/users',
            },
            expect: { status: 401, www_authenticate: 'Bearer realm=' },
          },
        ],
        source: { file: FILE, line: 9 },
      },
      {
        kind: 'exercise',
        id: 'read-orders',
        title: 'Read the orders',
        goal: 'Get a token that can read orders.',
        hint: 'Which seeded client has read:orders?',
        check: {
          response: { status: 200 },
          token: {
            variable: 'access_token',
            scope_includes: ['read:orders'],
            claims: { client_id: 'orders-service' },
          },
        },
        source: { file: FILE, line: 29 },
      },
    ]);
  });
});

describe('slugs and lesson sets', () => {
  it('derives the slug from the file name without its order prefix', () => {
    expect(slugFromFileName('lessons/01-what-and-why.md')).toBe('what-and-why');
    expect(
      compileOk(`---\ntitle: t\nsummary: s\norder: 1\nduration: 1 min\nslug: custom\n---\n`).slug,
    ).toBe('custom');
  });

  it('sorts by order and keeps a broken lesson as an error card beside the good ones', () => {
    const good = (order: number) =>
      `---\ntitle: L${order}\nsummary: s\norder: ${order}\nduration: 1 min\n---\nText.\n`;
    const entries = compileLessons([
      { file: 'lessons/b.md', source: good(2) },
      {
        file: 'lessons/broken.md',
        source: '---\ntitle: Broken\norder: 1.5\n---\n```reqest\n```\n',
      },
      { file: 'lessons/a.md', source: good(1) },
    ]);
    expect(entries.map((e) => [e.file, e.status, e.order])).toEqual([
      ['lessons/a.md', 'ok', 1],
      ['lessons/broken.md', 'broken', 1.5],
      ['lessons/b.md', 'ok', 2],
    ]);
    expect(entries[1]?.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual([
      'lessons/broken.md:1:1',
      'lessons/broken.md:1:1',
      'lessons/broken.md:5:4',
    ]);
  });

  it('rejects a second lesson with the same slug', () => {
    const lesson = `---\ntitle: t\nsummary: s\norder: 1\nduration: 1 min\n---\n`;
    const [, second] = compileLessons([
      { file: 'lessons/01-tokens.md', source: lesson },
      { file: 'lessons/02-tokens.md', source: lesson },
    ]);
    expect(second?.status).toBe('broken');
    expect(second?.diagnostics[0]?.message).toBe(
      'Duplicate slug "tokens": lessons/01-tokens.md already uses it. Rename the file or set "slug" in the front-matter.',
    );
  });
});

describe('the lessons in lessons/', () => {
  const dir = new URL('../../lessons/', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.md') && name !== 'README.md');

  it.each(files)('%s compiles without errors or warnings', (name) => {
    const result = compileLesson(readFileSync(new URL(name, dir), 'utf8'), `lessons/${name}`);
    const diagnostics = result.ok
      ? result.lesson.diagnostics
      : [...result.errors, ...result.warnings];
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`)).toEqual([]);
  });
});

describe('lessons/README.md', () => {
  const readme = readFileSync(new URL('../../lessons/README.md', import.meta.url), 'utf8');
  const all = [...readme.matchAll(/^````markdown\n([\s\S]*?)^````$/gm)].map((m) => m[1] ?? '');
  /** Examples that are whole lessons (front-matter first) must each compile on their own. */
  const wholeLessons = all.filter((example) => example.startsWith('---\n'));
  /** The block examples, in order: together they form one lesson that must compile. */
  const examples = all.filter((example) => !example.startsWith('---\n'));

  it('has a whole-lesson skeleton that compiles on its own', () => {
    expect(wholeLessons).not.toHaveLength(0);
    for (const example of wholeLessons) {
      const result = compileLesson(example, 'lessons/16-rate-limits.md');
      const diagnostics = result.ok
        ? result.lesson.diagnostics
        : [...result.errors, ...result.warnings];
      expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
    }
  });

  it('has an example of every block', () => {
    const names = new Set(examples.map((example) => /^```(\S+)/.exec(example)?.[1]));
    expect([...names].sort()).toEqual([
      'code-exercise',
      'curl',
      'exercise',
      'flow',
      'jwt',
      'lab',
      'negatives',
      'request',
    ]);
  });

  it('has examples that compile, in order, without errors or warnings', () => {
    const result = compileLesson(`${FRONT_MATTER}\n${examples.join('\n')}`, 'lessons/README.md');
    const diagnostics = result.ok
      ? result.lesson.diagnostics
      : [...result.errors, ...result.warnings];
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
  });
});

describe('expectations that name the check and the description', () => {
  const tokenRequest = [
    'POST https://auth.example.com/oauth/token',
    'Content-Type: application/x-www-form-urlencoded',
    '',
    'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
  ];

  it('reads "<status> <error> at <check>" in an option and check/description in YAML', () => {
    const lesson = compileOk(
      [
        FRONT_MATTER,
        fence('request id=get-token save=access_token expect=200', ...tokenRequest),
        fence(
          'request id=after title="After revocation" expect="401 invalid_token at checkNotRevoked"',
          'GET https://api.example.com/api/v1/users',
          'Authorization: Bearer {{access_token}}',
        ),
        fence(
          'negatives id=cases',
          '- name: Revoked',
          '  request: GET https://api.example.com/api/v1/users',
          '  expect: { status: 401, check: extractBearerToken, description: no access token }',
        ),
        fence(
          'exercise id=try',
          'goal: Get refused at the revocation check.',
          'check:',
          '  response:',
          '    request: after',
          '    check: checkNotRevoked',
        ),
      ].join('\n'),
    );
    const blocks = lesson.body.flatMap((node) => (node.type === 'block' ? [node.block] : []));
    expect(blocks[1]).toMatchObject({
      expect: { status: 401, error: 'invalid_token', check: 'checkNotRevoked' },
    });
    expect(blocks[2]).toMatchObject({
      cases: [
        { expect: { status: 401, check: 'extractBearerToken', description: 'no access token' } },
      ],
    });
    // The exercise names the request by the title a learner sees.
    expect(blocks[3]).toMatchObject({
      check: {
        response: { request: 'after', requestTitle: 'After revocation', check: 'checkNotRevoked' },
      },
    });
  });

  it('refuses a check that is not a step name, in an option and in YAML', () => {
    const result = compileLesson(
      [
        FRONT_MATTER,
        fence('request id=a expect="401 invalid_token at not-a-check"', ...tokenRequest),
        fence(
          'negatives',
          '- name: x',
          '  request: GET https://api.example.com/api/v1/users',
          '  expect: { status: 401, check: "revoked check" }',
        ),
      ].join('\n'),
      FILE,
    );
    if (result.ok) throw new Error('compiled a lesson with bad check names');
    expect(result.errors.map((d) => d.message)).toEqual([
      expect.stringContaining('"not-a-check" is not a check name'),
      expect.stringContaining('expected a server step as its log names it'),
    ]);
  });
});

describe('the server state a lesson starts from', () => {
  const lessonWith = (frontMatter: string) =>
    compileLesson(
      [
        '---',
        'title: Time travel',
        'summary: A fixture.',
        'order: 7',
        'duration: 5 min',
        frontMatter,
        '---',
        '',
        'Intro.',
      ].join('\n'),
      FILE,
    );

  it('reads server: clock and settings, and defaults to real time', () => {
    const frozen = lessonWith('server:\n  clock: frozen\n  settings: { leewaySeconds: 300 }');
    if (!frozen.ok) throw new Error(frozen.errors.map((e) => e.message).join('\n'));
    expect(frozen.lesson.server).toEqual({ clock: 'frozen', settings: { leewaySeconds: 300 } });
    const plain = lessonWith('slug: plain');
    expect(plain.ok && plain.lesson.server).toEqual({ clock: 'real' });
  });

  it('names a bad value inside server: at its key', () => {
    const bad = lessonWith('server:\n  clock: stopped\n  settings: { leewaySeconds: 900 }');
    if (bad.ok) throw new Error('compiled a bad server:');
    expect(bad.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      expect.stringMatching(/^6:1 Front-matter "server\.clock": .*real.*frozen/),
      expect.stringMatching(/^6:1 Front-matter "server\.settings\.leewaySeconds": .*300/),
    ]);
  });
});

describe('an inspector keeps the token it explains', () => {
  it('names the requests above it that save its variable, not a later one', () => {
    const token = (id: string, client: string) =>
      fence(
        `request id=${id} expect=200 save=access_token`,
        'POST https://auth.example.com/oauth/token',
        'Content-Type: application/x-www-form-urlencoded',
        '',
        `grant_type=client_credentials&client_id=${client}&client_secret=x`,
      );
    const lesson = compileOk(
      [
        FRONT_MATTER,
        token('first', 'demo-client'),
        token('second', 'orders-service'),
        fence('jwt title="The second token"'),
        token('third', 'reporting-job'),
      ].join('\n'),
    );
    const inspectors = lesson.body.flatMap((node) =>
      node.type === 'block' && node.block.kind === 'jwt' ? [node.block] : [],
    );
    expect(inspectors[0]?.savedBy).toEqual(['first', 'second']);
  });
});
