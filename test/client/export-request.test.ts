import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { transformWithEsbuild } from 'vite';
import { describe, expect, it } from 'vitest';
import {
  type ExportStep,
  playwrightRunCommand,
  shellQuote,
  toCurl,
  toFetch,
  toPlaywrightTest,
} from '../../src/client/export-request.ts';
import type { HttpRequestModel } from '../../src/client/http-request.ts';

const shells = ['bash', 'sh'] as const;

/**
 * Run curl commands in a real shell where `curl` is a function printing its argc and then its
 * argv, NUL-separated (NUL is the one byte no argument can hold, so no value can fake a
 * boundary), and return each command's argv.
 */
function argvOf(commands: string[], shell: (typeof shells)[number]): string[][] {
  const script = [
    `curl() { printf '%s\\0' "$#"; for a in "$@"; do printf '%s\\0' "$a"; done; }`,
    ...commands,
  ].join('\n');
  const fields = execFileSync(shell, ['-c', script], { encoding: 'utf8' }).split('\0');
  fields.pop();
  const runs: string[][] = [];
  for (let i = 0; i < fields.length; ) {
    const count = Number(fields[i]);
    runs.push(fields.slice(i + 1, i + 1 + count));
    i += 1 + count;
  }
  return runs;
}

const tokenRequest: HttpRequestModel = {
  method: 'POST',
  url: 'https://auth.example.com/oauth/token',
  headers: [['Content-Type', 'application/json']],
  body: '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","scope":"read:users"}',
};

describe('toCurl', () => {
  it('prints the seed article command', () => {
    expect(toCurl(tokenRequest)).toBe(
      [
        "curl -X 'POST' 'https://auth.example.com/oauth/token' \\",
        "  -H 'Content-Type: application/json' \\",
        `  --data-raw '${tokenRequest.body}'`,
      ].join('\n'),
    );
    expect(
      toCurl(
        { method: 'GET', url: 'https://api.example.com/api/v1/users', headers: [], body: '' },
        { multiline: false },
      ),
    ).toBe("curl -X 'GET' 'https://api.example.com/api/v1/users'");
  });

  it('quotes single quotes as close, escaped quote, reopen', () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  for (const shell of shells) {
    it(`gives ${shell} exactly the intended argv for awkward values`, () => {
      const awkward: HttpRequestModel = {
        method: 'POST',
        url: "https://auth.example.com/oauth/token?q=it's&x=$HOME",
        headers: [
          ['Authorization', 'Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ='],
          ['X-Odd', `'"$(touch /tmp/pwned)\`id\` \\ ! * ~ ; & | > < \u001e \u0001`],
        ],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x} must survive the shell
        body: '@/etc/passwd\nline 2 with \'quotes\' and "double"\n\ttab $PATH ${x} é ☃',
      };
      for (const multiline of [true, false]) {
        const [argv] = argvOf([toCurl(awkward, { multiline })], shell);
        expect(argv).toEqual([
          '-X',
          'POST',
          awkward.url,
          '-H',
          'Authorization: Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=',
          '-H',
          `X-Odd: ${awkward.headers[1]?.[1]}`,
          '--data-raw',
          awkward.body,
        ]);
      }
    });
  }

  it('survives arbitrary strings in bash and sh (property, argv parsed back)', () => {
    // NUL cannot be in a shell argument at all; everything else must come through unchanged.
    const text = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/\0/g, ''));
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'M;rm -rf', "it's"),
      url: text.map((s) => `https://a.example/${s}`),
      headers: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,10}$/), text), { maxLength: 3 }),
      body: text,
    });
    const samples = fc.sample(request, 60) as HttpRequestModel[];
    for (const shell of shells) {
      const argvs = argvOf(
        samples.map((r) => toCurl(r)),
        shell,
      );
      expect(argvs).toHaveLength(samples.length);
      samples.forEach((r, i) => {
        const expected = [
          '-X',
          r.method,
          r.url,
          ...r.headers.flatMap(([n, v]) => ['-H', `${n}: ${v}`]),
        ];
        if (r.body !== '') expected.push('--data-raw', r.body);
        expect(argvs[i]).toEqual(expected);
      });
    }
  });

  it('passes sh -n (syntax check) for the seed request', () => {
    expect(() => execFileSync('sh', ['-n', '-c', toCurl(tokenRequest)])).not.toThrow();
  });

  it('uses --head for HEAD (curl -X HEAD waits for a body forever)', () => {
    expect(toCurl({ method: 'HEAD', url: 'https://a.example/', headers: [], body: '' })).toBe(
      "curl --head 'https://a.example/'",
    );
  });
});

