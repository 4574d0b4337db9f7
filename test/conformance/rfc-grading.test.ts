/**
 * Each verdict graded by the sentence of the RFC that decides it. Our own server, bent one way
 * at a time (broken-server.ts): legal variants seen on real servers must pass every MUST (exit 0)
 * and be reported for what they are; defects must fail at the level their RFC gives them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConformanceOptions } from '../../src/conformance/options.ts';
import { type ConformanceReport, runConformance } from '../../src/conformance/run-conformance.ts';
import {
  type BrokenServer,
  demoOptions,
  type Quirk,
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
  report.results.filter((r) => r.outcome === 'fail').map((r) => `${r.id} ${r.level}`);

async function runAgainst(quirks: Quirk[], extra: Partial<ConformanceOptions> = {}) {
  server = await startBrokenServer(quirks);
  return runConformance(demoOptions(server.origin, extra));
}

describe('legal variants: reported, never a failed MUST', () => {
  it('revocation that does not take access tokens (400 unsupported_token_type) is a SHOULD', async () => {
    const report = await runAgainst(['revoke-access-unsupported']);
    expect(failed(report)).toEqual(['revocation.revoke SHOULD']);
    expect(result(report, 'revocation.revoke')).toMatchObject({
      detail:
        '400 unsupported_token_type: this server does not revoke access tokens (RFC 7009 §2.2.1 defines this answer; §2 only SHOULD-supports revoking them)',
      rule: { ref: 'RFC 7009 §2' },
    });
    expect(result(report, 'revocation.effective')).toMatchObject({
      outcome: 'skipped',
      detail: 'the server does not revoke access tokens',
    });
    expect(result(report, 'api.revoked-token')?.outcome).toBe('skipped');
    expect(report.exitCode).toBe(0);
  });

  it('metadata that lists only "none": the credentials are tried, and the server is not blamed', async () => {
    const report = await runAgainst(['auth-methods-none']);
    expect(failed(report)).toEqual([]);
    expect(result(report, 'discovery.auth-methods')).toMatchObject({
      outcome: 'observed',
      detail:
        '[none]; the credentials given fit none of these, so each was tried: client_secret_basic and client_secret_post were accepted all the same',
    });
    expect(result(report, 'token.client-secret-basic')?.outcome).toBe('pass');
    expect(report.exitCode).toBe(0);
  });

  it('metadata without token_endpoint_auth_methods_supported, and only a private key given', async () => {
    const started = await startWithSigningClient(['auth-methods-absent']);
    server = started.server;
    const report = await runConformance(started.options);
    expect(failed(report)).toEqual([]);
    expect(result(report, 'discovery.auth-methods')?.detail).toBe(
      'absent (the default is client_secret_basic); the credentials given fit none of these, so each was tried: private_key_jwt was accepted all the same',
    );
    expect(result(report, 'token.private-key-jwt')?.outcome).toBe('pass');
    expect(report.stopped).toBeNull();
    expect(report.exitCode).toBe(0);
  });

  it('HS256 access tokens: asymmetric signing is only RECOMMENDED, and the JWKS cannot check them', async () => {
    const report = await runAgainst(['hs256-tokens']);
    expect(failed(report)).toEqual(['access-token.alg SHOULD']);
    expect(result(report, 'access-token.alg')?.detail).toBe(
      'alg HS256 is symmetric: whoever can verify these tokens can also make them (RFC 9068 §2.1 RECOMMENDS asymmetric signing)',
    );
    expect(result(report, 'access-token.signature')).toMatchObject({
      outcome: 'skipped',
      detail:
        'an HS256 signature is checked with a shared secret, which a JWKS never publishes: it cannot be checked from the JWKS',
    });
    expect(report.exitCode).toBe(0);
  });

  it('identical JWTs without jti are described as such, not as a token cache', async () => {
    const frozen = Date.now();
    server = await startBrokenServer(['identical-jwts'], { now: () => frozen });
    const report = await runConformance(demoOptions(server.origin), {
      now: () => Math.floor(frozen / 1000),
    });
    expect(result(report, 'token.new-token-each-request')?.detail).toBe(
      'the same JWT came back. It has no jti, so two tokens with the same claims issued within one second are the same bytes: this need not be a cache',
    );
    expect(result(report, 'access-token.jti')).toMatchObject({
      outcome: 'fail',
      level: 'SHOULD',
      detail: 'no jti',
    });
    expect(report.exitCode).toBe(0);
  });

  it('a server that accepts Basic and client_secret together: RFC 6749 §2.3 binds the client', async () => {
    const report = await runAgainst(['two-auth-methods-accepted']);
    expect(failed(report)).toEqual([]);
    expect(result(report, 'negative.two-auth-methods')).toMatchObject({
      outcome: 'observed',
      level: 'INFO',
      detail:
        'accepted: 200 with a token (RFC 6749 §2.3: the client MUST NOT use two methods; the server may refuse with invalid_request or take one)',
    });
  });

  it('introspection that answers active: false to the client holding the token (RFC 7662 §2.2)', async () => {
    const report = await runAgainst(['introspect-inactive-for-client']);
    expect(failed(report)).toEqual([]);
    expect(result(report, 'introspection.active')).toMatchObject({
      outcome: 'observed',
      level: 'INFO',
      detail:
        'active: false for the token just issued, asked by the client it was issued to: RFC 7662 §2.2 lets a server answer so to a caller that may not introspect this token (ask as the resource server)',
    });
    expect(result(report, 'revocation.effective')?.outcome).toBe('skipped');
    expect(report.exitCode).toBe(0);
  });

  it('introspection for resource servers only: the client is refused, which RFC 7662 §2.1 allows', async () => {
    const report = await runAgainst(['introspect-resource-servers-only']);
    expect(failed(report)).toEqual([]);
    expect(result(report, 'introspection.active')).toMatchObject({
      outcome: 'observed',
      detail:
        '401 invalid_client: this client may not introspect (RFC 7662 §2.1: the server decides who may; ask as the resource server)',
    });
    expect(result(report, 'introspection.inactive')?.outcome).toBe('skipped');
    expect(report.exitCode).toBe(0);
  });
});

describe('defects, each at the level of its RFC sentence', () => {
  it('no Pragma: no-cache is a MUST (RFC 6749 §5.1)', async () => {
    const report = await runAgainst(['no-pragma']);
    expect(failed(report)).toEqual(['token.pragma MUST']);
    expect(result(report, 'token.pragma')?.rule.ref).toBe('RFC 6749 §5.1');
    expect(report.exitCode).toBe(1);
  });

  it('a 403 without WWW-Authenticate is a MUST (RFC 6750 §3)', async () => {
    const report = await runAgainst(['api-403-no-challenge']);
    expect(failed(report)).toEqual(['api.insufficient-scope MUST']);
    expect(result(report, 'api.insufficient-scope')).toMatchObject({
      detail: `GET ${server?.origin}/api/v1/orders: 403 without WWW-Authenticate (RFC 6750 §3: MUST include it when the token does not enable access)`,
      rule: { ref: 'RFC 6750 §3' },
    });
    expect(report.exitCode).toBe(1);
  });

  it('an error code RFC 6749 §5.2 does not define fails both scope checks, at one level', async () => {
    const report = await runAgainst(['scope-invalid-code']);
    expect(failed(report)).toEqual([
      'negative.unknown-scope MUST',
      'negative.many-scopes MUST',
      'negative.forbidden-scope MUST',
    ]);
    expect(result(report, 'negative.many-scopes')?.detail).toBe(
      '50 made-up scopes: 400 scope_invalid: scope_invalid is not an RFC 6749 §5.2 error code; an unknown scope is invalid_scope',
    );
    expect(report.exitCode).toBe(1);
  });

  it('a scope the client may not have, issued when asked for', async () => {
    const report = await runAgainst(['over-grant']);
    expect(failed(report)).toEqual(['negative.forbidden-scope MUST']);
    expect(result(report, 'negative.forbidden-scope')?.detail).toBe(
      `asked for read:orders, which ${server?.origin}/api/v1/orders needs and this client may not have: 200 with scope "read:orders"`,
    );
    expect(report.exitCode).toBe(1);
  });

  it('an over-grant in answer to a made-up scope is not called down-scoping', async () => {
    const report = await runAgainst(['over-grant-on-unknown-scope']);
    expect(failed(report)).toEqual([
      'negative.unknown-scope MUST',
      'negative.many-scopes MUST',
      'negative.forbidden-scope MUST',
    ]);
    const detail = result(report, 'negative.unknown-scope')?.detail ?? '';
    expect(detail).not.toContain('down-scoped');
    expect(detail).toMatch(
      /^200 with scope "read:users read:orders": it drops conformance-scope-\w+ but adds read:orders, which was not asked for and which this client may not have$/,
    );
    expect(report.exitCode).toBe(1);
  });

  it('an authorization server that over-grants every token: the API that honours it is not blamed', async () => {
    const report = await runAgainst(['over-grant-always']);
    expect(failed(report)).toContain('negative.forbidden-scope MUST');
    expect(failed(report)).not.toContain('api.insufficient-scope MUST');
    expect(result(report, 'negative.forbidden-scope')?.detail).toBe(
      `the token asked for with scope "read:users" came with "read:users read:orders", and ${server?.origin}/api/v1/orders accepted it: the authorization server issued read:orders, which this client may not have`,
    );
    expect(result(report, 'api.insufficient-scope')).toMatchObject({
      outcome: 'skipped',
      detail:
        'the API accepted a token that carries read:orders, which the authorization server added (see negative.forbidden-scope): accepting it is right',
    });
    expect(report.exitCode).toBe(1);
  });

  it('revocation that refuses an access token with another error is a MUST', async () => {
    const report = await runAgainst(['revoke-400']);
    expect(failed(report)).toEqual(['revocation.revoke MUST']);
    expect(result(report, 'revocation.revoke')?.detail).toBe('400 invalid_request, expected 200');
  });

  it('introspection that answers an error for a live token says what came back', async () => {
    const report = await runAgainst(['introspect-unsupported-token-type']);
    expect(failed(report)).toEqual(['introspection.active MUST']);
    expect(result(report, 'introspection.active')?.detail).toBe(
      '400 unsupported_token_type, expected 200 with "active": RFC 7662 §2.3 answers a token this client may not introspect with active: false, not an error',
    );
  });

  it('a token response without token_type says it is absent', async () => {
    const report = await runAgainst(['no-token-type']);
    expect(failed(report)).toEqual(['token.token-type MUST']);
    expect(result(report, 'token.token-type')?.detail).toBe('token_type absent');
  });
});

describe('a run that cannot authenticate stops and says so', () => {
  it('a wrong client secret: credentials refused, nothing blamed on the server, exit 3', async () => {
    server = await startBrokenServer([]);
    const report = await runConformance(
      demoOptions(server.origin, { clientSecret: 'not-the-secret' }),
    );
    expect(failed(report)).toEqual([]);
    expect(report.stopped).toBe(
      'the server refused the credentials for demo-client: client_secret_basic: 401 invalid_client; client_secret_post: 401 invalid_client. Check --client-id and --client-secret.',
    );
    expect(result(report, 'token.client-secret-basic')).toMatchObject({
      outcome: 'skipped',
      detail:
        'refused: 401 invalid_client (The client_id and client_secret do not match a registered client. Check both for typos (the Server page lists the seeded clients and their secrets).)',
    });
    expect(result(report, 'negative.missing-grant-type')).toMatchObject({
      outcome: 'skipped',
      detail: 'not run: the server refused the credentials for demo-client',
    });
    expect(report.exitCode).toBe(3);
  });

  it('metadata that lists only "none" and credentials the server refuses', async () => {
    server = await startBrokenServer(['auth-methods-none']);
    const report = await runConformance(demoOptions(server.origin, { clientSecret: 'wrong' }));
    expect(failed(report)).toEqual([]);
    expect(report.stopped).toMatch(
      /^the server refused the credentials for demo-client: client_secret_basic: 401 invalid_client; client_secret_post: 401 invalid_client \(the metadata lists \[none\], which none of the credentials given fit\)\. Check --client-id and --client-secret\.$/,
    );
    expect(report.exitCode).toBe(3);
  });
});
