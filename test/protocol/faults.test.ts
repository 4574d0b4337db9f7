/**
 * Injected faults (CONTRACT.md, Additions: Faults) in the core: the control API, count and
 * seeded probability, per target, delays, drops, the log, reset.
 */
import { describe, expect, it } from 'vitest';
import { basic, form, ISSUER, lastLog, makeServer, send, tokenFor } from './helpers.ts';

const admin = (method: string, body?: unknown) =>
  new Request(`${ISSUER}/__admin/faults`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

const tokenRequest = () =>
  form(
    { grant_type: 'client_credentials' },
    { authorization: basic('demo-client', 'demo-secret') },
  );

describe('the faults control API', () => {
  it('replaces, reads and clears the list; reset clears it too', async () => {
    const s = await makeServer();
    expect((await send(s, admin('GET'))).body).toEqual({ faults: [], seed: 1 });
    const put = await send(
      s,
      admin('PUT', {
        faults: [{ target: 'token', kind: 'status', status: 503, retry_after: 2, count: 2 }],
        seed: 7,
      }),
    );
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      faults: [
        {
          target: 'token',
          kind: 'status',
          status: 503,
          retry_after: 2,
          count: 2,
          remaining: 2,
          fired: 0,
        },
      ],
      seed: 7,
    });
    expect((await send(s, admin('DELETE'))).body).toEqual({ faults: [], seed: 1 });
    await s.admin.putFaults({ faults: [{ target: 'api', kind: 'drop' }] });
    await s.admin.reset();
    expect(s.admin.faults().faults).toEqual([]);
    await s.admin.putFaults({ faults: [{ target: 'api', kind: 'drop' }] });
    await s.admin.reset({ only: ['faults'] });
    expect(s.admin.faults().faults).toEqual([]);
  });

  const bad: [unknown, RegExp][] = [
    [{}, /"faults": \[/],
    [{ faults: [], colour: 1 }, /Unknown field\(s\) colour/],
    [{ faults: [{ target: 'db', kind: 'drop' }] }, /target must be one of token, api/],
    [{ faults: [{ target: 'api', kind: 'explode' }] }, /kind must be one of status, delay, drop/],
    [{ faults: [{ target: 'api', kind: 'status', status: 404 }] }, /429 or 500\.\.599/],
    [{ faults: [{ target: 'api', kind: 'status' }] }, /429 or 500\.\.599/],
    [{ faults: [{ target: 'api', kind: 'delay' }] }, /delay_ms must be whole milliseconds/],
    [{ faults: [{ target: 'api', kind: 'delay', delay_ms: 60_000 }] }, /from 1 to 30000/],
    [
      { faults: [{ target: 'api', kind: 'drop', status: 500 }] },
      /status goes only with kind "status"/,
    ],
    [{ faults: [{ target: 'api', kind: 'drop', count: 0 }] }, /count must be a whole number/],
    [
      { faults: [{ target: 'api', kind: 'drop', probability: 2 }] },
      /probability must be a number from 0 to 1/,
    ],
    [{ faults: [], seed: -1 }, /seed must be a whole number/],
    [{ faults: Array.from({ length: 21 }, () => ({ target: 'api', kind: 'drop' })) }, /At most 20/],
  ];
  for (const [body, message] of bad) {
    it(`refuses ${JSON.stringify(body).slice(0, 70)} with 400 invalid_request`, async () => {
      const s = await makeServer();
      const r = await send(s, admin('PUT', body));
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_request' });
      expect((r.body as { error_description: string }).error_description).toMatch(message);
    });
  }
});

