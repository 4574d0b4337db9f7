/**
 * The failures lab's job: a service runs as a few replicas, each with several callers that call
 * the API at the same moment, every few minutes, for hours of simulated time. The token endpoint
 * has outages (503s with Retry-After, dropped connections, slow answers), injected through the
 * mock's faults while the job runs. A naive client and the learner's run the same job; each
 * replica keeps its own token cache (replicas share no memory). Plain TypeScript: the lab renders
 * what it records, and the tests run it against the protocol core in-process.
 *
 * Simulated time: the server clock is set to each request's job time; a retry's wait and an
 * injected delay move a replica's clock on, without waiting for real (the delay itself does run
 * for real, it is the server's). Everything else takes no job time, so a run replays the same way.
 * A background refresh runs once the run's calls are done, so it never delays them.
 */
import { QueryClient } from '@tanstack/react-query';
import type { HttpRequestModel } from '../../../client/http-request.ts';
import { createTokenClient, type TokenClient } from '../../../client/token-cache.ts';
import { LANES, type LaneId } from '../lanes/job.ts';

/** What a resilient client does; each is one habit of the lesson. */
export interface ResilienceHabits {
  /** Retry a failed token request (a 5xx, a 429, no answer, a timeout) up to 3 times. */
  retry: boolean;
  /** Wait 1 s, 2 s, 4 s between retries (off: retry at once). */
  backoff: boolean;
  /** Wait a random share of that ("full jitter"), so replicas do not retry in step. */
  jitter: boolean;
  /** Never retry before the Retry-After the server gave. */
  honourRetryAfter: boolean;
  /** A replica's callers share one token request in flight. */
  shareInFlight: boolean;
  /**
   * Keep using the cached token until it expires: refresh it in the background, and when that
   * fails, go on serving it.
   */
  serveStale: boolean;
  /** Give up a token request after {@link TIMEOUT_MS}. */
  timeout: boolean;
}

/** The client the lesson starts from: no retry, no sharing, no fallback, waits forever. */
export const NAIVE_RESILIENCE: ResilienceHabits = {
  retry: false,
  backoff: false,
  jitter: false,
  honourRetryAfter: false,
  shareInFlight: false,
  serveStale: false,
  timeout: false,
};

/** Every habit. */
export const GOOD_RESILIENCE: ResilienceHabits = {
  retry: true,
  backoff: true,
  jitter: true,
  honourRetryAfter: true,
  shareInFlight: true,
  serveStale: true,
  timeout: true,
};

export interface FailuresJob {
  hours: number;
  everyMinutes: number;
  /** Instances of the service: each has its own token cache. */
  replicas: number;
  /** Callers in a replica that call the API at the same moment, each run. */
  callers: number;
}

/** A window of job time in which the token endpoint fails. */
export interface Outage {
  /** When it starts, in minutes of job time. */
  atMinute: number;
  minutes: number;
  kind: 'status' | 'delay' | 'drop';
  status?: number;
  retryAfter?: number;
  delayMs?: number;
  /** Fault each token request in the window at this chance (default: every one). */
  probability?: number;
}

/** Tokens are refreshed this long before they expire (the window a stale token can cover). */
export const REFRESH_MARGIN_SECONDS = 900;
/** Retries after the first try. */
export const RETRY_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 1000;
/** A client with a timeout gives a token request up after this long (real ms and job ms). */
export const TIMEOUT_MS = 300;
/** The job gives each call this long (job time); a slower call has failed. */
export const CALL_DEADLINE_MS = 1000;

/** Why a token request was not needed. */
export type AvoidableReason = 'duplicate' | 'too-early' | 'lockstep';

export const AVOIDABLE_REASONS: Record<AvoidableReason, string> = {
  duplicate: 'another token request of the same replica was already in flight (share it)',
  'too-early': 'sent before the Retry-After the server gave had passed',
  lockstep: 'a retry at the same instant as another replica’s (jitter spreads them)',
};

