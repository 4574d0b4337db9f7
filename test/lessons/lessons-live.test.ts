/**
 * Every lesson, run live: compile it, then send its `request` blocks top to bottom and every
 * `negatives` case against a fresh protocol core, filling variables the way the page does, and
 * assert each expectation holds, through the lesson session the page uses. Exercises are checked
 * where they stand: the check must fail before the learner acts and pass after the lesson's own
 * worked solution (`solution:`, which edits and sends its editable blocks). Code exercises run
 * their tests in the page's test runner: the starter must fail one, the reference solution pass
 * them all. Every step outside a lab must end done. Claims a lesson makes in prose that no
 * `expect` can state (a header, an empty body, a field's absence) are asserted in EXTRA.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCodeExerciseInNode } from '../../scripts/code-check-node.ts';
import { getDpopKey, signDpopProof } from '../../src/client/dpop.ts';
import { basicCredentials } from '../../src/client/http-request.ts';
import { findChallenge, parseWwwAuthenticate } from '../../src/client/parse-www-authenticate.ts';
import { getHeader, type RecordedExchange, sendRequest } from '../../src/client/send-request.ts';
import { signClientAssertion } from '../../src/client/token-request.ts';
import { compileLesson } from '../../src/lessons/compile-lesson.ts';
import {
  type CheckResult,
  checkResponse,
  checkToken,
  combineChecks,
} from '../../src/lessons/exercise-check.ts';
import { lessonBlocks, lessonSteps } from '../../src/lessons/lesson-steps.ts';
import type { CompiledLesson, ExerciseBlock } from '../../src/lessons/lesson-types.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../../src/lessons/parse-http-request.ts';
import { LessonSession, memoryLessonStore } from '../../src/lessons/session.ts';
import { BROWSER_HOSTS, createMockServer, type MockServer } from '../../src/protocol/index.ts';

const ISSUER = 'https://auth.example.com';
const API = 'https://api.example.com';

// ---------------------------------------------------------------------------------------------
// Running requests the way the page does
// ---------------------------------------------------------------------------------------------

/**
 * A learner's run through one lesson: the lesson session the page uses (src/lessons/session.ts),
 * against a fresh core, with the same signing of `{{$client_assertion}}`, and a transcript of
 * every exchange for failure messages.
 */
class LessonRun {
  readonly session: LessonSession;
  readonly log: string[] = [];
  /** What a test wrote alongside the lesson's own variables (EXTRA's notes). */
  readonly notes: Record<string, string> = {};

  constructor(
    readonly server: MockServer,
    signingKey: JWK,
    lesson: CompiledLesson,
  ) {
    this.session = new LessonSession(lesson, memoryLessonStore(), {
      send: async (request) => {
        const exchange = await sendRequest(request, {
          fetch: async (r) => {
            const response = await server.handle(r);
            if (!response) throw new Error(`no mock answers ${r.url}`);
            return response;
          },
        });
        this.log.push(
          `${request.method} ${request.url} -> ${exchange.status} ${exchange.bodyText}`,
        );
        return exchange;
      },
      serverLog: (id) => server.admin.log().find((entry) => entry.id === id),
      signAssertion: (clientId, _url, shape) =>
        clientId === 'signing-client'
          ? signClientAssertion(clientId, ISSUER, signingKey, { ...(shape && { shape }) })
          : Promise.resolve(undefined),
      signDpopProof: async (key, input) => signDpopProof(await getDpopKey(key), input),
      allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
    });
  }

  get vars(): Readonly<Record<string, string>> {
    return this.session.state.vars;
  }

  /** The latest exchange of a request block (or any step key). */
  latest(key: string): RecordedExchange | undefined {
    return this.session.state.exchanges[key];
  }
}

