import { describe, expect, it } from 'vitest';
import { RotationJob } from '../../../src/ui/labs/rotation/rotation-job.ts';
import { API, ISSUER, makeServer } from '../../protocol/helpers.ts';

async function lab(settings: Partial<{ everyMinutes: number; tokenTtl: number }> = {}) {
  const server = await makeServer();
  const job = new RotationJob(
    {
      fetch: async (request) => {
        const response = await server.handle(request);
        if (!response) throw new Error(`no answer for ${request.url}`);
        return response;
      },
      admin: server.admin,
      serverLog: (id) => server.admin.log().find((entry) => entry.id === id),
      issuer: ISSUER,
      apiOrigin: API,
      makeSecret: (name) => `${name}-secret`,
    },
    { client: 'billing-job', everyMinutes: 5, tokenTtl: 3600, ...settings },
  );
  await job.setUp();
  return { server, job };
}

const runs = async (job: RotationJob, n: number) => {
  for (let i = 0; i < n; i++) await job.runOnce();
};

describe('the rotation lab’s job', () => {
  it('rotates without a failed call in order: add, deploy, drop, revoke', async () => {
    const { server, job } = await lab();
    const clockBefore = server.admin.clock();
    await runs(job, 2);
    expect(server.admin.getClient('billing-job')?.client_secrets).toEqual(['old-secret']);
    await job.act('add-new');
    expect(server.admin.getClient('billing-job')?.client_secrets).toEqual([
      'old-secret',
      'new-secret',
    ]);
    await runs(job, 1);
    await job.act('deploy-new');
    await runs(job, 1);
    const afterDeploy = job.snapshot();
    const lastToken = afterDeploy.events.filter((e) => e.kind === 'token').at(-1);
    expect(lastToken).toMatchObject({ secret: 'new', ok: true, note: 'secret 2 of 2' });
    // The old secret's first token still works: it was minted minutes ago.
    expect(afterDeploy.tally.liveOldTokens).toBe(1);

    await job.act('drop-old');
    await runs(job, 1);
    expect(job.snapshot().outcomes.rotatedWithoutDowntime.ok).toBe(false);
    await job.act('revoke-all');
    expect(job.snapshot().tally.liveOldTokens).toBe(0);
    await runs(job, 1);

    const snap = job.snapshot();
    const lastCall = snap.events.filter((e) => e.kind === 'call').at(-1);
    // The job's own cached token was revoked too: one 401, a new token, the retry worked.
    expect(lastCall).toMatchObject({ ok: true, retried: true });
    expect(snap.tally).toMatchObject({ calls: 6, failedCalls: 0, refusedTokenRequests: 0 });
    expect(snap.outcomes.rotatedWithoutDowntime).toMatchObject({ ok: true });
    expect(snap.outcomes.oldTokensRevoked.ok).toBe(true);
    expect(snap.outcomes.downtimeSeen.ok).toBe(false);
    // The lesson around the lab keeps the present: every move of the clock was undone.
    expect(server.admin.clock().offset).toBe(clockBefore.offset);
  });

  it('counts the failed calls of the one-step replacement once the job needs a new token', async () => {
    const { job } = await lab({ tokenTtl: 900 });
    await runs(job, 1);
    await job.act('replace');
    await runs(job, 4);
    const snap = job.snapshot();
    // Its cached token carried it for a while; the first token request after that was refused.
    expect(snap.events.filter((e) => e.kind === 'call').map((e) => e.ok)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(snap.tally.failedCalls).toBe(2);
    expect(snap.tally.refusedTokenRequests).toBeGreaterThan(0);
    expect(snap.outcomes.downtimeSeen).toMatchObject({ ok: true });
    expect(snap.outcomes.downtimeSeen.detail).toContain('refused the old secret');
    expect(snap.outcomes.rotatedWithoutDowntime.ok).toBe(false);
  });

  it('fails at once when the new secret is deployed before the server knows it', async () => {
    const { job } = await lab();
    await runs(job, 1);
    expect(await job.act('deploy-new')).toContain('does not know yet');
    await runs(job, 1);
    expect(job.snapshot().tally.failedCalls).toBe(1);
  });

  it('will not drop the only secret, and says to add the new one first', async () => {
    const { server, job } = await lab();
    expect(await job.act('drop-old')).toContain('Add the new one first');
    expect(server.admin.getClient('billing-job')?.client_secrets).toEqual(['old-secret']);
  });

  it('starts over with the old secret only, and an empty timeline', async () => {
    const { server, job } = await lab();
    await runs(job, 1);
    await job.act('replace');
    await job.setUp();
    expect(job.snapshot()).toMatchObject({ at: 0, serverSecrets: ['old'], jobSecret: 'old' });
    expect(job.snapshot().events).toEqual([]);
    expect(server.admin.getClient('billing-job')?.client_secrets).toEqual(['old-secret']);
  });
});
