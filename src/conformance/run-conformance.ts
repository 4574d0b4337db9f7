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
  probeForbiddenApi,
} from './endpoint-checks.ts';
import { type Fetch, Unreachable } from './http-probe.ts';
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
  /**
   * Why the run stopped before it could check the server (it could not be reached, or it refused
   * the credentials), or null when it ran through. The checks not run are skipped with the reason.
   */
  stopped: string | null;
  /** 0: every MUST passed; 1: a MUST failed; 3: stopped before checking, nothing failed. */
  exitCode: 0 | 1 | 3;
}

/** The exit code of a report: a failed MUST first, then a run that could not check the server. */
export function exitCodeOf(summary: ConformanceSummary, stopped: string | null): 0 | 1 | 3 {
  if (summary.mustFailed > 0) return 1;
  return stopped === null ? 0 : 3;
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
    try {
      found = await discover(run);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      const reason = `could not reach the server: ${error.message}`;
      run.stopped = { reason, short: 'the server could not be reached' };
      run.skip('discovery.metadata', reason);
    }
  });
  if (found) {
    await run.attempt(['discovery.issuer', 'discovery.token-endpoint'], () => checkMetadata(run));
  }
  if (found && run.tokenEndpoint && run.methods.length === 0 && !run.stopped) {
    run.stopped = {
      reason: 'no credentials to authenticate with: the private key could not be loaded',
      short: 'no credentials to authenticate with',
    };
  }
  if (run.tokenEndpoint && run.methods.length > 0) {
    const issued = await checkTokenHappyPaths(run);
    if (!run.stopped) {
      await checkJwtAccessToken(run, issued, deps.now);
      await probeForbiddenApi(run, issued);
      await checkNegatives(run, issued);
      await checkIntrospection(run, issued);
      await checkApi(run, issued);
      await checkApiRevoked(run, await checkRevocation(run));
    }
  }
  const reason = run.stopped
    ? `not run: ${run.stopped.short}`
    : found
      ? 'not run: the metadata names no usable token_endpoint'
      : 'not run: the server metadata could not be read';
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
    stopped: run.stopped ? run.mask(run.stopped.reason) : null,
    exitCode: exitCodeOf(summary, run.stopped?.reason ?? null),
  };
}