/** One thing that happened. `at` is job time in seconds. */
export type FailureMark =
  | {
      lane: LaneId;
      replica: number;
      kind: 'token';
      at: number;
      retry: boolean;
      /** ok: a token; error: an error status; unreachable: no answer (dropped, timed out). */
      outcome: 'ok' | 'error' | 'unreachable';
      status?: number;
      avoidable?: AvoidableReason;
    }
  | {
      lane: LaneId;
      replica: number;
      kind: 'call';
      at: number;
      ok: boolean;
      reason?: string;
      /** Answered with a stale (still valid) token while the token endpoint failed. */
      stale?: boolean;
      /** Failed although the replica held a token that had not expired. */
      avoidable?: boolean;
    }
  | { lane: LaneId; kind: 'outage'; at: number; until: number; text: string };

export interface FailureTotals {
  calls: number;
  callsFailed: number;
  avoidableFailures: number;
  servedStale: number;
  tokenRequests: number;
  retries: number;
  tokenFailures: number;
  avoidableTokenRequests: number;
}

export function failureTotals(marks: readonly FailureMark[], lane: LaneId): FailureTotals {
  const t: FailureTotals = {
    calls: 0,
    callsFailed: 0,
    avoidableFailures: 0,
    servedStale: 0,
    tokenRequests: 0,
    retries: 0,
    tokenFailures: 0,
    avoidableTokenRequests: 0,
  };
  for (const m of marks) {
    if (m.lane !== lane) continue;
    if (m.kind === 'call') {
      t.calls++;
      if (!m.ok) t.callsFailed++;
      if (m.avoidable) t.avoidableFailures++;
      if (m.stale) t.servedStale++;
    } else if (m.kind === 'token') {
      t.tokenRequests++;
      if (m.retry) t.retries++;
      if (m.outcome !== 'ok') t.tokenFailures++;
      if (m.avoidable) t.avoidableTokenRequests++;
    }
  }
  return t;
}

/** The avoidable marks of a lane, counted by reason, with the first of each. */
export function avoidableSummary(
  marks: readonly FailureMark[],
  lane: LaneId,
): { reason: AvoidableReason | 'failed-with-valid-token'; count: number; firstAt: number }[] {
  const byReason = new Map<string, { count: number; firstAt: number }>();
  for (const m of marks) {
    if (m.lane !== lane) continue;
    const reason =
      m.kind === 'token'
        ? m.avoidable
        : m.kind === 'call' && m.avoidable
          ? 'failed-with-valid-token'
          : undefined;
    if (reason === undefined) continue;
    const seen = byReason.get(reason);
    if (seen) seen.count++;
    else byReason.set(reason, { count: 1, firstAt: m.at });
  }
  return [...byReason].map(([reason, v]) => ({
    reason: reason as AvoidableReason | 'failed-with-valid-token',
    ...v,
  }));
}

/** Job times (seconds) of every run. */
export function runTimes(job: FailuresJob): number[] {
  const times: number[] = [];
  for (let t = 0; t < job.hours * 3600; t += job.everyMinutes * 60) times.push(t);
  return times;
}

/** A fault rule (as `PUT /__admin/faults` takes it) for an outage at the token endpoint. */
export interface OutageFault {
  target: 'token';
  kind: Outage['kind'];
  status?: number;
  retry_after?: number;
  delay_ms?: number;
  probability?: number;
}

export function outageFault(outage: Outage): OutageFault {
  return {
    target: 'token',
    kind: outage.kind,
    ...(outage.kind === 'status' && { status: outage.status ?? 503 }),
    ...(outage.kind === 'status' &&
      outage.retryAfter !== undefined && { retry_after: outage.retryAfter }),
    ...(outage.kind === 'delay' && { delay_ms: outage.delayMs ?? 1500 }),
    ...(outage.probability !== undefined && { probability: outage.probability }),
  };
}

/** "503 with Retry-After 30 s", "dropped connections (60%)", "1500 ms slow". */
export function describeOutage(outage: Outage): string {
  const what =
    outage.kind === 'status'
      ? `${outage.status ?? 503}${outage.retryAfter !== undefined ? ` with Retry-After ${outage.retryAfter} s` : ''}`
      : outage.kind === 'drop'
        ? 'dropped connections'
        : `${outage.delayMs ?? 1500} ms slow answers`;
  const chance =
    outage.probability !== undefined
      ? ` (${Math.round(outage.probability * 100)}% of requests)`
      : '';
  return `token endpoint: ${what}${chance} for ${outage.minutes} min`;
}