type Captured = { url: string; init: RequestInit };

async function runFetchSnippet(
  snippet: string,
): Promise<{ captured: Captured[]; logged: unknown[][] }> {
  const captured: Captured[] = [];
  const logged: unknown[][] = [];
  const fakeFetch = async (url: string, init: RequestInit) => {
    captured.push({ url, init });
    return new Response('{"ok":true}', { status: 201 });
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;
  await new AsyncFunction('fetch', 'console', snippet)(fakeFetch, {
    log: (...a: unknown[]) => logged.push(a),
  });
  return { captured, logged };
}

describe('toFetch', () => {
  it('prints a readable snippet with JSON.stringify for a canonical JSON body', () => {
    expect(
      toFetch(tokenRequest),
    ).toBe(`const response = await fetch("https://auth.example.com/oauth/token", {
  method: "POST",
  headers: {
    "Content-Type": "application/json",
  },
  body: JSON.stringify({
    "grant_type": "client_credentials",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
    "scope": "read:users"
  }),
});
console.log(response.status, await response.text());
`);
  });

  it('evaluates to a fetch call with exactly the request, for awkward values too', async () => {
    const requests: HttpRequestModel[] = [
      tokenRequest,
      {
        method: 'POST',
        url: 'https://auth.example.com/oauth/token',
        headers: [
          ['Content-Type', 'application/json'],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x} must survive as JS
          ['X-Odd', '"\\ </script> ${x} `'],
        ],
        body: '{ "not": "canonical \u2028 \u2029 </script>" }',
      },
      {
        method: 'POST',
        url: 'https://auth.example.com/oauth/token',
        headers: [
          ['X-A', '1'],
          ['x-a', '2'],
        ],
        body: 'grant_type=client_credentials&scope=read%3Ausers',
      },
      { method: 'GET', url: 'https://api.example.com/api/v1/users', headers: [], body: '' },
    ];
    for (const r of requests) {
      const { captured, logged } = await runFetchSnippet(toFetch(r));
      expect(captured).toHaveLength(1);
      const c = captured[0] as Captured;
      expect(c.url).toBe(r.url);
      expect(c.init.method).toBe(r.method);
      expect(c.init.body ?? '').toBe(r.body);
      const headers = c.init.headers ?? {};
      expect(Array.isArray(headers) ? headers : Object.entries(headers)).toEqual(r.headers);
      expect(logged).toEqual([[201, '{"ok":true}']]);
    }
  });

  it('keeps duplicate header names by printing pairs', () => {
    expect(
      toFetch({
        method: 'GET',
        url: 'https://a.example/',
        headers: [
          ['X-A', '1'],
          ['X-A', '2'],
        ],
        body: '',
      }),
    ).toContain('headers: [\n    ["X-A", "1"],\n    ["X-A", "2"],\n  ],');
  });
});

