/**
 * Every lesson, run live: compile it, then send its `request` blocks top to bottom and every
 * `negatives` case against a fresh protocol core, filling variables the way the page does, and
 * assert each expectation holds. Exercises are checked where they stand: the check must fail
 * before the learner acts and pass after the worked solution below (which edits and sends the
 * lesson's own editable blocks). Claims a lesson makes in prose that no `expect` can state
 * (a header, an empty body, a field's absence) are asserted in EXTRA.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  basicCredentials,
  fillVariablesAsync,
  type HttpRequestModel,
} from '../../src/client/http-request.ts';
import { findChallenge, parseWwwAuthenticate } from '../../src/client/parse-www-authenticate.ts';
import { getHeader, type RecordedExchange, sendRequest } from '../../src/client/send-request.ts';
import { signClientAssertion } from '../../src/client/token-request.ts';
import { compileLesson } from '../../src/lessons/compile-lesson.ts';
import { answerFacts, checkExpectation } from '../../src/lessons/expectation.ts';
import type {
  CompiledLesson,
  ExerciseBlock,
  LessonBlock,
  MarkdownNode,
  RequestBlock,
  ResponseExpectation,
} from '../../src/lessons/lesson-types.ts';
import { parseHttpRequest } from '../../src/lessons/parse-http-request.ts';
import { createMockServer, type MockServer } from '../../src/protocol/index.ts';

const ISSUER = 'https://auth.example.com';
const API = 'https://api.example.com';

// ---------------------------------------------------------------------------------------------
// Running requests the way the page does
// ---------------------------------------------------------------------------------------------

class LessonRun {
  readonly vars: Record<string, string> = {};
  /** Latest response of each request block, by id. */
  readonly latest = new Map<string, RecordedExchange>();
  /** Current text of each request block (the learner may edit editable ones). */
  readonly requests = new Map<string, RequestBlock>();
  readonly log: string[] = [];

  constructor(
    readonly server: MockServer,
    private readonly signingKey: JWK,
  ) {}

  private async fill(text: string): Promise<string> {
    const result = await fillVariablesAsync(text, this.vars, {
      signAssertion: (clientId) =>
        clientId === 'signing-client'
          ? signClientAssertion(clientId, ISSUER, this.signingKey)
          : Promise.resolve(undefined),
    });
    expect(result.missing, `variables without a value in ${text}`).toEqual([]);
    expect(result.errors, `helper errors in ${text}`).toEqual([]);
    return result.text;
  }

  async send(template: HttpRequestModel): Promise<RecordedExchange> {
    const request: HttpRequestModel = {
      method: template.method,
      url: await this.fill(template.url),
      headers: await Promise.all(
        template.headers.map(async ([n, v]) => [n, await this.fill(v)] as [string, string]),
      ),
      body: await this.fill(template.body),
    };
    const exchange = await sendRequest(request, {
      fetch: async (r) => {
        const response = await this.server.handle(r);
        if (!response) throw new Error(`no mock answers ${r.url}`);
        return response;
      },
    });
    this.log.push(`${request.method} ${request.url} -> ${exchange.status} ${exchange.bodyText}`);
    return exchange;
  }

  async sendBlock(block: RequestBlock): Promise<RecordedExchange> {
    const exchange = await this.send(block.request);
    this.latest.set(block.id, exchange);
    if (exchange.status >= 200 && exchange.status < 300) {
      for (const rule of block.save) {
        let value: unknown = exchange.json;
        for (const segment of rule.path) {
          value =
            Array.isArray(value) && /^\d+$/.test(segment)
              ? value[Number(segment)]
              : typeof value === 'object' && value !== null
                ? (value as Record<string, unknown>)[segment]
                : undefined;
        }
        expect(
          value,
          `block ${block.id} saves ${rule.variable} from ${rule.path.join('.')}`,
        ).not.toBe(undefined);
        this.vars[rule.variable] = typeof value === 'string' ? value : JSON.stringify(value);
      }
    }
    return exchange;
  }
}

