/**
 * The failures lab's job (src/ui/labs/failures/failures-sim.ts) against the protocol core, with
 * the faults the lab injects: what each habit buys, and that a run replays the same way.
 */
import { describe, expect, it } from 'vitest';
import { failuresLab } from '../../../src/lessons/labs/failures.ts';
import { createMockServer } from '../../../src/protocol/index.ts';
import {
  avoidableSummary,
  type FailureMark,
  type FailuresSettings,
  GOOD_RESILIENCE,
  judgeFailures,
  NAIVE_RESILIENCE,
  runFailuresJob,
} from '../../../src/ui/labs/failures/failures-sim.ts';
import { DEMO_CLIENT } from '../../../src/ui/labs/failures/use-failures-lab.ts';
import { jobApiRequest, jobTokenRequest } from '../../../src/ui/labs/lanes/job.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';

/** Answers that take 0-9 ms, in a fixed pattern: requests answered out of order, as the page's. */
function uneven(handle: (request: Request) => Promise<Response>) {
  let n = 0;
  return async (request: Request) => {
    const wait = (n++ * 7) % 10;
    await new Promise((resolve) => setTimeout(resolve, wait));
    return handle(request);
  };
}

async function run(settings: Partial<FailuresSettings> = {}, opts: { uneven?: boolean } = {}) {
  const server = await createMockServer({ issuer, apiOrigin: api, audience: api });
  const config = failuresLab.config.parse({});
  const marks: FailureMark[] = [];
  const now = Date.UTC(2030, 0, 10);
  const result = await runFailuresJob(
    {
      fetch: (opts.uneven ? uneven : (f: (r: Request) => Promise<Response>) => f)(
        async (request) => (await server.handle(request)) ?? Response.error(),
      ),
      setServerTime: async (seconds) => {
        await server.admin.setClock({ set: seconds });
      },
      setFaults: async (faults, seed) => {
        await server.admin.putFaults({ faults, seed });
      },
      tokenRequest: () => jobTokenRequest(server, DEMO_CLIENT),
      apiRequest: jobApiRequest(server),
      laneStart: { naive: now - 6 * 86_400_000, yours: now - 3 * 86_400_000 },
      onMark: (m) => marks.push(m),
    },
    {
      job: { ...config.job, hours: 2 },
      yours: NAIVE_RESILIENCE,
      // the 503 and the drops (the slow answers take real time: the e2e journey has them)
      outages: config.outages.slice(0, 2),
      ...settings,
    },
  );
  return { result, marks, server };
}

describe('the failures job', () => {
  it('shows what a naive client costs: duplicate token requests, and calls failed with a valid token', async () => {
    const { result, marks, server } = await run();
    expect(result.finished).toBe(true);
    const naive = result.totals.naive;
    expect(naive.calls).toBe(12 * 3 * 4);
    const reasons = avoidableSummary(marks, 'naive').map((s) => s.reason);
    expect(reasons).toContain('duplicate');
    expect(reasons).toContain('failed-with-valid-token');
    expect(naive.avoidableFailures).toBeGreaterThan(0);
    expect(judgeFailures(result).naiveFailed.ok).toBe(true);
    // The faults are cleared when the job ends.
    expect(server.admin.faults().faults).toEqual([]);
  });

  it('names retries sent before Retry-After and retries in lockstep', async () => {
    const tooEarly = await run({
      yours: { ...NAIVE_RESILIENCE, retry: true, shareInFlight: true },
    });
    expect(avoidableSummary(tooEarly.marks, 'yours').map((s) => s.reason)).toContain('too-early');
    // The lesson's first run (retry, nothing shared): its retries right after a 503 are too
    // early even while the replica's other callers still have requests in flight, in whatever
    // order the answers come back.
    const first = await run({ yours: { ...NAIVE_RESILIENCE, retry: true } }, { uneven: true });
    const firstReasons = avoidableSummary(first.marks, 'yours').map((s) => s.reason);
    expect(firstReasons).toContain('too-early');
    expect(firstReasons).toContain('duplicate');
    const lockstep = await run({
      yours: {
        ...NAIVE_RESILIENCE,
        retry: true,
        backoff: true,
        honourRetryAfter: true,
        shareInFlight: true,
      },
    });
    const reasons = avoidableSummary(lockstep.marks, 'yours').map((s) => s.reason);
    expect(reasons).toContain('lockstep');
    expect(reasons).not.toContain('too-early');
  });

  it('rides out every outage with all the habits: no failed call, nothing avoidable, the cache serves', async () => {
    const { result, marks } = await run({ yours: GOOD_RESILIENCE });
    const yours = result.totals.yours;
    expect(yours.callsFailed).toBe(0);
    expect(yours.avoidableTokenRequests).toBe(0);
    expect(yours.retries).toBeGreaterThan(0);
    expect(yours.servedStale).toBeGreaterThan(0);
    expect(avoidableSummary(marks, 'yours')).toEqual([]);
    const verdict = judgeFailures(result);
    expect(verdict.resilient.ok).toBe(true);
    expect(verdict.servedStale.ok).toBe(true);
  });

  it('replays the same way: the same requests, answers and failures at the same job times', async () => {
    const a = await run({ yours: GOOD_RESILIENCE });
    const b = await run({ yours: GOOD_RESILIENCE });
    // What happened when, per replica. Not the order the marks were recorded in: a replica's
    // callers run at once, and which of two answers at the same job time lands first depends on
    // the machine's load (signing runs on a thread pool), not on the seed.
    const shape = (marks: FailureMark[]) =>
      marks
        .map((m) =>
          m.kind === 'token'
            ? `${m.lane}${m.replica}@${m.at} token ${m.outcome} ${m.status ?? ''}${m.retry ? ' retry' : ''} ${m.avoidable ?? ''}`
            : m.kind === 'call'
              ? `${m.lane}${m.replica}@${m.at} call ${m.ok}${m.stale ? ' stale' : ''}${m.avoidable ? ' avoidable' : ''}`
              : `${m.lane}@${m.at} outage`,
        )
        .sort();
    expect(shape(a.marks).length).toBeGreaterThan(100);
    expect(shape(b.marks)).toEqual(shape(a.marks));
  });
});