describe('toPlaywrightTest', () => {
  const tokenStep: ExportStep = {
    title: 'A token for demo-client',
    request: {
      method: 'POST',
      url: 'https://auth.example.com/oauth/token',
      headers: [
        ['Authorization', 'Basic {{$basic demo-client demo-secret}}'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      body: 'grant_type=client_credentials',
    },
    save: [{ variable: 'access_token', path: ['access_token'] }],
    expect: { status: 200 },
  };
  const revokeStep: ExportStep = {
    title: 'Revoke the token',
    request: {
      method: 'POST',
      url: 'https://auth.example.com/oauth/revoke',
      headers: [['Authorization', 'Basic {{$basic demo-client demo-secret}}']],
      body: 'token={{access_token}}',
    },
    expect: { status: 200 },
  };
  const afterStep: ExportStep = {
    title: 'The API, after revocation',
    request: {
      method: 'GET',
      url: 'https://api.example.com/api/v1/users',
      headers: [['Authorization', 'Bearer {{access_token}}']],
      body: '',
    },
    expect: {
      status: 401,
      error: 'invalid_token',
      www_authenticate: 'Bearer error="invalid_token"',
    },
  };

  /** A literal the generated code declares, read back as JSON. */
  function literal(code: string, name: string): unknown {
    const match = new RegExp(`^const ${name}(?::[^=]+)? = ([\\s\\S]*?);$`, 'm').exec(code);
    if (!match?.[1]) throw new Error(`no ${name} in the generated code`);
    return JSON.parse(match[1].replace(/,(\s*[\]}])/g, '$1'));
  }

  it('names the file after the block and replays the earlier steps before asserting this one', () => {
    const result = toPlaywrightTest({
      id: 'after',
      lesson: { slug: 'revocation', title: 'Revoking a token' },
      setup: [tokenStep, revokeStep],
      step: afterStep,
      vars: { access_token: 'stale-token-from-the-page' },
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.fileName).toBe('after.spec.ts');
    expect(result.setupSteps).toBe(2);
    expect(result.code).toContain("import { expect, type Page, test } from '@playwright/test';");
    expect(result.code).toContain('test("Revoking a token — The API, after revocation"');
    expect(result.code).toContain(
      'lesson "Revoking a token" (/lessons/revocation), request block "after"',
    );
    expect(literal(result.code, 'SETUP')).toEqual([
      {
        title: tokenStep.title,
        method: 'POST',
        url: tokenStep.request.url,
        headers: tokenStep.request.headers,
        body: 'grant_type=client_credentials',
        save: [['access_token', ['access_token']]],
        expect: { status: 200 },
      },
      {
        title: revokeStep.title,
        method: 'POST',
        url: revokeStep.request.url,
        headers: revokeStep.request.headers,
        body: 'token={{access_token}}',
        expect: { status: 200 },
      },
    ]);
    expect(literal(result.code, 'REQUEST')).toEqual({
      title: afterStep.title,
      method: 'GET',
      url: afterStep.request.url,
      headers: afterStep.request.headers,
      body: '',
      expect: afterStep.expect,
    });
    // access_token is saved by the first step: the page's (stale) value is not baked in.
    expect(literal(result.code, 'VARS')).toEqual({});
  });

  it('says where the file goes in a checkout and the command that runs it there', () => {
    const result = toPlaywrightTest({
      id: 'after',
      setup: [tokenStep],
      step: afterStep,
      playgroundUrl: 'https://ccp.example.org/playground/',
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.path).toBe('e2e/after.spec.ts');
    expect(result.command).toBe(
      'PLAYGROUND_URL=https://ccp.example.org/playground/ npx playwright test e2e/after.spec.ts',
    );
    // The file carries the same instructions, for whoever receives it without the page.
    expect(result.code).toContain(
      [
        ' * Save it as e2e/after.spec.ts in a checkout of the playground (after npm install), and run it',
        " * from the checkout's folder, against the playground it was exported from:",
        ' *   PLAYGROUND_URL=https://ccp.example.org/playground/ npx playwright test e2e/after.spec.ts',
        '',
      ].join('\n'),
    );
  });

  it('quotes a playground URL the shell would split, and defaults to npm run dev', () => {
    const url = "http://localhost:5173/?x=1&y='2'";
    expect(playwrightRunCommand('a.spec.ts', url)).toBe(
      `PLAYGROUND_URL=${shellQuote(url)} npx playwright test e2e/a.spec.ts`,
    );
    // What sh makes of it: the URL, whole.
    expect(
      execFileSync(
        'sh',
        [
          '-c',
          `${playwrightRunCommand('a.spec.ts', url).split(' npx')[0]} sh -c 'printf %s "$PLAYGROUND_URL"'`,
        ],
        {
          encoding: 'utf8',
        },
      ),
    ).toBe(url);
    expect(playwrightRunCommand('a.spec.ts')).toBe(
      'PLAYGROUND_URL=http://localhost:5173/ npx playwright test e2e/a.spec.ts',
    );
  });

  it("writes a fill() that fills variables and helpers by the page's grammar", async () => {
    const result = toPlaywrightTest({ id: 'after', setup: [tokenStep], step: afterStep });
    if (!result.ok) throw new Error(result.reason);
    const start = result.code.indexOf('function fill(');
    const source = result.code.slice(start, result.code.indexOf('\n}\n', start) + 3);
    const fill = new Function(
      `${(await transformWithEsbuild(source, 'fill.ts')).code}; return fill;`,
    )() as (text: string, vars: Record<string, string>) => string;
    expect(fill('Basic {{$basic {{ id }} "my secret"}}', { id: 'demo' })).toBe(
      `Basic ${btoa('demo:my+secret')}`,
    );
    expect(fill('{{$timestamp}}', {})).toMatch(/^\d{10}$/);
    expect(() => fill('{{access_token}}', {})).toThrow('No value for {{access_token}}');
    expect(() => fill('{{$client_assertion signing-client}}', {})).toThrow(
      'outside the playground',
    );
  });

  it("carries the page's values of variables no earlier step saves", () => {
    const result = toPlaywrightTest({
      id: 'after',
      setup: [],
      step: afterStep,
      vars: { access_token: 'eyJ.token.here', unrelated: 'x' },
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.setupSteps).toBe(0);
    expect(literal(result.code, 'VARS')).toEqual({ access_token: 'eyJ.token.here' });
    expect(literal(result.code, 'SETUP')).toEqual([]);
    expect(result.code).toContain('test("The API, after revocation"');
  });

  it("refuses a request that signs a client assertion with the page's key, and says why", () => {
    const result = toPlaywrightTest({
      id: 'assertion',
      setup: [],
      step: {
        title: 'signing-client proves itself',
        request: {
          method: 'POST',
          url: 'https://auth.example.com/oauth/token',
          headers: [['Content-Type', 'application/x-www-form-urlencoded']],
          body: 'grant_type=client_credentials&client_assertion={{$client_assertion signing-client}}',
        },
        expect: { status: 200 },
      },
    });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining(
        '(a client assertion, {{$client_assertion}}, or a DPoP proof, {{$dpop}})',
      ),
    });
  });

  it('leaves out earlier steps that sign a client assertion and names them', () => {
    const signing: ExportStep = {
      ...tokenStep,
      title: 'signing-client */ proves itself',
      request: {
        ...tokenStep.request,
        body: 'client_assertion={{ $client_assertion signing-client }}',
      },
    };
    const result = toPlaywrightTest({ id: 'after', setup: [signing, tokenStep], step: afterStep });
    if (!result.ok) throw new Error(result.reason);
    expect(result.setupSteps).toBe(1);
    expect(result.skipped).toEqual(['signing-client */ proves itself']);
    // The title lands in the doc comment without closing it.
    expect(result.code).toContain(' * - signing-client *\\/ proves itself');
    expect(literal(result.code, 'SETUP')).toHaveLength(1);
  });

  it('makes a safe file name from any id, and refuses an empty one', () => {
    const named = (id: string) => {
      const result = toPlaywrightTest({ id, setup: [], step: afterStep });
      return result.ok ? result.fileName : result.reason;
    };
    expect(named('acme:reporting')).toBe('acme-reporting.spec.ts');
    expect(named('../../etc/passwd')).toBe('etc-passwd.spec.ts');
    expect(named('  ')).toBe('The request block has no id.');
  });

  it('keeps any request text intact as a JSON string literal', () => {
    const awkward = `a "quote", a \\ backslash, a $\{template} and \`ticks\`\nnew line`;
    const result = toPlaywrightTest({
      id: 'x',
      setup: [],
      step: { ...afterStep, request: { ...afterStep.request, method: 'POST', body: awkward } },
    });
    if (!result.ok) throw new Error(result.reason);
    expect((literal(result.code, 'REQUEST') as { body: string }).body).toBe(awkward);
  });
});
