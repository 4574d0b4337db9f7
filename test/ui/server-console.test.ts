import { describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/protocol/index.ts';
import { parseSeconds } from '../../src/ui/server/clock-panel.tsx';
import {
  adminCall,
  clientBodyFromForm,
  emptyClientForm,
  exampleFederatedCredentials,
  formFromClient,
  newSecret,
  probeSecretRedaction,
  runRotationDrill,
  type Send,
  tokenState,
} from '../../src/ui/server/console-model.ts';
import { makeServer } from '../protocol/helpers.ts';

/** The console's requests go to the real core, exactly as the page's fetch would. */
const sendTo =
  (server: MockServer): Send =>
  async (request) => {
    const response = await server.handle(request);
    if (!response) throw new Error(`no handler for ${request.url}`);
    return response;
  };

describe('client form', () => {
  it('turns a filled form into the PUT body the core accepts', async () => {
    const server = await makeServer();
    const parsed = clientBodyFromForm({
      ...emptyClientForm(),
      id: 'billing-job',
      secret: 'b1ll',
      scopes: ' read:orders  write:orders ',
      tokenFormat: 'opaque',
      ttl: '600',
      rateLimit: '10',
    });
    expect(parsed).toEqual({
      ok: true,
      id: 'billing-job',
      body: {
        client_secret: 'b1ll',
        scopes: ['read:orders', 'write:orders'],
        token_format: 'opaque',
        access_token_ttl: 600,
        rate_limit_per_minute: 10,
      },
    });
    if (!parsed.ok) return;
    await adminCall(server, sendTo(server), 'PUT', `/clients/${parsed.id}`, parsed.body);
    const saved = server.admin.getClient('billing-job');
    expect(saved).toMatchObject({ scopes: ['read:orders', 'write:orders'], access_token_ttl: 600 });
    // Editing round-trips: the form made from the saved client gives the same body back.
    if (!saved) return;
    expect(clientBodyFromForm(formFromClient(saved))).toEqual(parsed);
  });

  it('says what is wrong with each field', () => {
    const parsed = clientBodyFromForm({
      ...emptyClientForm(),
      id: ' padded',
      secret: '',
      scopes: 'read:"users"',
      ttl: '0',
      rateLimit: '1.5',
    });
    expect(parsed).toEqual({
      ok: false,
      errors: {
        id: 'Use 1 to 128 printable ASCII characters, no leading or trailing space.',
        secret: 'Give a secret, or choose public keys (JWKS).',
        scopes: 'Scope names cannot contain quotes or backslashes; separate them with spaces.',
        ttl: 'A whole number of seconds from 1 to 86400.',
        rateLimit: 'A whole number from 1 to 100000, or empty for no limit.',
      },
    });
    expect(
      clientBodyFromForm({ ...emptyClientForm(), id: 'x', credential: 'jwks', jwks: '{nope' }),
    ).toMatchObject({ ok: false, errors: { jwks: expect.stringContaining('not valid JSON') } });
  });

  it('passes a JWKS the core then refuses, with the core’s message (private key members)', async () => {
    const server = await makeServer();
    const parsed = clientBodyFromForm({
      ...emptyClientForm(),
      id: 'leaky',
      credential: 'jwks',
      jwks: JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' }] }),
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    await expect(
      adminCall(server, sendTo(server), 'PUT', '/clients/leaky', parsed.body),
    ).rejects.toThrow('jwks.keys[0] contains private or secret members (d)');
    expect(server.admin.getClient('leaky')).toBeUndefined();
  });
});

describe('client form: rotation and federation', () => {
  it('saves two secrets as client_secrets, and dropping the old one keeps the new', async () => {
    const server = await makeServer();
    const both = clientBodyFromForm({
      ...emptyClientForm(),
      id: 'billing-job',
      secret: 'old-one',
      secret2: 'new-one',
    });
    expect(both).toMatchObject({ ok: true, body: { client_secrets: ['old-one', 'new-one'] } });
    if (!both.ok) return;
    expect(both.body).not.toHaveProperty('client_secret');
    await adminCall(server, sendTo(server), 'PUT', '/clients/billing-job', both.body);
    const saved = server.admin.getClient('billing-job');
    if (!saved) throw new Error('not saved');
    const form = formFromClient(saved);
    expect([form.secret, form.secret2]).toEqual(['old-one', 'new-one']);
    expect(clientBodyFromForm(form)).toEqual(both);
    // "Drop the old secret" moves the new one into the first field.
    const dropped = clientBodyFromForm({ ...form, secret: form.secret2, secret2: '' });
    expect(dropped).toMatchObject({ ok: true, body: { client_secret: 'new-one' } });
    expect(clientBodyFromForm({ ...form, secret2: form.secret })).toMatchObject({
      ok: false,
      errors: { secret2: 'The second secret must differ from the first.' },
    });
    expect(newSecret()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('saves federated credentials, and round-trips the seeded warehouse-sync', async () => {
    const server = await makeServer();
    const warehouse = server.admin.getClient('warehouse-sync');
    if (!warehouse) throw new Error('warehouse-sync is seeded');
    const form = formFromClient(warehouse);
    expect(form.credential).toBe('federated');
    const parsed = clientBodyFromForm(form);
    expect(parsed).toMatchObject({
      ok: true,
      body: { federated_credentials: warehouse.federated_credentials },
    });
    const example = exampleFederatedCredentials(server, 'release-job');
    const fresh = clientBodyFromForm({
      ...emptyClientForm(),
      id: 'release-job',
      credential: 'federated',
      federated: example,
    });
    if (!fresh.ok) throw new Error('example refused');
    await adminCall(server, sendTo(server), 'PUT', '/clients/release-job', fresh.body);
    expect(server.admin.getClient('release-job')?.token_endpoint_auth_method).toBe(
      'workload_identity',
    );
    expect(
      clientBodyFromForm({
        ...emptyClientForm(),
        id: 'x',
        credential: 'federated',
        federated: '{}',
      }),
    ).toMatchObject({ ok: false, errors: { federated: expect.stringContaining('JSON array') } });
  });

  it('revokes every token of a client through the control API', async () => {
    const server = await makeServer();
    await server.handle(
      new Request('https://auth.example.com/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
      }),
    );
    expect(
      await adminCall(server, sendTo(server), 'POST', '/clients/demo-client/revoke-tokens'),
    ).toEqual({ revoked: 1 });
  });
});

describe('key-rotation drill', () => {
  it('passes on a fresh server: old token verifies after rotation, refused at kid after retirement', async () => {
    const server = await makeServer();
    const result = await runRotationDrill(server, sendTo(server));
    expect(result.steps.map((s) => [s.label, s.ok])).toEqual([
      ['Get a token for demo-client', true],
      ['Rotate the signing key', true],
      ['Call the API with the old token', true],
      ['Retire the old key', true],
      ['Call the API with the old token again', true],
      ['A new token works', true],
    ]);
    expect(result.ok).toBe(true);
    expect(result.steps[4]?.detail).toMatch(/^401: Bearer .*failed the kid check/);
    expect(server.admin.keys()).toHaveLength(1);
  });

  it('says why when there is no client to get a token with', async () => {
    const server = await makeServer();
    for (const c of server.admin.listClients()) await server.admin.deleteClient(c.client_id);
    const result = await runRotationDrill(server, sendTo(server));
    expect(result.ok).toBe(false);
    expect(result.steps).toEqual([
      {
        label: 'Get a token',
        ok: false,
        detail: 'No client with a secret is registered. Reset the server or add one.',
      },
    ]);
  });

  it('fails (and says so) when demo-client gets opaque tokens', async () => {
    const server = await makeServer();
    await server.admin.putClient('demo-client', {
      client_secret: 'demo-secret',
      scopes: ['read:users'],
      token_format: 'opaque',
    });
    const result = await runRotationDrill(server, sendTo(server));
    expect(result.ok).toBe(false);
    expect(result.steps[0]?.detail).toBe(
      'demo-client gets opaque tokens; the drill needs a JWT client.',
    );
  });
});

describe('never log the client secret', () => {
  it('finds the secret nowhere in the log entry of a request that carried it', async () => {
    const server = await makeServer();
    const probe = await probeSecretRedaction(server, sendTo(server));
    expect(probe.status).toBe(200);
    expect(probe.clientId).toBe('demo-client');
    expect(probe.entry?.request.body).toContain('client_secret=');
    expect(probe.entry?.request.body).not.toContain('demo-secret');
    expect(probe.occurrences).toBe(0);
  });

  it('would notice a secret that did reach the log (the probe can fail)', async () => {
    const server = await makeServer();
    // A client whose secret equals its id: the id is logged, so the search finds it.
    for (const c of server.admin.listClients()) await server.admin.deleteClient(c.client_id);
    await server.admin.putClient('same-as-id', { client_secret: 'same-as-id', scopes: [] });
    const probe = await probeSecretRedaction(server, sendTo(server));
    expect(probe.occurrences).toBeGreaterThan(0);
  });
});

describe('console helpers', () => {
  it('judges a token live, expired (beyond the leeway) or revoked', () => {
    const revoked = new Set(['r']);
    expect(tokenState({ jti: 'a', exp: 100 }, 99, 60, revoked)).toBe('live');
    expect(tokenState({ jti: 'a', exp: 100 }, 159, 60, revoked)).toBe('live');
    expect(tokenState({ jti: 'a', exp: 100 }, 160, 60, revoked)).toBe('expired');
    expect(tokenState({ jti: 'r', exp: 1000 }, 0, 60, revoked)).toBe('revoked');
  });

  it('reads clock moves as whole seconds or explains', () => {
    expect(parseSeconds('90')).toBe(90);
    expect(parseSeconds('-30')).toBe(-30);
    expect(parseSeconds('')).toBe('Type a number of seconds, e.g. 90 or -30.');
    expect(parseSeconds('1h')).toBe('Whole seconds only, e.g. 90 or -30.');
    expect(parseSeconds('99999999999')).toBe('At most ±100 years.');
  });
});

describe('a new public key for a private_key_jwt client', () => {
  it('makes a JWKS the core registers, with no private member', async () => {
    const { newPublicJwks } = await import('../../src/ui/server/console-model.ts');
    const server = await makeServer();
    const text = await newPublicJwks();
    expect(text).not.toMatch(/"d"/);
    const parsed = clientBodyFromForm({
      ...emptyClientForm(),
      id: 'jwt-client',
      credential: 'jwks',
      jwks: text,
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await adminCall(server, sendTo(server), 'PUT', '/clients/jwt-client', parsed.body);
    expect(server.admin.getClient('jwt-client')?.token_endpoint_auth_method).toBe(
      'private_key_jwt',
    );
  });
});

describe('the faults form', () => {
  it('turns a filled form into the rule the core takes, and the core takes it', async () => {
    const { emptyFaultForm, faultFromForm, faultsBody, describeFault } = await import(
      '../../src/ui/server/console-model.ts'
    );
    const parsed = faultFromForm({ ...emptyFaultForm(), percent: '50' });
    expect(parsed).toEqual({
      ok: true,
      rule: {
        target: 'token',
        kind: 'status',
        status: 503,
        retry_after: 2,
        count: 3,
        probability: 0.5,
      },
    });
    if (!parsed.ok) return;
    const server = await makeServer();
    const body = faultsBody([], parsed.rule, 9);
    await adminCall(server, sendTo(server), 'PUT', '/faults', body);
    const [rule] = server.admin.faults().faults;
    expect(rule).toMatchObject({ ...parsed.rule, remaining: 3, fired: 0 });
    if (!rule) return;
    expect(describeFault(rule)).toBe(
      'Token endpoint: 503, Retry-After 2 s; 3 of the next 3 requests left, at 50%',
    );
    // Adding one more keeps the first (its counter starts over).
    const next = faultsBody(server.admin.faults().faults, { target: 'api', kind: 'drop' }, 9);
    expect(next.faults).toHaveLength(2);
    expect(next.faults[0]).not.toHaveProperty('fired');
  });

  it('says what is wrong with each field', async () => {
    const { emptyFaultForm, faultFromForm } = await import('../../src/ui/server/console-model.ts');
    expect(
      faultFromForm({
        ...emptyFaultForm(),
        status: '404',
        retryAfter: 'x',
        count: '0',
        percent: '150',
      }),
    ).toEqual({
      ok: false,
      errors: {
        status: 'A status of 429 or 500 to 599.',
        retryAfter: 'Whole seconds, 0 to 86400, or empty.',
        count: 'A whole number from 1 to 10000, or empty for every request.',
        percent: 'A percentage from 0 to 100, or empty for always.',
      },
    });
    expect(faultFromForm({ ...emptyFaultForm(), kind: 'delay', delayMs: '0' })).toMatchObject({
      ok: false,
      errors: { delayMs: 'Whole milliseconds, 1 to 30000.' },
    });
  });

  it('words logged faults', async () => {
    const { describeLoggedFault } = await import('../../src/ui/server/console-model.ts');
    expect(describeLoggedFault({ kind: 'status', status: 503 })).toBe('injected 503');
    expect(describeLoggedFault({ kind: 'drop', delay_ms: 20 })).toBe(
      'injected: dropped, 20 ms delay',
    );
    expect(describeLoggedFault({ kind: 'delay', delay_ms: 900 })).toBe('injected: 900 ms delay');
  });
});
