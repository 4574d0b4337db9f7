import { describe, expect, it } from 'vitest';
import { CHECKS, type CheckId, type CheckResult } from '../../src/conformance/checks.ts';
import { ConformanceRun } from '../../src/conformance/conformance-run.ts';
import { metadataUrls } from '../../src/conformance/discovery-checks.ts';
import { formatReport, formatReportJson } from '../../src/conformance/format-report.ts';
import { describeFetchError } from '../../src/conformance/http-probe.ts';
import { RULES } from '../../src/conformance/rules.ts';
import {
  type ConformanceReport,
  exitCodeOf,
  summarize,
} from '../../src/conformance/run-conformance.ts';

function result(id: CheckId, outcome: CheckResult['outcome'], detail: string): CheckResult {
  const { group, title, rule } = CHECKS[id];
  const { level, ref, quote, ...reading } = RULES[rule];
  return { id, group, title, rfc: ref, level, rule: { ref, quote, ...reading }, outcome, detail };
}

function report(results: CheckResult[], stopped: string | null = null): ConformanceReport {
  const summary = summarize(results);
  return {
    issuer: 'https://auth.example.com',
    metadataUrl: 'https://auth.example.com/.well-known/oauth-authorization-server',
    clientId: 'svc',
    credentials: ['client_secret'],
    startedAt: '2026-11-25T20:00:00.000Z',
    durationMs: 1234,
    results,
    summary,
    stopped,
    exitCode: exitCodeOf(summary, stopped),
  };
}

const sample = report([
  result('discovery.issuer', 'pass', 'https://auth.example.com'),
  result(
    'discovery.auth-methods',
    'observed',
    '[client_secret_basic]; testing client_secret_basic',
  ),
  result('token.cache-control', 'fail', 'Cache-Control: absent'),
  result('token.expires-in', 'fail', 'expires_in absent'),
  result('api.happy-path', 'skipped', 'no --api given'),
  result('api.scheme-case', 'skipped', 'no --api given'),
  result('api.no-token', 'skipped', 'no --api given'),
]);

describe('formatReport', () => {
  it('prints a plain, grouped report with a summary line', () => {
    expect(formatReport(sample, { color: false })).toBe(
      `OAuth 2.0 client credentials conformance: https://auth.example.com
client svc, credentials: client_secret (values not shown)
metadata: https://auth.example.com/.well-known/oauth-authorization-server

Discovery and metadata
  PASS MUST   The metadata issuer is identical to the issuer asked for  [discovery.issuer, RFC 8414 §3.3]
              https://auth.example.com
  NOTE INFO   Client authentication methods advertised  [discovery.auth-methods, RFC 8414 §2]
              [client_secret_basic]; testing client_secret_basic
              RFC 8414 §2: "token_endpoint_auth_methods_supported: OPTIONAL. JSON array containing a list of client authentication methods supported by this token endpoint. ... If omitted, the default is "client_secret_basic"."
              read as: the list says what to try first; when the credentials fit none of it, each is tried anyway, and a refusal is the credentials' answer, not a failure of the server

Token endpoint: happy paths
  FAIL MUST   Token response has Cache-Control: no-store  [token.cache-control, RFC 6749 §5.1]
              Cache-Control: absent
              RFC 6749 §5.1: "The authorization server MUST include the HTTP "Cache-Control" response header field [RFC2616] with a value of "no-store" in any response containing tokens, credentials, or other sensitive information, as well as the "Pragma" response header field [RFC2616] with a value of "no-cache"."
  FAIL SHOULD expires_in is a positive number of seconds  [token.expires-in, RFC 6749 §5.1]
              expires_in absent
              RFC 6749 §5.1: "expires_in: RECOMMENDED. The lifetime in seconds of the access token."

Resource API (RFC 6750)
  SKIP 3 checks: no --api given
              api.happy-path, api.scheme-case, api.no-token

Summary: 1 MUST failed; 1 passed, 2 failed (1 MUST, 1 SHOULD), 1 observed, 3 skipped in 1.2 s.
`,
    );
  });

  it('colours a failed MUST red, a failed SHOULD yellow and a pass green', () => {
    const text = formatReport(sample, { color: true });
    expect(text).toContain('\x1b[31mFAIL\x1b[0m MUST ');
    expect(text).toContain('\x1b[33mFAIL\x1b[0m SHOULD');
    expect(text).toContain('\x1b[32mPASS\x1b[0m MUST ');
    expect(text).toContain('\x1b[31m1 MUST failed\x1b[0m');
  });

  it('says a run that stopped is inconclusive, and why, and exits 3', () => {
    const stopped = report(
      [result('token.client-secret-basic', 'skipped', 'refused: 401 invalid_client')],
      'the server refused the credentials for svc: client_secret_basic: 401 invalid_client. Check --client-id and --client-secret.',
    );
    const text = formatReport(stopped, { color: false });
    expect(text).toContain(
      '\nSTOPPED: the server refused the credentials for svc: client_secret_basic: 401 invalid_client. Check --client-id and --client-secret.\n',
    );
    expect(text).toContain(
      'Summary: inconclusive: the run stopped before it could check the server; 0 passed, 0 failed (0 MUST, 0 SHOULD), 0 observed, 1 skipped in 1.2 s.',
    );
    expect(stopped.exitCode).toBe(3);
  });

  it('says every MUST passed when none failed', () => {
    const ok = report([result('discovery.issuer', 'pass', 'x')]);
    expect(formatReport(ok, { color: false })).toContain(
      'Summary: every MUST passed; 1 passed, 0 failed (0 MUST, 0 SHOULD), 0 observed, 0 skipped in 1.2 s.',
    );
    expect(ok.exitCode).toBe(0);
  });

  it('keeps two skips for one reason as two lines (folding starts at three)', () => {
    const two = report([
      result('api.happy-path', 'skipped', 'no --api given'),
      result('api.scheme-case', 'skipped', 'no --api given'),
    ]);
    const text = formatReport(two, { color: false });
    expect(text).toContain('  SKIP MUST   The API accepts the token in Authorization: Bearer');
    expect(text).not.toContain('SKIP 2 checks');
  });

  it('writes the whole report as JSON', () => {
    expect(JSON.parse(formatReportJson(sample))).toEqual(sample);
  });
});