/** A seeded random in [0, 1) (mulberry32): jitter that replays the same way. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FailuresSimDeps {
  /** Sends a request: the page's fetch (through the service worker) or a core's `handle`. */
  fetch: (request: Request) => Promise<Response>;
  /** Sets the servers' shared clock (epoch seconds, may be fractional). */
  setServerTime: (epochSeconds: number) => Promise<void>;
  /** Replaces the injected faults (`PUT /__admin/faults`); an empty list clears them. */
  setFaults: (faults: readonly OutageFault[], seed: number) => Promise<void>;
  tokenRequest: () => Promise<HttpRequestModel>;
  apiRequest: HttpRequestModel;
  /** Epoch ms where each lane's job starts on the server clock (far apart). */
  laneStart: Record<LaneId, number>;
  onMark: (mark: FailureMark) => void;
  /** Called after every run, so a UI can draw. */
  afterRun?: (jobSeconds: number) => Promise<void> | void;
  signal?: AbortSignal;
}

export interface FailuresSettings {
  job: FailuresJob;
  yours: ResilienceHabits;
  outages: readonly Outage[];
}

export interface FailuresResult {
  finished: boolean;
  totals: Record<LaneId, FailureTotals>;
}

interface Replica {
  index: number;
  /** Job time of this replica, ms. */
  clockMs: number;
  inFlight: number;
  /** Job ms before which the server asked not to come back (Retry-After). */
  blockedUntil: number | undefined;
  /** Job ms until which the replica's newest token is valid. */
  validUntil: number | undefined;
  /** The next token request is a retry (the client said so just before it). */
  retrying: boolean;
  /** A call was answered from a stale token since the last call mark. */
  servedStale: boolean;
  /** Background refreshes asked for during the run's calls: run once the calls are done. */
  background: (() => Promise<void>)[];
  client: TokenClient;
}

const rejectOnAbort = (signal: AbortSignal | null) =>
  new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/**
 * Run the job for both lanes, run by run: the naive client's replicas, then the learner's, each
 * replica's callers at once. Outages are applied per request by its job time.
 */
