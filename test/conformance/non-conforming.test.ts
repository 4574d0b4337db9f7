/**
 * The runner against our own server in-process over node:http, first as is (no failures), then
 * broken in one specific way at a time: each break must fail exactly the checks it violates.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConformanceOptions } from '../../src/conformance/options.ts';
import { type ConformanceReport, runConformance } from '../../src/conformance/run-conformance.ts';
import {
  type Break,
  type BrokenServer,
  demoOptions,
  resultOf as result,
  startBrokenServer,
  startWithSigningClient,
} from './broken-server.ts';

let server: BrokenServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const failed = (report: ConformanceReport) =>
  report.results.filter((r) => r.outcome === 'fail').map((r) => r.id);

async function runAgainst(breaks: Break[], extra: Partial<ConformanceOptions> = {}) {
  server = await startBrokenServer(breaks);
  return runConformance(demoOptions(server.origin, extra));
}

describe('conformance against our own server, unbroken', () => {
  it('passes every check it runs with client secrets and an API', async () => {
    const report = await runAgainst([]);
    expect(failed(report)).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.summary.mustFailed).toBe(0);
    expect(result(report, 'negative.unknown-scope')?.detail).toBe('refused: 400 invalid_scope');
    expect(result(report, 'token.new-token-each-request')?.detail).toBe('a new token each time');
    expect(result(report, 'api.insufficient-scope')?.detail).toBe(
      `GET ${server?.origin}/api/v1/orders: 403, WWW-Authenticate: Bearer error="insufficient_scope", scope="read:orders"`,
    );
    expect(result(report, 'discovery.tls')).toMatchObject({
      outcome: 'skipped',
      detail: 'plain http on a loopback address (a local test server)',
    });
    // private_key_jwt was not given: skipped, with the reason.
    expect(result(report, 'token.private-key-jwt')).toMatchObject({
      outcome: 'skipped',
      detail: 'no --private-key given',
    });
  });

  it('passes with private_key_jwt, including the assertion negatives', async () => {
    const started = await startWithSigningClient([]);
    server = started.server;
    const report = await runConformance(started.options);
    expect(failed(report)).toEqual([]);
    // aud = the issuer works too (RFC 7523 §3: it identifies the authorization server).
    const byIssuer = await runConformance({ ...started.options, assertionAud: 'issuer' });
    expect(failed(byIssuer)).toEqual([]);
    expect(result(report, 'token.private-key-jwt')?.outcome).toBe('pass');
    expect(result(report, 'negative.expired-assertion')?.detail).toBe(
      'exp 2 minutes ago: 401 invalid_client',
    );
    expect(result(report, 'negative.assertion-wrong-aud')?.outcome).toBe('pass');
    expect(result(report, 'negative.assertion-replay')?.detail).toBe(
      'refused the second time: 401 invalid_client',
    );
    const privateD = (JSON.parse(started.options.privateKey ?? '{}') as { d?: string }).d;
    expect(privateD).toBeTruthy();
    expect(JSON.stringify(report)).not.toContain(privateD);
  });

  it('reports an opaque token and skips the JWT checks', async () => {
    // reporting-job may read orders too: no --forbidden-api for it.
    server = await startBrokenServer([]);
    const { forbiddenApi: _, ...options } = demoOptions(server.origin, {
      clientId: 'reporting-job',
      clientSecret: 'reporting-secret',
      scope: 'read:users',
    });
    const report = await runConformance(options);
    expect(failed(report)).toEqual([]);
    expect(result(report, 'access-token.format')?.detail).toBe(
      'opaque (not a JWT): only the server can read it',
    );
    expect(result(report, 'access-token.signature')).toMatchObject({
      outcome: 'skipped',
      detail: 'the access token is opaque',
    });
    expect(result(report, 'api.alg-none')?.outcome).toBe('skipped');
    expect(result(report, 'introspection.active')?.outcome).toBe('pass');
  });

  it('reports down-scoping as what the server does, not a failure', async () => {
    server = await startBrokenServer([]);
    await server.core.admin.updateSettings({ scopePolicy: 'downscope' });
    const report = await runConformance(demoOptions(server.origin));
    expect(failed(report)).toEqual([]);
    expect(result(report, 'negative.unknown-scope')?.detail).toMatch(
      /^down-scoped: 200 with scope "read:users"/,
    );
  });

  it('reports a server that hands the same token out again', async () => {
    // A frozen clock: every request falls in the same second, however slow the machine.
    const frozen = Date.now();
    server = await startBrokenServer([], { now: () => frozen });
    await server.core.admin.updateSettings({ tokenReuse: 'same-second' });
    const report = await runConformance(demoOptions(server.origin), {
      now: () => Math.floor(frozen / 1000),
    });
    expect(failed(report)).toEqual([]);
    expect(result(report, 'token.new-token-each-request')?.detail).toBe(
      'the same token came back (same jti): the server hands out a token it issued before',
    );
  });

  it('never shows the secret or a token', async () => {
    const report = await runAgainst([]);
    const text = JSON.stringify(report);
    expect(text).not.toContain('demo-secret');
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
    expect(report.credentials).toEqual(['client_secret']);
  });
});

describe('conformance against a broken server', () => {
  it('fails the Cache-Control and Pragma MUSTs when token answers may be cached', async () => {
    const report = await runAgainst(['no-cache-control']);
    expect(failed(report)).toEqual(['token.cache-control', 'token.pragma']);
    expect(result(report, 'token.cache-control')).toMatchObject({
      level: 'MUST',
      detail: 'Cache-Control: absent',
    });
    expect(result(report, 'token.pragma')?.level).toBe('MUST');
    expect(report.exitCode).toBe(1);
  });

  it('fails invalid_client as 400 without a Basic challenge', async () => {
    const report = await runAgainst(['bad-secret-400']);
    expect(failed(report)).toEqual(['negative.wrong-secret-basic', 'negative.unknown-client']);
    expect(result(report, 'negative.wrong-secret-basic')?.detail).toBe(
      '400 invalid_client, WWW-Authenticate: absent',
    );
    // 400 is allowed when the secret was in the body.
    expect(result(report, 'negative.wrong-secret-post')?.outcome).toBe('pass');
    expect(report.exitCode).toBe(1);
  });

  it('fails an issuer that differs by a trailing slash', async () => {
    const report = await runAgainst(['issuer-mismatch']);
    expect(failed(report)).toEqual(['discovery.issuer']);
    expect(result(report, 'discovery.issuer')?.detail).toBe(
      `the metadata says "${server?.origin}/", the issuer asked for is "${server?.origin}" (they must be identical, including any trailing slash)`,
    );
    expect(report.exitCode).toBe(1);
  });

  it('fails a JWKS that publishes private key material', async () => {
    const report = await runAgainst(['private-jwks']);
    expect(failed(report)).toContain('discovery.jwks-public-only');
    expect(result(report, 'discovery.jwks-public-only')?.detail).toBe(
      'PRIVATE KEY MATERIAL PUBLISHED: key 0 has "d"',
    );
    expect(report.exitCode).toBe(1);
  });

  it('fails an API whose 401s carry no Bearer challenge', async () => {
    const report = await runAgainst(['api-no-challenge']);
    expect(failed(report)).toEqual(['api.no-token', 'api.tampered-invalid-token']);
    expect(result(report, 'api.no-token')?.detail).toBe('401, WWW-Authenticate: absent');
    expect(report.exitCode).toBe(1);
  });

  it('fails token errors that are not JSON', async () => {
    const report = await runAgainst(['text-errors']);
    expect(result(report, 'negative.error-format')).toMatchObject({
      outcome: 'fail',
      level: 'MUST',
    });
    expect(result(report, 'negative.missing-grant-type')?.detail).toBe('400 (body is not JSON)');
    expect(report.exitCode).toBe(1);
  });
});

describe('conformance when the server cannot be reached', () => {
  it('says what could not be reached, blames no check, and is inconclusive (exit 3)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const report = await runConformance(demoOptions(`http://127.0.0.1:${port}`));
    expect(failed(report)).toEqual([]);
    const reason = `could not reach the server: GET http://127.0.0.1:${port}/.well-known/oauth-authorization-server: connection refused (is the server running, on this port?)`;
    expect(report.stopped).toBe(reason);
    expect(result(report, 'discovery.metadata')).toMatchObject({
      outcome: 'skipped',
      detail: reason,
    });
    expect(result(report, 'token.cache-control')?.detail).toBe(
      'not run: the server could not be reached',
    );
    expect(report.summary.skipped).toBe(report.results.length);
    expect(report.exitCode).toBe(3);
  });

  it('gives up on a server that never answers after --timeout', async () => {
    const silent = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const report = await runConformance(
        demoOptions(`http://127.0.0.1:${port}`, { timeoutMs: 200 }),
      );
      expect(report.stopped).toContain(
        'no answer within 200 ms (raise --timeout if the server is slow)',
      );
      expect(report.exitCode).toBe(3);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
