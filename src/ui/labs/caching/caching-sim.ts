/**
 * The caching lab's scheduled job: two clients (a naive one and the learner's) run the same job
 * against the real mock server, with the server's shared clock moved in step with the job clock.
 * Everything here is plain TypeScript (no React): the lab renders what it records, and the
 * tests run it against the protocol core in-process.
 */
import { QueryClient } from '@tanstack/react-query';
import type { HttpRequestModel } from '../../../client/http-request.ts';
import {
  accessTokenQueryKey,
  createTokenClient,
  parseRetryAfter,
} from '../../../client/token-cache.ts';
import { LANES, type LaneId } from '../lanes/job.ts';

/** What a client does; each field is one habit of the caching lesson. */
export interface ClientHabits {
  /** Reuse a token until its cache lifetime ends (false: a token before every call). */
  cacheTokens: boolean;
  /** Refresh this many seconds before `expires_in` runs out. */
  ttlMarginSeconds: number;
  /** On a 401, discard the token, get a new one and retry the call once. */
  retryOn401: boolean;
  /** After a 429, wait for Retry-After before asking again. */
  honourRetryAfter: boolean;
  /** Get a token when the job starts, before the first call needs it. */
  fetchOnStart: boolean;
}

/** The client the article warns about: a token before every call, no retry, no waiting. */
export const NAIVE_HABITS: ClientHabits = {
  cacheTokens: false,
  ttlMarginSeconds: 60,
  retryOn401: false,
  honourRetryAfter: false,
  fetchOnStart: false,
};

/** The five habits, as the article lists them. */
export const GOOD_HABITS: ClientHabits = {
  cacheTokens: true,
  ttlMarginSeconds: 60,
  retryOn401: true,
  honourRetryAfter: true,
  fetchOnStart: true,
};

/** The scheduled job: a run every `everyMinutes`, each making `callsPerRun` API calls. */
export interface JobSettings {
  hours: number;
  everyMinutes: number;
  callsPerRun: number;
}

/** Seconds between two calls of one run: a batch job works through its list quickly. */
export const SECONDS_BETWEEN_CALLS = 2;

/**
 * A token request is avoidable when the client still held a token the API had not refused with
 * more than this left before its `exp`, or when Retry-After had not passed yet. Five minutes is
 * the largest clock-skew leeway the contract allows, so a margin up to it is never "avoidable".
 */
export const AVOIDABLE_IF_LEFT_SECONDS = 300;

/** A time-travel step, scripted (`atHour`) or from a button. */
export interface TimeTravel {
  /** Move both the job clock and the server clock forward by this much. */
  jumpSeconds?: number;
  /** Set the server clock this far ahead of the client's (negative: behind). */
  skewSeconds?: number;
}

export interface ScriptedTimeTravel extends TimeTravel {
  atHour: number;
}

/** One thing that happened, for the chart and the table. `at` is job time in seconds. */
export type SimMark =
  | {
      lane: LaneId;
      kind: 'token';
      at: number;
      status: number;
      avoidable?: 'still-valid' | 'retry-after';
    }
  | { lane: LaneId; kind: 'api'; at: number; status: number }
  | { lane: LaneId; kind: 'call'; at: number; ok: boolean; reason?: string }
  | { lane: LaneId; kind: 'clock'; at: number; text: string };

export interface LaneTotals {
  calls: number;
  callsOk: number;
  callsFailed: number;
  tokenRequests: number;
  avoidableTokenRequests: number;
  apiRequests: number;
  unauthorized: number;
  rateLimited: number;
}

/** Job times (seconds from the start) of every call, in order. */
export function callSchedule(job: JobSettings): number[] {
  const times: number[] = [];
  const end = job.hours * 3600;
  for (let run = 0; run * job.everyMinutes * 60 < end; run++) {
    for (let call = 0; call < job.callsPerRun; call++) {
      times.push(run * job.everyMinutes * 60 + call * SECONDS_BETWEEN_CALLS);
    }
  }
  return times;
}

/** Count what one lane did. */
export function laneTotals(marks: readonly SimMark[], lane: LaneId): LaneTotals {
  const t: LaneTotals = {
    calls: 0,
    callsOk: 0,
    callsFailed: 0,
    tokenRequests: 0,
    avoidableTokenRequests: 0,
    apiRequests: 0,
    unauthorized: 0,
    rateLimited: 0,
  };
  for (const m of marks) {
    if (m.lane !== lane) continue;
    if (m.kind === 'call') {
      t.calls++;
      if (m.ok) t.callsOk++;
      else t.callsFailed++;
    } else if (m.kind === 'token') {
      t.tokenRequests++;
      if (m.avoidable) t.avoidableTokenRequests++;
      if (m.status === 429) t.rateLimited++;
    } else if (m.kind === 'api') {
      t.apiRequests++;
      if (m.status === 401) t.unauthorized++;
    }
  }
  return t;
}

/**
 * What a lane knows to judge its token requests: the last token it was given (with its `exp` on
 * the server clock) and whether the API refused it, and the last Retry-After.
 */