export async function runFailuresJob(
  deps: FailuresSimDeps,
  settings: FailuresSettings,
): Promise<FailuresResult> {
  const marks: FailureMark[] = [];
  const mark = (m: FailureMark) => {
    marks.push(m);
    deps.onMark(m);
  };
  const { job, outages } = settings;
  const outageAt = (ms: number) =>
    outages.findIndex((o) => ms >= o.atMinute * 60_000 && ms < (o.atMinute + o.minutes) * 60_000);
  for (const lane of LANES) {
    for (const o of outages) {
      mark({
        lane,
        kind: 'outage',
        at: o.atMinute * 60,
        until: (o.atMinute + o.minutes) * 60,
        text: describeOutage(o),
      });
    }
  }

  // The faults on the server now, by who set them: each replica of each lane meets an outage
  // from its start (the same seeded draws), since each keeps its own timeline.
  let faultsKey = 'none';
  const applyOutage = async (lane: LaneId, replica: number, ms: number) => {
    const index = outageAt(ms);
    const key = index === -1 ? 'none' : `${lane}/${replica}/${index}`;
    if (key === faultsKey) return;
    faultsKey = key;
    const outage = outages[index];
    await deps.setFaults(outage ? [outageFault(outage)] : [], 7 + index);
  };

  const lanes = LANES.map((lane) => {
    const habits = lane === 'naive' ? NAIVE_RESILIENCE : settings.yours;
    const retryTimes = new Map<number, Set<number>>();
    const random = seededRandom(lane === 'naive' ? 11 : 23);
    const replicas: Replica[] = [];
    for (let index = 0; index < job.replicas; index++) {
      const replica: Replica = {
        index,
        clockMs: 0,
        inFlight: 0,
        blockedUntil: undefined,
        validUntil: undefined,
        retrying: false,
        servedStale: false,
        background: [],
        client: undefined as unknown as TokenClient,
      };
      const start = deps.laneStart[lane];
      const fetch = async (request: Request): Promise<Response> => {
        const isToken = new URL(request.url).pathname.endsWith('/oauth/token');
        const atMs = replica.clockMs;
        let avoidable: AvoidableReason | undefined;
        const retry = isToken && replica.retrying;
        if (isToken) {
          replica.retrying = false;
          // Too early first: a retry right after its own 503 is blocked by that 503's
          // Retry-After whatever else is in flight, so the reason does not hang on the order in
          // which the replica's other requests were answered.
          if (replica.blockedUntil !== undefined && atMs < replica.blockedUntil) {
            avoidable = 'too-early';
          } else if (replica.inFlight > 0) avoidable = 'duplicate';
          else if (retry) {
            const others = retryTimes.get(atMs);
            if (others && [...others].some((r) => r !== index)) avoidable = 'lockstep';
          }
          if (retry) retryTimes.set(atMs, (retryTimes.get(atMs) ?? new Set()).add(index));
          replica.inFlight++;
          await applyOutage(lane, index, atMs);
        }
        await deps.setServerTime((start + atMs) / 1000);
        const outage = isToken ? outages[outageAt(atMs)] : undefined;
        let response: Response | undefined;
        let aborted = false;
        try {
          response = await Promise.race([deps.fetch(request), rejectOnAbort(request.signal)]);
          if (response.type === 'error') throw new TypeError('network error');
          return response;
        } catch (error) {
          aborted = request.signal.aborted;
          throw error;
        } finally {
          if (isToken) {
            replica.inFlight--;
            // Job time the request took: an injected delay (or the timeout that cut it short).
            const took =
              outage?.kind === 'delay' ? (aborted ? TIMEOUT_MS : (outage.delayMs ?? 1500)) : 0;
            replica.clockMs = Math.max(replica.clockMs, atMs + took);
            const status = response?.status;
            if (status === 200) {
              const body = (await response
                ?.clone()
                .json()
                .catch(() => undefined)) as { expires_in?: unknown } | undefined;
              if (typeof body?.expires_in === 'number') {
                replica.validUntil = atMs + body.expires_in * 1000;
              }
            }
            const retryAfter = Number(response?.headers.get('retry-after'));
            if (
              status !== undefined &&
              status >= 400 &&
              Number.isFinite(retryAfter) &&
              retryAfter > 0
            ) {
              replica.blockedUntil = atMs + retryAfter * 1000;
            }
            mark({
              lane,
              replica: index,
              kind: 'token',
              at: atMs / 1000,
              retry,
              outcome: status === undefined ? 'unreachable' : status === 200 ? 'ok' : 'error',
              ...(status !== undefined && { status }),
              ...(avoidable && { avoidable }),
            });
          }
        }
      };
      replica.client = createTokenClient({
        tokenRequest: deps.tokenRequest,
        fetch,
        now: () => start + replica.clockMs,
        refreshMarginSeconds: REFRESH_MARGIN_SECONDS,
        honourRetryAfter: habits.honourRetryAfter,
        ...(habits.retry && {
          retry: {
            attempts: RETRY_ATTEMPTS,
            baseDelayMs: habits.backoff ? BACKOFF_BASE_MS : 0,
            maxDelayMs: 8 * BACKOFF_BASE_MS,
            jitter: habits.jitter,
            random,
          },
        }),
        sleep: async (ms) => {
          const wake = replica.clockMs + ms;
          await Promise.resolve();
          replica.clockMs = Math.max(replica.clockMs, wake);
        },
        shareInFlight: habits.shareInFlight,
        serveStale: habits.serveStale,
        // The refresh goes on behind the callers' backs: after this run's calls.
        background: (refresh) => {
          replica.background.push(refresh);
        },
        ...(habits.timeout && { timeoutMs: TIMEOUT_MS }),
        queryClient: new QueryClient(),
        queryKey: ['token', lane, index],
        onEvent: (event) => {
          if (event.type === 'token_retry') replica.retrying = true;
          if (event.type === 'token_served_stale') replica.servedStale = true;
        },
      });
      replicas.push(replica);
    }
    return { lane, replicas };
  });

  const call = async (lane: LaneId, replica: Replica) => {
    const startMs = replica.clockMs;
    const validAtStart = replica.validUntil !== undefined && startMs < replica.validUntil;
    let ok = false;
    let reason: string | undefined;
    try {
      const exchange = await replica.client.callApi(deps.apiRequest);
      ok = exchange.status >= 200 && exchange.status < 300;
      if (!ok) reason = `HTTP ${exchange.status}`;
    } catch (error) {
      reason = failureReason(error);
    }
    if (ok && replica.clockMs - startMs > CALL_DEADLINE_MS) {
      ok = false;
      reason = `too slow (${Math.round((replica.clockMs - startMs) / 100) / 10} s)`;
    }
    // Served from the cache while the token endpoint was failing: what the habit is for.
    const stale = replica.servedStale && outageAt(startMs) !== -1;
    replica.servedStale = false;
    mark({
      lane,
      replica: replica.index,
      kind: 'call',
      at: startMs / 1000,
      ok,
      ...(reason !== undefined && { reason }),
      ...(ok && stale && { stale: true }),
      ...(!ok && validAtStart && { avoidable: true }),
    });
  };

  try {
    for (const t of runTimes(job)) {
      if (deps.signal?.aborted) return { finished: false, totals: totalsOf(marks) };
      for (const { lane, replicas } of lanes) {
        for (const replica of replicas) {
          replica.clockMs = Math.max(replica.clockMs, t * 1000);
          await Promise.all(Array.from({ length: job.callers }, () => call(lane, replica)));
          for (let task = replica.background.shift(); task; task = replica.background.shift()) {
            await task();
          }
        }
      }
      await deps.afterRun?.(t);
    }
  } finally {
    await deps.setFaults([], 1).catch(() => undefined);
  }
  return { finished: true, totals: totalsOf(marks) };
}

