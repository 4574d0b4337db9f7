import { z } from 'zod';
import type { LabSpec } from './lab-spec.ts';

const habits = z.strictObject({
  cacheTokens: z.boolean().default(true).describe('reuse a token until its cache lifetime ends'),
  ttlMarginSeconds: z
    .number()
    .int()
    .min(0)
    .max(3000)
    .default(60)
    .describe('refresh this many seconds before expires_in runs out'),
  retryOn401: z.boolean().default(true).describe('on a 401: new token, retry the call once'),
  honourRetryAfter: z.boolean().default(true).describe('after a 429, wait for Retry-After'),
  fetchOnStart: z.boolean().default(true).describe('get a token when the job starts'),
});

const job = z.strictObject({
  hours: z.number().int().min(1).max(24).default(24).describe('how long the job runs'),
  everyMinutes: z.number().int().min(5).max(240).default(180).describe('a run every N minutes'),
  callsPerRun: z.number().int().min(1).max(12).default(6).describe('API calls in each run'),
});

const timeTravel = z
  .strictObject({
    atHour: z.number().min(0).max(24).describe('when, in job hours'),
    jumpSeconds: z.number().int().min(1).max(86_400).optional(),
    skewSeconds: z.number().int().min(-3600).max(3600).optional(),
  })
  .refine((t) => t.jumpSeconds !== undefined || t.skewSeconds !== undefined, {
    message: 'a time-travel step needs jumpSeconds or skewSeconds',
  });

/** The caching lab: a scheduled job run by a naive client and by one the learner configures. */
export const cachingLab = {
  summary:
    'A scheduled job calls the API for hours, run by a naive client and by the learner’s client (both cron-sync), with a live chart of token requests, API calls, 401s and 429s.',
  outcomes: {
    'zero-avoidable':
      'a whole run in which your client made no avoidable token request and every call succeeded',
    'naive-throttled': 'a run in which the naive client was throttled (429 with Retry-After)',
    'recovered-401': 'your client got a 401, fetched a new token and the retried call succeeded',
  },
  config: z.strictObject({
    job: job.default(job.parse({})),
    yours: habits.default(habits.parse({})),
    script: z.array(timeTravel).max(10).default([]),
  }),
} satisfies LabSpec;