/**
 * What is wrong with a response against an expectation (empty when it holds): the one rule the
 * page uses (src/lessons/expectation.ts), with the server's log entry for the answer.
 */
function mismatches(
  run: LessonRun,
  exchange: RecordedExchange,
  want: Partial<ResponseExpectation>,
): string[] {
  const log = run.server.admin.log().find((entry) => entry.id === exchange.requestId);
  return checkExpectation(answerFacts(exchange, log), want).reasons;
}

async function exerciseFailures(run: LessonRun, exercise: ExerciseBlock): Promise<string[]> {
  const out: string[] = [];
  const { response, token } = exercise.check;
  if (response) {
    let exchange: RecordedExchange | undefined;
    if (response.run) exchange = await run.send(response.run);
    else if (response.request) exchange = run.latest.get(response.request);
    else throw new Error(`${exercise.id}: lessons here always name the request to check`);
    if (!exchange) out.push('no response yet');
    else out.push(...mismatches(run, exchange, response));
  }
  if (token) {
    const value = run.vars[token.variable];
    let claims: Record<string, unknown> | undefined;
    try {
      claims = value === undefined ? undefined : decodeJwt(value);
    } catch {
      claims = undefined;
    }
    if (!claims) out.push(`${token.variable} is not a JWT`);
    else {
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      for (const s of token.scope_includes) if (!scopes.includes(s)) out.push(`scope lacks ${s}`);
      for (const [k, v] of Object.entries(token.claims)) {
        if (JSON.stringify(claims[k]) !== JSON.stringify(v)) out.push(`claim ${k} is not ${v}`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Worked solutions: what a learner edits and sends for each exercise
// ---------------------------------------------------------------------------------------------

/** Send a request block, optionally after replacing its text (an edit of an editable block). */
interface SolutionStep {
  block: string;
  source?: string;
}

const form = (head: string[], bodyText: string) =>
  [...head, 'Content-Type: application/x-www-form-urlencoded', '', bodyText].join('\n');
const TOKEN = 'POST https://auth.example.com/oauth/token';

const SOLUTIONS: Record<string, SolutionStep[]> = {
  '15-whats-next.md#safety-net': [{ block: 'token' }],
  '10-common-mistakes.md#play-the-attacker': [
    {
      block: 'try-attack',
      source: form(
        [TOKEN, 'Authorization: Basic {{$basic orders-service orders-secret}}'],
        'grant_type=client_credentials&scope=write:orders',
      ),
    },
  ],
  '10-common-mistakes.md#secret-from-vault': [
    {
      block: 'try-vault',
      source: form(
        [TOKEN],
        'grant_type=client_credentials&client_id=billing-export&client_secret={{vault_secret}}',
      ),
    },
  ],
  '09-what-to-test.md#omitted-scope': [
    {
      block: 'try-token',
      source: form(
        [TOKEN, 'Authorization: Basic {{$basic orders-service orders-secret}}'],
        'grant_type=client_credentials',
      ),
    },
  ],
  '08-token-caching.md#unthrottle': [
    {
      block: 'clock-forward',
      source: [
        'POST https://auth.example.com/__admin/clock',
        'Content-Type: application/json',
        '',
        '{"advance": 60}',
      ].join('\n'),
    },
    { block: 'cron-retry' },
  ],
  '08-token-caching.md#habit-four': [{ block: 'refetch' }],
  '06-opaque-tokens-introspection.md#opaque-least-privilege': [
    {
      block: 'try-opaque',
      source: form(
        [TOKEN, 'Authorization: Basic {{$basic reporting-job reporting-secret}}'],
        'grant_type=client_credentials&scope=read:orders',
      ),
    },
  ],
  '07-revocation.md#revoke-orders-token': [
    {
      block: 'try-revoke',
      source: form(
        [
          'POST https://auth.example.com/oauth/revoke',
          'Authorization: Basic {{$basic orders-service orders-secret}}',
        ],
        'token={{orders_token}}',
      ),
    },
  ],
  '05-access-token-anatomy.md#fail-only-aud': [
    {
      block: 'try-mint',
      source: [
        'POST https://auth.example.com/__admin/mint',
        'Content-Type: application/json',
        '',
        '{"claims": {"aud": "https://reports.example.com"}, "sign_with": "server"}',
      ].join('\n'),
    },
  ],
  '04-scopes.md#make-403': [
    {
      block: 'try-api',
      source: 'GET https://api.example.com/api/v1/users\nAuthorization: Bearer {{access_token}}',
    },
  ],
  '04-scopes.md#create-only': [
    {
      block: 'try-token',
      source: form(
        [TOKEN],
        'grant_type=client_credentials&client_id=orders-service&client_secret=orders-secret&scope=write:orders',
      ),
    },
  ],
  '03-sending-credentials.md#basic-write-only': [
    {
      block: 'try-basic',
      source: form(
        [TOKEN, 'Authorization: Basic {{$basic orders-service orders-secret}}'],
        'grant_type=client_credentials&scope=write:orders',
      ),
    },
  ],
  '03-sending-credentials.md#make-invalid-target': [
    {
      block: 'try-basic',
      source: form(
        [TOKEN, 'Authorization: Basic {{$basic demo-client demo-secret}}'],
        'grant_type=client_credentials&audience=https://billing.example.com',
      ),
    },
  ],
  '02-first-token.md#read-orders': [
    {
      block: 'try-it',
      source: [
        'POST https://auth.example.com/oauth/token',
        'Content-Type: application/x-www-form-urlencoded',
        '',
        'grant_type=client_credentials&client_id=orders-service&client_secret=orders-secret&scope=read:orders',
      ].join('\n'),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Claims in prose that an `expect` cannot state
// ---------------------------------------------------------------------------------------------

type Extra = (exchange: RecordedExchange, run: LessonRun) => void;
const body = (exchange: RecordedExchange) => exchange.json as Record<string, unknown>;
const header = (exchange: RecordedExchange, name: string) => getHeader(exchange.headers, name);

/** A token response as lesson 2 describes it: the four fields, no refresh token, no-store. */
const tokenResponse: Extra = (exchange) => {
  expect(Object.keys(body(exchange)).sort()).toEqual([
    'access_token',
    'expires_in',
    'scope',
    'token_type',
  ]);
  expect(body(exchange).token_type).toBe('Bearer');
  expect(body(exchange).expires_in).toBe(3600);
  expect(header(exchange, 'cache-control')).toBe('no-store');
  expect(header(exchange, 'pragma')).toBe('no-cache');
};

/** The description of an invalid_token challenge names the failed check. */
const failedCheck =
  (check: string): Extra =>
  (exchange) => {
    expect(header(exchange, 'www-authenticate')).toContain(`failed the ${check} check`);
  };

const emptyBody: Extra = (exchange) => {
  expect(exchange.bodyText).toBe('');
};
const inactive: Extra = (exchange) => {
  expect(exchange.json).toEqual({ active: false });
};

const EXTRA: Record<string, Extra> = {
  '15-whats-next.md#token': (exchange, run) => {
    tokenResponse(exchange, run);
    expect(body(exchange)).not.toHaveProperty('refresh_token');
  },
  '15-whats-next.md#expired-call': failedCheck('exp'),
  '10-common-mistakes.md#spa-token': (exchange) => {
    expect(exchange.request.body).toContain('"client_secret": "orders-secret"');
  },
  '10-common-mistakes.md#read-log': (exchange) => {
    const entries = body(exchange).entries as { endpoint: string; request: { body?: string } }[];
    const text = JSON.stringify(entries);
    for (const secret of ['demo-secret', 'orders-secret', 'reporting-secret', 'cron-secret']) {
      expect(text).not.toContain(secret);
    }
    const tokenEntries = entries.filter((e) => e.endpoint === 'token');
    expect(tokenEntries.at(-1)?.request.body).toContain('client_secret=%5Bredacted%5D');
    expect(text).toContain('Basic [redacted]');
    expect(text).toContain('\\"access_token\\":\\"[redacted]\\"');
  },
  '10-common-mistakes.md#rotate': (exchange) => {
    expect(String(body(exchange).client_secret)).toMatch(/^[0-9a-f-]{36}$/);
  },
  '09-what-to-test.md#fifty-granted': (exchange) => {
    expect(String(body(exchange).scope).split(' ')).toHaveLength(50);
  },
  '09-what-to-test.md#token-b': (exchange, run) => {
    const a = decodeJwt(run.vars.token_a ?? '');
    const b = decodeJwt(String(body(exchange).access_token));
    expect(run.vars.token_a).not.toBe(body(exchange).access_token);
    expect(a.jti).not.toBe(b.jti);
  },
  '09-what-to-test.md#introspect-b': (exchange) => {
    expect(body(exchange).active).toBe(true);
  },
  '09-what-to-test.md#introspect-a': inactive,
  '09-what-to-test.md#leeway-hour': (exchange) => {
    expect(body(exchange).leewaySeconds).toBe(300);
  },
  '09-what-to-test.md#leeway-restore': (exchange) => {
    expect(body(exchange).leewaySeconds).toBe(60);
  },
  '08-token-caching.md#sixth': (exchange) => {
    const retryAfter = Number(header(exchange, 'retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(body(exchange).error).toBe('too_many_requests');
  },
  '08-token-caching.md#clock-back': (exchange) => {
    // Back to where the learner left it after the throttle exercise (60 s in the solution).
    expect(body(exchange).offset).toBe(60);
  },
  '08-token-caching.md#cron-retry': (exchange) => {
    // Sent top to bottom, within the same minute: still throttled until the learner acts.
    expect(exchange.status).toBe(429);
  },
  '06-opaque-tokens-introspection.md#opaque-token': (exchange, run) => {
    tokenResponse(exchange, run);
    expect(String(body(exchange).access_token)).not.toContain('.');
  },
  '06-opaque-tokens-introspection.md#introspect-live': (exchange) => {
    expect(body(exchange)).toMatchObject({
      active: true,
      client_id: 'reporting-job',
      sub: 'reporting-job',
      scope: 'read:users read:orders',
      aud: API,
      iss: ISSUER,
    });
    for (const k of ['exp', 'iat', 'jti']) expect(body(exchange)[k]).toBeDefined();
  },
  '06-opaque-tokens-introspection.md#introspect-garbage': inactive,
  '06-opaque-tokens-introspection.md#revoke-opaque': emptyBody,
  '07-revocation.md#revoke': emptyBody,
  '07-revocation.md#after': failedCheck('revoked'),
  '07-revocation.md#introspect-revoked': inactive,
  '07-revocation.md#revoke-again': emptyBody,
  '07-revocation.md#revoke-unknown': emptyBody,
  '05-access-token-anatomy.md#token': (exchange) => {
    const token = String(body(exchange).access_token);
    const h = decodeProtectedHeader(token);
    expect([h.typ, h.alg, typeof h.kid]).toEqual(['at+jwt', 'ES256', 'string']);
    expect(Object.keys(decodeJwt(token)).sort()).toEqual([
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'sub',
    ]);
  },
  '05-access-token-anatomy.md#discovery': (exchange) => {
    expect(body(exchange).jwks_uri).toBe(`${ISSUER}/.well-known/jwks.json`);
  },
  '05-access-token-anatomy.md#jwks': (exchange, run) => {
    const kid = decodeProtectedHeader(run.vars.access_token ?? '').kid;
    const keys = body(exchange).keys as { kid: string; use: string; alg: string; d?: string }[];
    expect(keys.find((k) => k.kid === kid)).toMatchObject({ use: 'sig', alg: 'ES256' });
    expect(keys.every((k) => k.d === undefined)).toBe(true);
  },
  '05-access-token-anatomy.md#mint-none': (exchange) => {
    expect(decodeProtectedHeader(String(body(exchange).token)).alg).toBe('none');
  },
  '05-access-token-anatomy.md#expired-default': failedCheck('exp'),
  '05-access-token-anatomy.md#leeway-max': (exchange) => {
    expect(body(exchange).leewaySeconds).toBe(300);
  },
  '05-access-token-anatomy.md#beyond-window': failedCheck('exp'),
  '05-access-token-anatomy.md#clock-back': (exchange) => {
    expect(body(exchange).offset).toBe(0);
  },
  '04-scopes.md#metadata': (exchange) => {
    expect(body(exchange).scopes_supported).toEqual(['read:users', 'read:orders', 'write:orders']);
  },
  '04-scopes.md#write-denied': (exchange) => {
    const challenge = findChallenge(
      parseWwwAuthenticate(header(exchange, 'www-authenticate') ?? ''),
      'Bearer',
    );
    expect(challenge?.params).toMatchObject({ error: 'insufficient_scope', scope: 'write:orders' });
  },
  '04-scopes.md#downscoped': (exchange) => {
    expect(exchange.status).toBe(200);
    expect(body(exchange).scope).toBe('read:users');
  },
  '04-scopes.md#downscope-off': (_exchange, run) => {
    expect(run.server.admin.settings().scopePolicy).toBe('strict');
  },
  '03-sending-credentials.md#two-scopes': (exchange) => {
    expect(body(exchange).scope).toBe('read:orders write:orders');
  },
  '03-sending-credentials.md#with-audience': (exchange) => {
    expect(decodeJwt(String(body(exchange).access_token)).aud).toBe(API);
  },
  '03-sending-credentials.md#with-resource': (exchange) => {
    expect(decodeJwt(String(body(exchange).access_token)).aud).toBe(API);
  },
  '03-sending-credentials.md#basic': (exchange) => {
    // The literal header in the lesson is what the helper makes for demo-client.
    expect(exchange.request.headers).toContainEqual([
      'Authorization',
      `Basic ${basicCredentials('demo-client', 'demo-secret')}`,
    ]);
  },
  '03-sending-credentials.md#basic-encoded': (exchange) => {
    expect(atob(String(getHeader(exchange.request.headers, 'authorization')).slice(6))).toBe(
      'acme%3Areporting:s3cr3t%2B%2F%3D',
    );
  },
  '03-sending-credentials.md#assertion': (exchange) => {
    const claims = decodeJwt(String(body(exchange).access_token));
    expect([claims.sub, claims.scope]).toEqual(['signing-client', 'read:orders']);
  },
  '02-first-token.md#token-json': (exchange, run) => {
    tokenResponse(exchange, run);
    expect(body(exchange).scope).toBe('read:users');
    run.vars.first_token = String(body(exchange).access_token);
  },
  '02-first-token.md#token-form': (exchange, run) => {
    tokenResponse(exchange, run);
    expect(body(exchange).access_token).not.toBe(run.vars.first_token);
    const claims = decodeJwt(String(body(exchange).access_token));
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    expect([claims.sub, claims.client_id]).toEqual(['demo-client', 'demo-client']);
  },
  '02-first-token.md#introspect-first': (exchange) => {
    expect(body(exchange).active).toBe(true);
  },
};

// ---------------------------------------------------------------------------------------------
// The lessons
// ---------------------------------------------------------------------------------------------

function blocksOf(nodes: MarkdownNode[]): LessonBlock[] {
  const out: LessonBlock[] = [];
  for (const node of nodes) {
    if (node.type === 'block') out.push(node.block);
    else if (node.type === 'blockquote' || node.type === 'callout')
      out.push(...blocksOf(node.children));
    else if (node.type === 'list')
      for (const item of node.items) out.push(...blocksOf(item.children));
  }
  return out;
}

const dir = new URL('../../lessons/', import.meta.url);
const files = readdirSync(dir)
  .filter((name) => /^\d\d-.*\.md$/.test(name))
  .sort();

let signingPrivate: JWK;
let signingPublic: JWK;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const kid = 'lessons-live-test';
  signingPublic = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  signingPrivate = { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256', use: 'sig' };
});

async function freshServer(): Promise<MockServer> {
  const server = await createMockServer({ issuer: ISSUER, apiOrigin: API, audience: API });
  const put = await server.handle(
    new Request(`${ISSUER}/__admin/clients/signing-client`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        jwks: { keys: [signingPublic] },
        scopes: ['read:users', 'read:orders'],
      }),
    }),
  );
  expect(put?.status).toBe(200);
  return server;
}

describe('every lesson keeps its promises against the mock server', () => {
  it('finds the lessons 01 to 10, the labs 11 to 14, and the recap last', () => {
    expect(files.map((f) => f.slice(0, 2))).toEqual([
      ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'],
      ...['11', '12', '13', '14'],
      '15',
    ]);
    expect(files.at(-1)).toBe('15-whats-next.md');
  });

  for (const file of files) {
    describe(file, () => {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const result = compileLesson(source, `lessons/${file}`);

      it('compiles with no errors and no warnings', () => {
        const diagnostics = result.ok
          ? result.lesson.diagnostics
          : [...result.errors, ...result.warnings];
        expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
      });

      if (!result.ok) return;
      const lesson: CompiledLesson = result.lesson;
      const blocks = blocksOf(lesson.body);

      if (file >= '02') {
        // Challenges are optional (lessons/README.md, "A lesson's skeleton"); a Recap is not.
        it('has a Recap section, and a worked solution for each exercise', () => {
          expect(lesson.sections.map((s) => s.title)).toContain('Recap');
          const exercises = blocks.filter((b) => b.kind === 'exercise');
          // a lab's outcome is reported by the lab in the page: its e2e journey solves it
          for (const e of exercises.filter((x) => !x.check.lab)) {
            expect(Object.keys(SOLUTIONS)).toContain(`${file}#${e.id}`);
          }
        });
      }

      it('runs top to bottom: every request, negative case and exercise does what it says', async () => {
        const run = new LessonRun(await freshServer(), signingPrivate);
        const failures: string[] = [];
        for (const block of blocks) {
          if (block.kind === 'request') {
            run.requests.set(block.id, block);
            const exchange = await run.sendBlock(block);
            const where = `${file}:${block.source.line} request ${block.id}`;
            if (block.expect) {
              for (const m of mismatches(run, exchange, block.expect))
                failures.push(`${where}: ${m}`);
            }
            const extra = EXTRA[`${file}#${block.id}`];
            if (extra) {
              try {
                extra(exchange, run);
              } catch (error) {
                failures.push(
                  `${where} (extra): ${error instanceof Error ? error.message : error}`,
                );
              }
            }
          } else if (block.kind === 'negatives') {
            for (const c of block.cases) {
              const exchange = await run.send(c.request);
              for (const m of mismatches(run, exchange, c.expect)) {
                failures.push(
                  `${file}:${block.source.line} negatives "${c.name}": ${m} (${exchange.bodyText})`,
                );
              }
            }
          } else if (block.kind === 'exercise' && !block.check.lab) {
            const where = `${file}:${block.source.line} exercise ${block.id}`;
            const before = await exerciseFailures(run, block);
            if (before.length === 0)
              failures.push(`${where}: passes before the learner does anything`);
            for (const step of SOLUTIONS[`${file}#${block.id}`] ?? []) {
              const original = run.requests.get(step.block);
              if (!original) throw new Error(`${where}: no request block ${step.block} above`);
              let edited = original;
              if (step.source !== undefined) {
                expect(original.editable, `${step.block} must be editable`).toBe(true);
                const parsed = parseHttpRequest(step.source);
                if (!parsed.ok)
                  throw new Error(`${where}: bad solution ${JSON.stringify(parsed.problems)}`);
                edited = { ...original, request: parsed.request };
              }
              await run.sendBlock(edited);
            }
            const after = await exerciseFailures(run, block);
            for (const m of after) failures.push(`${where}: after the solution, ${m}`);
          }
        }
        expect(failures, run.log.join('\n')).toEqual([]);
      });
    });
  }
});
