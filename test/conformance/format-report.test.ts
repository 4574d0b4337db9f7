import { describe, expect, it } from 'vitest';
import { CHECKS, type CheckId, type CheckResult } from '../../src/conformance/checks.ts';
import { ConformanceRun } from '../../src/conformance/conformance-run.ts';
import { metadataUrls } from '../../src/conformance/discovery-checks.ts';
import { formatReport, formatReportJson } from '../../src/conformance/format-report.ts';
import { describeFetchError } from '../../src/conformance/http-probe.ts';
import { type ConformanceReport, summarize } from '../../src/conformance/run-conformance.ts';

function result(id: CheckId, outcome: CheckResult['outcome'], detail: string): CheckResult {
  const { group, title, rfc, level } = CHECKS[id];
  return { id, group, title, rfc, level, outcome, detail };
}

function report(results: CheckResult[]): ConformanceReport {
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
    exitCode: summary.mustFailed > 0 ? 1 : 0,
  };
}

const sample = report([
  result('discovery.issuer', 'pass', 'https://auth.example.com'),
  result('discovery.scopes', 'observed', '[read:users]'),
  result('token.cache-control', 'fail', 'Cache-Control: absent'),
  result('token.pragma', 'fail', 'Pragma: absent'),
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
  NOTE INFO   Scopes advertised  [discovery.scopes, RFC 8414 §2]
              [read:users]

Token endpoint: happy paths
  FAIL MUST   Token response has Cache-Control: no-store  [token.cache-control, RFC 6749 §5.1]
              Cache-Control: absent
  FAIL SHOULD Token response has Pragma: no-cache (dropped by OAuth 2.1)  [token.pragma, RFC 6749 §5.1]
              Pragma: absent

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