/** Why an exercise does not pass (empty when it does), judged by the page's own checks. */
async function exerciseFailures(run: LessonRun, exercise: ExerciseBlock): Promise<string[]> {
  const { response, token } = exercise.check;
  const state = run.session.state;
  let responseResult: CheckResult | undefined;
  if (response?.run) {
    const outcome = await run.session.send(`${exercise.id}#check`, response.run);
    responseResult =
      'error' in outcome
        ? { ok: false, reasons: [`check request not sent: ${outcome.error}`] }
        : checkResponse(response, outcome.exchange, { kind: 'run' }, logOf(run, outcome.exchange));
  } else if (response?.request) {
    const exchange = run.latest(response.request);
    responseResult = checkResponse(
      response,
      exchange,
      { kind: 'request', title: response.request },
      exchange && logOf(run, exchange),
    );
  } else if (response) {
    throw new Error(`${exercise.id}: lessons here always name the request to check`);
  }
  const tokenResult = token ? checkToken(token, state.vars[token.variable]) : undefined;
  return combineChecks(responseResult, tokenResult).reasons;
}

function logOf(run: LessonRun, exchange: RecordedExchange) {
  return run.server.admin.log().find((entry) => entry.id === exchange.requestId);
}

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
  '20-whats-next.md#token': (exchange, run) => {
    tokenResponse(exchange, run);
    expect(body(exchange)).not.toHaveProperty('refresh_token');
  },
  '20-whats-next.md#expired-call': failedCheck('exp'),
  '17-workload-identity.md#platform-metadata': (exchange) => {
    expect(body(exchange)).toMatchObject({
      issuer: 'https://ci.example.com',
      jwks_uri: 'https://ci.example.com/.well-known/jwks.json',
    });
  },
  '17-workload-identity.md#main-token': (exchange) => {
    const token = String(body(exchange).token);
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    expect(decodeJwt(token)).toMatchObject({
      iss: 'https://ci.example.com',
      sub: 'repo:acme/warehouse-sync:ref:refs/heads/main',
      aud: ISSUER,
    });
  },
  '17-workload-identity.md#the-client': (exchange) => {
    expect(body(exchange)).toMatchObject({
      token_endpoint_auth_method: 'workload_identity',
      federated_credentials: [
        {
          issuer: 'https://ci.example.com',
          subject: 'repo:acme/warehouse-sync:ref:refs/heads/main',
          audience: ISSUER,
        },
      ],
    });
    expect(body(exchange)).not.toHaveProperty('client_secret');
  },
  '17-workload-identity.md#exchange': (exchange) => {
    const claims = decodeJwt(String(body(exchange).access_token));
    expect([claims.client_id, claims.scope]).toEqual(['warehouse-sync', 'read:orders']);
  },
  '16-private-key-jwt.md#legacy-hole': (exchange) => {
    // An untyped assertion naming the token endpoint: a legacy server lets it in.
    expect(exchange.request.body).toContain('client_assertion=ey');
    const assertion = new URLSearchParams(exchange.request.body).get('client_assertion') ?? '';
    expect(decodeProtectedHeader(assertion).typ).toBeUndefined();
    expect(decodeJwt(assertion).aud).toBe(`${ISSUER}/oauth/token`);
  },
  '15-rotating-secrets.md#which-secret': (exchange) => {
    const entries = body(exchange).entries as { steps: { name: string; note?: string }[] }[];
    const notes = entries.map((e) => e.steps.find((s) => s.name === 'checkClientSecret')?.note);
    expect(notes).toEqual(['secret 2 of 2', 'secret 1 of 2']);
    expect(JSON.stringify(entries)).not.toContain('billing-secret');
  },
  '15-rotating-secrets.md#revoke-all': (exchange) => {
    expect(body(exchange)).toEqual({ revoked: 3 });
  },
  '19-token-endpoint-failures.md#during-503': (exchange) => {
    expect(header(exchange, 'retry-after')).toBe('2');
    expect(body(exchange).error).toBe('temporarily_unavailable');
  },
  '19-token-endpoint-failures.md#during-delay': (exchange) => {
    expect(exchange.durationMs).toBeGreaterThanOrEqual(1400);
  },
  '19-token-endpoint-failures.md#clear': (exchange) => {
    expect(body(exchange).faults).toEqual([]);
  },
  '18-stolen-tokens-dpop.md#dpop-token': (exchange, run) => {
    expect(body(exchange).token_type).toBe('DPoP');
    const cnf = decodeJwt(String(body(exchange).access_token)).cnf as { jkt?: string };
    expect(cnf.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The proof the page sent: its key's thumbprint is the token's cnf.jkt.
    const proof = getHeader(exchange.request.headers, 'dpop') ?? '';
    expect(decodeProtectedHeader(proof).typ).toBe('dpop+jwt');
    run.notes.jkt = cnf.jkt ?? '';
  },
  '18-stolen-tokens-dpop.md#nonce-first': (exchange) => {
    expect(header(exchange, 'dpop-nonce')).toMatch(/^[A-Za-z0-9_-]+$/);
  },
  '18-stolen-tokens-dpop.md#nonce-second': (exchange) => {
    expect(decodeJwt(getHeader(exchange.request.headers, 'dpop') ?? '').nonce).toBeDefined();
    expect(header(exchange, 'dpop-nonce')).toBeDefined();
  },
  '10-common-mistakes.md#spa-token': (exchange) => {
    expect(exchange.request.body).toContain('"client_secret": "orders-secret"');
  },
  '10-common-mistakes.md#read-log': (exchange) => {
    const entries = body(exchange).entries as { endpoint: string; request: { body?: string } }[];
    const text = JSON.stringify(entries);
    for (const secret of ['demo-secret', 'orders-secret', 'reporting-secret', 'cron-secret']) {
      expect(text).not.toContain(secret);
    }
    // Three token entries, newest first: the lesson's "first entry" is the request just sent.
    expect(entries.map((e) => e.endpoint)).toEqual(['token', 'token', 'token']);
    expect(entries[0]?.request.body).toContain('client_secret=%5Bredacted%5D');
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
    run.notes.first_token = String(body(exchange).access_token);
  },
  '02-first-token.md#token-form': (exchange, run) => {
    tokenResponse(exchange, run);
    expect(body(exchange).access_token).not.toBe(run.notes.first_token);
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
  // As the page makes it: signing-client's public key is the seed's, so a lesson's set-up (which
  // restores the seeded clients) keeps it.
  return createMockServer({
    ...BROWSER_HOSTS,
    signingClientJwks: { keys: [signingPublic] },
  });
}

describe('every lesson keeps its promises against the mock server', () => {
  it('numbers the lesson files 01, 02, ... without a gap, each with its number as its order', () => {
    // Read from the folder, not a list kept here: adding a lesson needs no test change.
    expect(files.length).toBeGreaterThan(0);
    files.forEach((file, index) => {
      expect(file.slice(0, 2), file).toBe(String(index + 1).padStart(2, '0'));
      const result = compileLesson(readFileSync(new URL(file, dir), 'utf8'), `lessons/${file}`);
      if (result.ok) expect(result.lesson.order, file).toBe(index + 1);
    });
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
      const blocks = lessonBlocks(lesson.body);

      if (file >= '02') {
        // Challenges are optional (lessons/README.md, "A lesson's skeleton"); a Recap is not.
        it('has a Recap section, and a worked solution for each exercise', () => {
          expect(lesson.sections.map((s) => s.title)).toContain('Recap');
          for (const e of blocks.filter((b) => b.kind === 'exercise')) {
            expect(e.solution?.explain, `${file}#${e.id} has a worked solution`).toEqual(
              expect.any(String),
            );
            // A lab's outcome is reported by the lab in the page: its solution is in words, and
            // its e2e journey solves it. Any other exercise's solution sends something.
            if (!e.check.lab)
              expect(e.solution?.steps.length, `${file}#${e.id}`).toBeGreaterThan(0);
          }
        });
      }

      it('runs top to bottom: every request, negative case and exercise does what it says, and every step can be done', async () => {
        const run = new LessonRun(await freshServer(), signingPrivate, lesson);
        const { session } = run;
        const failures: string[] = [];
        const setUp = await session.setUp();
        if (setUp.error) failures.push(`set-up: ${setUp.error}`);
        // A "Your turn" block that a worked solution edits is sent the way the learner sends it:
        // edited, by the solution below, never as the lesson wrote it first.
        const editedBySolution = new Set(
          blocks.flatMap((b) =>
            b.kind === 'exercise'
              ? (b.solution?.steps ?? []).filter((step) => step.text).map((step) => step.request)
              : [],
          ),
        );
        for (const block of blocks) {
          if (block.kind === 'request' && editedBySolution.has(block.id)) continue;
          if (block.kind === 'request') {
            const where = `${file}:${block.source.line} request ${block.id}`;
            const outcome = await session.sendBlock(block);
            if ('error' in outcome) {
              failures.push(`${where}: not sent: ${outcome.error}`);
              continue;
            }
            for (const reason of outcome.expectation?.reasons ?? []) {
              failures.push(`${where}: ${reason}`);
            }
            for (const rule of outcome.unsaved ?? []) {
              failures.push(`${where}: saves ${rule.variable} from ${rule.path.join('.')}, absent`);
            }
            const extra = EXTRA[`${file}#${block.id}`];
            if (extra) {
              try {
                extra(outcome.exchange, run);
              } catch (error) {
                failures.push(
                  `${where} (extra): ${error instanceof Error ? error.message : error}`,
                );
              }
            }
          } else if (block.kind === 'negatives') {
            const base = block.id ?? `negatives-${block.source.line}`;
            for (const [index, c] of block.cases.entries()) {
              const outcome = await session.send(`${base}#${index}`, c.request, {
                expect: c.expect,
              });
              const reasons =
                'error' in outcome
                  ? [`not sent: ${outcome.error}`]
                  : (outcome.expectation?.reasons ?? []);
              for (const reason of reasons) {
                failures.push(`${file}:${block.source.line} negatives "${c.name}": ${reason}`);
              }
            }
          } else if (block.kind === 'exercise' && !block.check.lab) {
            const where = `${file}:${block.source.line} exercise ${block.id}`;
            const before = await exerciseFailures(run, block);
            if (before.length === 0)
              failures.push(`${where}: passes before the learner does anything`);
            // The lesson's own worked solution, as the page offers it: each step's text (an
            // edit of the block) or the block as it is, sent as the learner would.
            for (const step of block.solution?.steps ?? []) {
              const target = session.requestBlock(step.request);
              if (!target) throw new Error(`${where}: no request block ${step.request}`);
              if (step.text) {
                expect(target.editable, `${step.request} must be editable`).toBe(true);
                session.setDraft(target.id, step.text.source);
              }
              const outcome = await session.sendBlock(target, step.text ?? target.request);
              if ('error' in outcome)
                failures.push(`${where}: solution step not sent: ${outcome.error}`);
            }
            const after = await exerciseFailures(run, block);
            for (const m of after) failures.push(`${where}: after the solution, ${m}`);
            if (after.length === 0) session.setProgress(block.id, 'done');
          } else if (block.kind === 'code-exercise') {
            // The learner's Run tests, in the page's test runner: the starter fails a test, the
            // reference solution passes them all, against the server as the lesson left it.
            const { diagnostics } = await checkCodeExerciseInNode(block, async (request) => {
              const response = await run.server.handle(request);
              if (!response) throw new Error(`no mock answers ${request.url}`);
              return response;
            });
            for (const d of diagnostics) failures.push(`${file}:${d.line} ${d.message}`);
            if (diagnostics.length === 0) session.setProgress(block.id, 'done');
          }
        }
        // Every step a learner can finish outside a lab is done: none is unreachable.
        const labExercises = new Set(
          blocks.flatMap((b) => (b.kind === 'exercise' && b.check.lab ? [b.id] : [])),
        );
        const undone = lessonSteps(lesson.body)
          .filter((step) => !labExercises.has(step.key))
          .filter((step) => session.state.progress[step.key] !== 'done')
          .map((step) => `${step.key} (${step.label})`);
        expect(
          undone,
          `${file}: steps not done after walking the lesson and its solutions`,
        ).toEqual([]);
        expect(failures, run.log.join('\n')).toEqual([]);
      });
    });
  }
});
