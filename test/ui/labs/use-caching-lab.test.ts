/**
 * The caching lab's form rules and time-travel queue without React
 * (src/ui/labs/caching/use-caching-lab.ts); the run itself is caching-sim.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { GOOD_HABITS } from '../../../src/ui/labs/caching/caching-sim.ts';
import {
  cronSyncTokenRequest,
  formProblems,
  mergeTravel,
  plannedCalls,
  simSettings,
} from '../../../src/ui/labs/caching/use-caching-lab.ts';
import { jobApiRequest } from '../../../src/ui/labs/lanes/job.ts';

const job = { hours: '4', everyMinutes: '20', callsPerRun: '6' };

describe('the caching lab form', () => {
  it('names each field that is out of range, and plans no calls meanwhile', () => {
    expect(formProblems(job, '60')).toEqual([]);
    const problems = formProblems({ hours: '0', everyMinutes: '20', callsPerRun: '1.5' }, '-5');
    expect(problems).toEqual([
      'Hours must be a whole number from 1 to 24.',
      'Calls per run must be a whole number from 1 to 12.',
      'The refresh margin must be a whole number from 0 to 3000.',
    ]);
    expect(plannedCalls(job, problems)).toBe(0);
  });

  it('plans a call per run and call: 4 hours, every 20 minutes, 6 calls', () => {
    expect(plannedCalls(job, [])).toBe(72);
  });

  it('turns the form into the simulation settings', () => {
    expect(simSettings(job, GOOD_HABITS, '120', [])).toEqual({
      job: { hours: 4, everyMinutes: 20, callsPerRun: 6 },
      yours: { ...GOOD_HABITS, ttlMarginSeconds: 120 },
      script: [],
    });
  });
});

describe('queued time travel', () => {
  it('adds jumps up and lets the last skew win', () => {
    let queued = mergeTravel(undefined, { jumpSeconds: 3600 });
    queued = mergeTravel(queued, { skewSeconds: 1800 });
    queued = mergeTravel(queued, { jumpSeconds: 3600 });
    queued = mergeTravel(queued, { skewSeconds: 0 });
    expect(queued).toEqual({ jumpSeconds: 7200, skewSeconds: 0 });
  });
});

describe('the job requests', () => {
  it('asks for cron-sync tokens with Basic and calls the users route', async () => {
    const options = {
      options: {
        issuer: 'https://auth.example.com',
        apiOrigin: 'https://api.example.com',
        audience: '',
      },
    };
    const token = await cronSyncTokenRequest(options as never);
    expect(token.url).toBe('https://auth.example.com/oauth/token');
    expect(token.headers.some(([n, v]) => n === 'Authorization' && v.startsWith('Basic '))).toBe(
      true,
    );
    expect(jobApiRequest(options as never).url).toBe('https://api.example.com/api/v1/users');
  });
});