export class AvoidabilityTracker {
  private held: { token: string; exp: number; refused: boolean } | undefined;
  private blockedUntil: number | undefined;

  /** Before a token request at server time `now` (epoch seconds): avoidable, and why? */
  judge(now: number): 'still-valid' | 'retry-after' | undefined {
    if (this.blockedUntil !== undefined && now < this.blockedUntil) return 'retry-after';
    const h = this.held;
    if (h && !h.refused && h.exp - now > AVOIDABLE_IF_LEFT_SECONDS) return 'still-valid';
    return undefined;
  }

  tokenAnswered(now: number, status: number, body: unknown, retryAfter: string | undefined) {
    if (status === 429) {
      const seconds = parseRetryAfter(retryAfter, now * 1000) ?? 0;
      this.blockedUntil = now + seconds;
      return;
    }
    const b = body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (status === 200 && typeof b?.access_token === 'string') {
      const expiresIn = typeof b.expires_in === 'number' ? b.expires_in : 0;
      this.held = { token: b.access_token, exp: now + expiresIn, refused: false };
    }
  }

  apiAnswered(bearer: string | undefined, status: number) {
    if (status === 401 && this.held && bearer === this.held.token) this.held.refused = true;
  }
}

export interface SimDeps {
  /** Sends a request: the page's fetch (through the service worker) or a core's `handle`. */
  fetch: (request: Request) => Promise<Response>;
  /** Sets the servers' shared clock (epoch seconds, may be fractional). */
  setServerTime: (epochSeconds: number) => Promise<void>;
  tokenRequest: () => Promise<HttpRequestModel>;
  apiRequest: HttpRequestModel;
  /** Epoch ms where each lane's job starts on the server clock (far apart: one rate limit). */
  laneStart: Record<LaneId, number>;
  onMark: (mark: SimMark) => void;
  /** Called after every run (a batch of calls), so a UI can draw; may pause the job. */
  afterRun?: (jobSeconds: number) => Promise<void> | void;
  /** Time travel asked for from a button since the last call (taken once). */
  takeTimeTravel?: () => TimeTravel | undefined;
  signal?: AbortSignal;
}

export interface SimSettings {
  job: JobSettings;
  yours: ClientHabits;
  script: readonly ScriptedTimeTravel[];
}

export interface SimResult {
  finished: boolean;
  totals: Record<LaneId, LaneTotals>;
}

/**
 * Run the job for both lanes: each run's batch by the naive client, then by the learner's, each
 * lane at its own place on the server clock (set before each of its requests).
 */
export async function runCachingJob(deps: SimDeps, settings: SimSettings): Promise<SimResult> {
  const marks: SimMark[] = [];
  const mark = (m: SimMark) => {
    marks.push(m);
    deps.onMark(m);
  };
  let jump = 0;
  let skew = 0;
  let job = 0;
  const clientNow = (lane: LaneId) => deps.laneStart[lane] + (job + jump) * 1000;
  const serverNow = (lane: LaneId) => clientNow(lane) + skew * 1000;

  const lanes = LANES.map((lane) => {
    const habits = lane === 'naive' ? NAIVE_HABITS : settings.yours;
    const tracker = new AvoidabilityTracker();
    const fetch = async (request: Request): Promise<Response> => {
      const now = serverNow(lane);
      await deps.setServerTime(now / 1000);
      const isToken = new URL(request.url).pathname.endsWith('/oauth/token');
      const avoidable = isToken ? tracker.judge(now / 1000) : undefined;
      const bearer = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      const response = await deps.fetch(request);
      if (isToken) {
        const body =
          response.status === 200
            ? await response
                .clone()
                .json()
                .catch(() => undefined)
            : undefined;
        tracker.tokenAnswered(
          now / 1000,
          response.status,
          body,
          response.headers.get('retry-after') ?? undefined,
        );
        mark({
          lane,
          kind: 'token',
          at: job + jump,
          status: response.status,
          ...(avoidable ? { avoidable } : {}),
        });
      } else {
        tracker.apiAnswered(bearer, response.status);
        mark({ lane, kind: 'api', at: job + jump, status: response.status });
      }
      return response;
    };
    const client = createTokenClient({
      tokenRequest: deps.tokenRequest,
      fetch,
      now: () => clientNow(lane),
      refreshMarginSeconds: habits.ttlMarginSeconds,
      cacheTokens: habits.cacheTokens,
      retryOn401: habits.retryOn401,
      honourRetryAfter: habits.honourRetryAfter,
      queryClient: new QueryClient(),
      queryKey: accessTokenQueryKey('cron-sync', 'read:users'),
    });
    return { lane, habits, client };
  });

  const applyTimeTravel = (travel: TimeTravel, at: number, label: string) => {
    if (travel.jumpSeconds) jump += travel.jumpSeconds;
    if (travel.skewSeconds !== undefined) skew = travel.skewSeconds;
    for (const lane of LANES) mark({ lane, kind: 'clock', at: at + jump, text: label });
  };
  const pendingScript = [...settings.script].sort((a, b) => a.atHour - b.atHour);

  for (const l of lanes) {
    if (!l.habits.fetchOnStart) continue;
    await l.client.start().catch(() => undefined);
  }

  // Run by run, each lane working through its batch in turn: the server keeps one rate-limit
  // window per client, so the lanes' requests must not interleave within a minute.
  const schedule = callSchedule(settings.job);
  const runLength = settings.job.callsPerRun;
  for (let first = 0; first < schedule.length; first += runLength) {
    if (deps.signal?.aborted) return { finished: false, totals: totalsOf(marks) };
    const runStart = schedule[first] ?? 0;
    while (pendingScript.length > 0 && (pendingScript[0]?.atHour ?? 0) * 3600 <= runStart) {
      const step = pendingScript.shift();
      if (step) applyTimeTravel(step, runStart, describeTimeTravel(step));
    }
    const asked = deps.takeTimeTravel?.();
    if (asked) applyTimeTravel(asked, runStart, describeTimeTravel(asked));
    for (const l of lanes) {
      for (const at of schedule.slice(first, first + runLength)) {
        job = at;
        try {
          const exchange = await l.client.callApi(deps.apiRequest);
          const ok = exchange.status >= 200 && exchange.status < 300;
          mark({
            lane: l.lane,
            kind: 'call',
            at: at + jump,
            ok,
            ...(ok ? {} : { reason: `HTTP ${exchange.status}` }),
          });
        } catch (error) {
          mark({
            lane: l.lane,
            kind: 'call',
            at: at + jump,
            ok: false,
            reason: failureReason(error),
          });
        }
      }
    }
    await deps.afterRun?.(runStart + jump);
  }
  return { finished: true, totals: totalsOf(marks) };
}