describe('masking', () => {
  it('replaces secrets, also URL-encoded, and ignores values too short to mask safely', () => {
    const run = new ConformanceRun({
      issuer: 'https://a.example',
      clientId: 'svc',
      clientSecret: 'p@ss word',
      timeoutMs: 1000,
      json: false,
    });
    run.keepSecret('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzdmMifQ.sig');
    run.keepSecret('abc');
    expect(
      run.mask(
        'secret p@ss word, encoded p%40ss%20word, token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzdmMifQ.sig, abc',
      ),
    ).toBe('secret ********, encoded ********, token ********, abc');
  });
});

describe('the recorder', () => {
  it('takes a verdict only under a rule the catalog lists for the check, and gives its level', () => {
    const run = new ConformanceRun({
      issuer: 'https://a.example',
      clientId: 'svc',
      timeoutMs: 1,
      json: false,
    });
    run.fail('revocation.revoke', '400 unsupported_token_type', 'accessTokenRevocation');
    expect(run.results.get('revocation.revoke')).toMatchObject({
      level: 'SHOULD',
      rfc: 'RFC 7009 §2',
      rule: { ref: 'RFC 7009 §2', quote: RULES.accessTokenRevocation.quote },
    });
    expect(() => run.fail('token.pragma', 'x', 'accessTokenRevocation')).toThrow(
      "token.pragma cannot cite accessTokenRevocation: add it to the check's rules in checks.ts",
    );
  });
});

describe('metadataUrls', () => {
  it('puts the RFC 8414 well-known segment before the path and appends OpenID’s', () => {
    expect(metadataUrls('https://sso.example.com/realms/demo')).toEqual([
      'https://sso.example.com/.well-known/oauth-authorization-server/realms/demo',
      'https://sso.example.com/realms/demo/.well-known/openid-configuration',
      'https://sso.example.com/realms/demo/.well-known/oauth-authorization-server',
    ]);
    expect(metadataUrls('https://auth.example.com')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server',
      'https://auth.example.com/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://tenant.example.com/')).toEqual([
      'https://tenant.example.com/.well-known/oauth-authorization-server',
      'https://tenant.example.com/.well-known/openid-configuration',
    ]);
  });
});

describe('describeFetchError', () => {
  it('reads the code undici hides in the cause', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND x.invalid'), { code: 'ENOTFOUND' }),
    });
    expect(describeFetchError(error, 1000)).toBe('host name not found');
  });
  it('names a timeout with the limit', () => {
    const error = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(describeFetchError(error, 1500)).toBe(
      'no answer within 1500 ms (raise --timeout if the server is slow)',
    );
  });
  it('falls back to the innermost message', () => {
    expect(
      describeFetchError(new TypeError('fetch failed', { cause: new Error('bad port') }), 1),
    ).toBe('bad port');
  });
});
