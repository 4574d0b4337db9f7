import { z } from 'zod';
import type { LabSpec } from './lab-spec.ts';

const habits = z.strictObject({
  retry: z.boolean().default(false).describe('retry a failed token request up to 3 times'),
  backoff: z.boolean().default(false).describe('wait 1 s, 2 s, 4 s between retries'),
  jitter: z.boolean().default(false).describe('wait a random share of that (full jitter)'),
  honourRetryAfter: z.boolean().default(false).describe('never retry before Retry-After'),
  shareInFlight: z
    .boolean()
    .default(false)
    .describe("a replica's callers share one token request in flight"),
  serveStale: z
    .boolean()
    .default(false)
    .describe('when a refresh fails, keep using the cached token until it expires'),
  timeout: z.boolean().default(false).describe('give up a token request after 300 ms'),
});

const job = z.strictObject({
  hours: z.number().int().min(1).max(6).default(3).describe('how long the job runs'),
  everyMinutes: z.number().int().min(5).max(60).default(10).describe('a run every N minutes'),
  replicas: z
    .number()
    .int()
    .min(1)
    .max(5)
    .default(3)
    .describe('instances, each with its own cache'),
  callers: z.number().int().min(1).max(6).default(4).describe('callers per replica, at once'),
});

const outage = z
  .strictObject({
    atMinute: z.number().int().min(0).max(360).describe('when it starts, in minutes of job time'),
    minutes: z.number().int().min(1).max(60).describe('how long it lasts'),
    kind: z.enum(['status', 'delay', 'drop']),
    status: z.number().int().min(429).max(599).optional(),
    retryAfter: z.number().int().min(0).max(600).optional(),
    delayMs: z.number().int().min(1).max(5000).optional(),
    probability: z.number().min(0).max(1).optional(),
  })
  .refine((o) => o.status === undefined || o.status === 429 || o.status >= 500, {
    message: 'status must be 429 or 500..599',
  });

/**
 * The default day, each outage where the clients refresh their tokens (15 minutes before the
 * hour's token expires): a 503 with Retry-After, dropped connections, then a slow endpoint.
 */
const DEFAULT_OUTAGES = [
  { atMinute: 50, minutes: 6, kind: 'status' as const, status: 503, retryAfter: 30 },
  { atMinute: 110, minutes: 6, kind: 'drop' as const, probability: 0.7 },
  { atMinute: 160, minutes: 15, kind: 'delay' as const, delayMs: 1500 },
];

/** The failures lab: a job whose token endpoint fails, run by a naive client and the learner's. */
export const failuresLab = {
  summary:
    'A job of several replicas and concurrent callers runs for hours while the token endpoint fails (503 with Retry-After, dropped connections, slow answers); a naive client and the learner’s run it side by side, with a chart of calls, retries and failures per client and the avoidable ones named.',
  outcomes: {
    'resilient-run':
      'a whole run in which your client served every call through the outages and made no avoidable token request',
    'naive-failed':
      'a run in which the naive client failed calls while it still held a token that had not expired',
    'served-stale':
      'your client answered calls with its cached, still valid token while the token endpoint failed',
  },
  config: z.strictObject({
    job: job.default(job.parse({})),
    yours: habits.default(habits.parse({})),
    outages: z.array(outage).max(6).default(DEFAULT_OUTAGES),
  }),
} satisfies LabSpec;