function totalsOf(marks: readonly SimMark[]): Record<LaneId, LaneTotals> {
  return { naive: laneTotals(marks, 'naive'), yours: laneTotals(marks, 'yours') };
}

function failureReason(error: unknown): string {
  if (error instanceof Error && error.name === 'RateLimitedError') return 'rate limited (429)';
  if (error instanceof Error) return error.message;
  return String(error);
}

/** "clock +1 h", "server clock 5 min ahead", ... */
export function describeTimeTravel(t: TimeTravel): string {
  const parts: string[] = [];
  if (t.jumpSeconds) parts.push(`clocks jump ${formatDuration(t.jumpSeconds)} ahead`);
  if (t.skewSeconds !== undefined) {
    parts.push(
      t.skewSeconds === 0
        ? 'server clock back in step'
        : `server clock ${formatDuration(Math.abs(t.skewSeconds))} ${t.skewSeconds > 0 ? 'ahead' : 'behind'}`,
    );
  }
  return parts.join(', ') || 'no change';
}

/** 90 -> "1 min 30 s", 3600 -> "1 h". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', rest ? `${rest} s` : ''].filter(Boolean);
  return parts.join(' ') || '0 s';
}

export interface RunVerdict {
  zeroAvoidable: { ok: boolean; detail: string };
  naiveThrottled: { ok: boolean; detail: string };
  recoveredFrom401: { ok: boolean; detail: string };
}

/** What a finished run shows, as the lab's outcomes. */
export function judgeRun(result: SimResult, marks: readonly SimMark[]): RunVerdict {
  const y = result.totals.yours;
  const n = result.totals.naive;
  const zero =
    result.finished && y.avoidableTokenRequests === 0 && y.callsFailed === 0 && y.calls > 0;
  const zeroDetail = !result.finished
    ? 'The run was stopped before the job finished: run it to the end.'
    : zero
      ? `Your client made ${y.tokenRequests} token request${y.tokenRequests === 1 ? '' : 's'} for ${y.calls} calls, none avoidable, and every call succeeded.`
      : y.avoidableTokenRequests > 0
        ? `Your client made ${y.avoidableTokenRequests} avoidable token request${y.avoidableTokenRequests === 1 ? '' : 's'} (of ${y.tokenRequests}).`
        : `No avoidable token request, but ${y.callsFailed} of ${y.calls} calls failed.`;
  // a 401 inside a call whose outcome was still a success: the one retry worked
  let saw401 = false;
  let recovered = false;
  for (const m of marks) {
    if (m.lane !== 'yours') continue;
    if (m.kind === 'api' && m.status === 401) saw401 = true;
    if (m.kind === 'call') {
      if (saw401 && m.ok) recovered = true;
      saw401 = false;
    }
  }
  return {
    zeroAvoidable: { ok: zero, detail: zeroDetail },
    naiveThrottled: {
      ok: n.rateLimited > 0,
      detail:
        n.rateLimited > 0
          ? `The naive client was throttled ${n.rateLimited} time${n.rateLimited === 1 ? '' : 's'} (429).`
          : 'The naive client was never throttled: make more calls per run than the 5 tokens a minute cron-sync may have.',
    },
    recoveredFrom401: {
      ok: recovered,
      detail: recovered
        ? 'Your client got a 401, fetched a new token and the retried call succeeded.'
        : 'Your client never recovered from a 401 in this run (skew the server clock ahead, with refresh on 401 on).',
    },
  };
}
