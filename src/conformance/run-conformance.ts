/**
 * Run the whole checklist against one authorization server and return the report. Pure fetch +
 * jose: no Node APIs, so it runs in Node, Deno, Bun or a page (CORS permitting).
 */
import { CHECKS, type CheckId, type CheckResult } from './checks.ts';
import { loadAssertionKey } from './client-auth.ts';
import { ConformanceRun } from './conformance-run.ts';
import { checkMetadata, discover } from './discovery-checks.ts';
import {
  checkApi,
  checkApiRevoked,
  checkIntrospection,
  checkRevocation,
} from './endpoint-checks.ts';
import type { Fetch } from './http-probe.ts';
import { checkNegatives } from './negative-checks.ts';
import type { ConformanceOptions } from './options.ts';
import { checkJwtAccessToken, checkTokenHappyPaths } from './token-checks.ts';

export interface ConformanceSummary {
  pass: number;
  fail: number;
  mustFailed: number;
  shouldFailed: number;
  skipped: number;
  observed: number;
}

export interface ConformanceReport {
  issuer: string;
  /** Where the metadata was found, when it was. */
  metadataUrl: string | null;
  clientId: string;
  /** What was given, never the values: "client_secret", "private_key (file)". */
  credentials: string[];
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
  summary: ConformanceSummary;
  /** 0: every MUST passed; 1: a MUST failed. */
  exitCode: 0 | 1;
}

export function summarize(results: readonly CheckResult[]): ConformanceSummary {
  const count = (test: (r: CheckResult) => boolean) => results.filter(test).length;
  return {
    pass: count((r) => r.outcome === 'pass'),
    fail: count((r) => r.outcome === 'fail'),
    mustFailed: count((r) => r.outcome === 'fail' && r.level === 'MUST'),
    shouldFailed: count((r) => r.outcome === 'fail' && r.level === 'SHOULD'),
    skipped: count((r) => r.outcome === 'skipped'),
    observed: count((r) => r.outcome === 'observed'),
  };
}

export interface RunDependencies {
  fetch?: Fetch;
  /** Epoch seconds, for the JWT time checks. */
  now?: () => number;
}

export async function runConformance(
  options: ConformanceOptions,
  deps: RunDependencies = {},
): Promise<ConformanceReport> {
  const started = Date.now();
  const run = new ConformanceRun(options, deps.fetch);

  if (options.privateKey !== undefined) {
    try {
      run.assertionKey = await loadAssertionKey(options.privateKey, {
        ...(options.alg ? { alg: options.alg } : {}),
        ...(options.kid ? { kid: options.kid } : {}),
      });
      for (const secret of run.assertionKey.secrets) run.secrets.add(secret);
    } catch (error) {
      run.fail(
        'token.private-key-jwt',
        `--private-key ${options.privateKeyFile ?? ''}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  let found = false;
  await run.attempt('discovery.metadata', async () => {
    found = await discover(run);
  });
  if (found) {
    await run.attempt(['discovery.issuer', 'discovery.token-endpoint'], () => checkMetadata(run));
  }
  if (run.tokenEndpoint) {
    const issued = await checkTokenHappyPaths(run);
    await checkJwtAccessToken(run, issued, deps.now);
    await checkNegatives(run);
    await checkIntrospection(run, issued);
    await checkApi(run, issued);
    await checkApiRevoked(run, await checkRevocation(run));
  }
  const reason = found ? 'no usable token endpoint' : 'the server metadata could not be read';
  for (const id of Object.keys(CHECKS) as CheckId[]) run.skip(id, reason);

  // Catalog order, every string masked.
  const results = (Object.keys(CHECKS) as CheckId[]).flatMap((id) => {
    const result = run.results.get(id);
    return result ? [{ ...result, detail: run.mask(result.detail) }] : [];
  });
  const summary = summarize(results);
  const credentials: string[] = [];
  if (options.clientSecret !== undefined) credentials.push('client_secret');
  if (options.privateKey !== undefined)
    credentials.push(`private_key${options.privateKeyFile ? ` (${options.privateKeyFile})` : ''}`);
  return {
    issuer: options.issuer,
    metadataUrl: run.metadataUrl ?? null,
    clientId: options.clientId,
    credentials,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results,
    summary,
    exitCode: summary.mustFailed > 0 ? 1 : 0,
  };
}