describe('faults at work', () => {
  it('answers the next n token requests with the status and Retry-After, logged as faults', async () => {
    const s = await makeServer();
    await s.admin.putFaults({
      faults: [{ target: 'token', kind: 'status', status: 503, retry_after: 2, count: 2 }],
    });
    for (let i = 0; i < 2; i++) {
      const r = await send(s, tokenRequest());
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect((r.body as { error_description: string }).error_description).toMatch(
        /Injected fault: the token endpoint answers 503/,
      );
      expect(lastLog(s)).toMatchObject({
        endpoint: 'token',
        fault: { kind: 'status', status: 503 },
        error: { error: 'temporarily_unavailable' },
      });
      expect(lastLog(s).steps).toEqual([{ name: 'injectFault', ok: false }]);
    }
    expect((await send(s, tokenRequest())).status).toBe(200);
    expect(s.admin.faults().faults[0]).toMatchObject({ remaining: 0, fired: 2 });
  });

  it('maps 429 to too_many_requests and other 5xx to server_error', async () => {
    const s = await makeServer();
    await s.admin.putFaults({
      faults: [
        { target: 'token', kind: 'status', status: 429, count: 1 },
        { target: 'token', kind: 'status', status: 500, count: 1 },
      ],
    });
    expect((await send(s, tokenRequest())).body).toMatchObject({ error: 'too_many_requests' });
    expect((await send(s, tokenRequest())).body).toMatchObject({ error: 'server_error' });
  });

  it('faults only its target: an API fault leaves the token endpoint, discovery and admin alone', async () => {
    const s = await makeServer();
    await s.admin.putFaults({ faults: [{ target: 'api', kind: 'status', status: 502 }] });
    const token = await tokenFor(s);
    const r = await send(
      s,
      new Request('https://api.example.com/api/v1/users', {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(r.status).toBe(502);
    expect(
      (await send(s, new Request(`${ISSUER}/.well-known/oauth-authorization-server`))).status,
    ).toBe(200);
    expect((await send(s, admin('GET'))).status).toBe(200);
    // An OPTIONS preflight is never faulted either.
    const preflight = await s.handle(
      new Request('https://api.example.com/api/v1/users', { method: 'OPTIONS' }),
    );
    expect(preflight?.status).toBe(204);
  });

  it('draws a seeded probability: the same seed replays the same faults', async () => {
    const s = await makeServer();
    const run = async () => {
      await s.admin.putFaults({
        faults: [{ target: 'token', kind: 'status', status: 500, probability: 0.5 }],
        seed: 42,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await send(s, tokenRequest())).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('delays a request, then serves it, and logs the delay', async () => {
    const s = await makeServer();
    await s.admin.putFaults({
      faults: [{ target: 'token', kind: 'delay', delay_ms: 40, count: 1 }],
    });
    const started = performance.now();
    const r = await send(s, tokenRequest());
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(lastLog(s).fault).toEqual({ kind: 'delay', delay_ms: 40 });
    expect(lastLog(s).steps[0]).toEqual({ name: 'injectDelay', ok: true });
    expect(lastLog(s).durationMs).toBeGreaterThanOrEqual(35);
  });

  it('drops the connection: a network error from handle, drop from respond, status 0 in the log', async () => {
    const s = await makeServer();
    await s.admin.putFaults({
      faults: [
        { target: 'token', kind: 'delay', delay_ms: 5, count: 1 },
        { target: 'token', kind: 'drop', count: 2 },
      ],
    });
    const response = await s.handle(tokenRequest());
    expect(response?.type).toBe('error');
    expect(lastLog(s)).toMatchObject({
      response: { status: 0 },
      fault: { kind: 'drop', delay_ms: 5 },
    });
    const serialized = await s.respond(tokenRequest());
    expect(serialized).toMatchObject({ drop: true });
    expect((await send(s, tokenRequest())).status).toBe(200);
  });

  it('keeps the faults, and what is left of their counts, in the saved state', async () => {
    const s = await makeServer();
    await s.admin.putFaults({ faults: [{ target: 'revoke', kind: 'drop', count: 3 }] });
    await s.handle(
      form({ token: 'x' }, { authorization: basic('demo-client', 'demo-secret') }, '/oauth/revoke'),
    );
    const { parseSnapshot } = await import('../../src/protocol/state.ts');
    const copy = parseSnapshot(JSON.parse(JSON.stringify(s.snapshot())));
    expect(copy?.faults.rules[0]).toMatchObject({ remaining: 2, fired: 1 });
  });
});
