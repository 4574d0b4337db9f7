import { describe, expect, it } from 'vitest';
import { BEHAVIOUR_PROFILES, createMockServer } from '../../../src/protocol/index.ts';
import {
  caseRequests,
  profilesById,
  replayUnderProfiles,
  sawDifference,
} from '../../../src/ui/labs/profiles/profiles-replay.ts';

const issuer = 'https://auth.example.com';
const api = 'https://api.example.com';

async function setup() {
  // a wall clock half a second into a second: the replay must still keep its pair in one second
  let wall = Date.UTC(2030, 0, 1) + 500;
  const server = await createMockServer({ issuer, apiOrigin: api, audience: api, now: () => wall });
  const deps = {
    settings: () => server.admin.settings(),
    updateSettings: (input: unknown) => server.admin.updateSettings(input),
    toNextSecond: async () => {
      await server.admin.setClock({ set: server.admin.clock().now + 1 });
    },
    fetch: async (request: Request) => {
      wall += 400; // each request takes a while
      const response = await server.handle(request);
      if (!response) throw new TypeError('no route');
      return response;
    },
    issuer,
  };
  return { server, deps };
}

describe('replayUnderProfiles', () => {
  it('shows the out-of-scope request refused by strict RFC and down-scoped by down-scoping', async () => {
    const { server, deps } = await setup();
    const runs = await replayUnderProfiles(deps, 'unauthorized-scope', BEHAVIOUR_PROFILES);
    expect(runs.map((r) => [r.profile.id, r.key])).toEqual([
      ['strict-rfc', '400 invalid_scope'],
      ['down-scoping', '200 read:users'],
      ['server-side-cache', '400 invalid_scope'],
    ]);
    expect(sawDifference(runs)).toBe(true);
    expect(runs[1]?.verdict).toMatch(/dropped without an error/);
    // the server is back to what it was
    expect(server.admin.settings()).toMatchObject({ scopePolicy: 'strict', tokenReuse: 'never' });
  });

  it('shows two tokens under strict RFC and the same token under the server-side cache', async () => {
    const { deps } = await setup();
    const runs = await replayUnderProfiles(
      deps,
      'same-second-token',
      profilesById(['strict-rfc', 'server-side-cache']),
    );
    expect(runs.map((r) => r.key)).toEqual(['different', 'same']);
    expect(runs.every((r) => r.exchanges.length === 2)).toBe(true);
    expect(sawDifference(runs)).toBe(true);
  });

  it('profiles that agree show no difference', async () => {
    const { deps } = await setup();
    const runs = await replayUnderProfiles(
      deps,
      'same-second-token',
      profilesById(['strict-rfc', 'down-scoping']),
    );
    expect(sawDifference(runs)).toBe(false);
  });

  it('restores a hand-made mix of settings after the replay, even when a request fails', async () => {
    const { server, deps } = await setup();
    await server.admin.updateSettings({ scopePolicy: 'downscope', tokenReuse: 'same-second' });
    const failing = { ...deps, fetch: () => Promise.reject(new TypeError('network down')) };
    await expect(
      replayUnderProfiles(failing, 'unauthorized-scope', BEHAVIOUR_PROFILES),
    ).rejects.toThrow();
    expect(server.admin.settings()).toMatchObject({
      scopePolicy: 'downscope',
      tokenReuse: 'same-second',
    });
  });

  it('sends the scope case once and the same-second case twice', () => {
    expect(caseRequests('unauthorized-scope', issuer)).toHaveLength(1);
    expect(caseRequests('same-second-token', issuer)).toHaveLength(2);
    expect(caseRequests('unauthorized-scope', issuer)[0]?.body).toContain('write%3Aorders');
  });
});