function totalsOf(marks: readonly FailureMark[]): Record<LaneId, FailureTotals> {
  return { naive: failureTotals(marks, 'naive'), yours: failureTotals(marks, 'yours') };
}

function failureReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TokenTimeoutError')
    return 'token request timed out';
  if (error instanceof Error && error.name === 'SendRequestError') return 'no answer';
  if (error instanceof Error && 'status' in error)
    return `token endpoint answered ${String(error.status)}`;
  return error instanceof Error ? error.message : String(error);
}

/** What a finished run shows, as the lab's outcomes. */
export interface FailuresVerdict {
  resilient: { ok: boolean; detail: string };
  naiveFailed: { ok: boolean; detail: string };
  servedStale: { ok: boolean; detail: string };
}

export function judgeFailures(result: FailuresResult): FailuresVerdict {
  const y = result.totals.yours;
  const n = result.totals.naive;
  const resilient =
    result.finished && y.calls > 0 && y.callsFailed === 0 && y.avoidableTokenRequests === 0;
  return {
    resilient: {
      ok: resilient,
      detail: !result.finished
        ? 'The run was stopped before the job finished: run it to the end.'
        : resilient
          ? `Through every outage, your client served all ${y.calls} calls and made no avoidable token request (${y.tokenRequests} token requests, ${y.retries} of them retries).`
          : `Your client had ${y.callsFailed} failed call${y.callsFailed === 1 ? '' : 's'} (${y.avoidableFailures} while it held a valid token) and ${y.avoidableTokenRequests} avoidable token request${y.avoidableTokenRequests === 1 ? '' : 's'}.`,
    },
    naiveFailed: {
      ok: n.avoidableFailures > 0,
      detail:
        n.avoidableFailures > 0
          ? `The naive client failed ${n.avoidableFailures} call${n.avoidableFailures === 1 ? '' : 's'} while it still held a token that had not expired.`
          : 'The naive client never failed a call while it held a valid token in this run.',
    },
    servedStale: {
      ok: y.servedStale > 0,
      detail:
        y.servedStale > 0
          ? `Your client answered ${y.servedStale} call${y.servedStale === 1 ? '' : 's'} with its cached token while the token endpoint was failing.`
          : 'Your client never fell back on its cached token in this run.',
    },
  };
}
