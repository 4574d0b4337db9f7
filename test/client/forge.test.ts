import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  checkRows,
  DEFAULT_FORGE_PRESETS,
  draftFromToken,
  FORGE_PRESETS,
  type ForgeEnv,
  ForgeError,
  failedCheck,
  forgeRequest,
  mintedDraft,
  parseFieldValue,
  signDraft,
} from '../../src/client/forge.ts';
import type { MockServer } from '../../src/protocol/index.ts';
import { API, ISSUER, makeServer } from '../protocol/helpers.ts';

function envOf(server: MockServer): ForgeEnv {
  const active = server.admin.keys().find((k) => k.status === 'active');
  if (!active) throw new Error('no active key');
  return {
    issuer: ISSUER,
    audience: API,
    now: server.admin.clock().now,
    leewaySeconds: server.admin.settings().leewaySeconds,
    kid: active.kid,
    alg: active.alg,
  };
}

/** Replay a token on GET /api/v1/users through the real core; read its log entry. */
async function replay(server: MockServer, token: string) {
  const r = forgeRequest(API, 'users', token);
  const response = await server.handle(
    new Request(r.url, { method: r.method, headers: Object.fromEntries(r.headers) }),
  );
  if (!response) throw new Error('no response');
  const id = response.headers.get('x-request-id');
  const entry = server.admin.log().find((e) => e.id === id);
  if (!entry) throw new Error('no log entry');
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    steps: entry.steps,
  };
}

describe('token forge presets against the real core', () => {
  // The bearer cases; the DPoP ones are sent with proofs (test/ui/labs/use-forge.test.ts).
  for (const preset of DEFAULT_FORGE_PRESETS) {
    it(`${preset.id}: answers ${preset.status}${preset.expected ? ` at ${preset.expected}` : ''}`, async () => {
      const server = await makeServer();
      const env = envOf(server);
      const { draft: base } = await mintedDraft(env, server.admin);
      const token = await signDraft(preset.build(env, base), server.admin);
      const result = await replay(server, token);
      expect(result.status).toBe(preset.status);
      expect(failedCheck(result.steps)).toBe(preset.expected);
      if (preset.expected === undefined) {
        expect(result.challenge).toBeNull();
      } else if (preset.status === 401) {
        expect(result.challenge).toMatch(
          /^Bearer (realm="[^"]+", )?error="invalid_token", error_description="The access token failed the /,
        );
      } else {
        expect(result.challenge).toContain('error="insufficient_scope", scope="read:users"');
      }
      const rows = checkRows(result.steps);
      const failedAt = rows.findIndex((row) => row.status === 'failed');
      // Every check before the failing one passed; none after it ran.
      if (failedAt >= 0) {
        expect(rows.slice(0, failedAt).every((row) => row.status === 'passed')).toBe(true);
        expect(rows.slice(failedAt + 1).every((row) => row.status === 'not_reached')).toBe(true);
      } else {
        expect(rows.every((row) => row.status === 'passed')).toBe(true);
      }
    });
  }

  it('names the failing check in the challenge (wrong audience)', async () => {
    const server = await makeServer();
    const env = envOf(server);
    const { draft } = await mintedDraft(env, server.admin);
    const preset = FORGE_PRESETS.find((p) => p.id === 'wrong-audience');
    if (!preset) throw new Error('no wrong-audience preset');
    const token = await signDraft(preset.build(env, draft), server.admin);
    const result = await replay(server, token);
    expect(result.challenge).toContain('failed the aud check');
  });

  it('still rejects the presets after a key rotation (the new key is active)', async () => {
    const server = await makeServer();
    await server.admin.rotateKeys({});
    const env = envOf(server);
    const { draft } = await mintedDraft(env, server.admin);
    for (const preset of DEFAULT_FORGE_PRESETS) {
      const token = await signDraft(preset.build(env, draft), server.admin);
      expect(failedCheck((await replay(server, token)).steps), preset.id).toBe(preset.expected);
    }
  });
});

describe('forge drafts and signing', () => {
  it('splits a token into an editable draft that keeps its signature', async () => {
    const server = await makeServer();
    const { token, draft } = await mintedDraft(envOf(server), server.admin);
    expect(draft.signing).toBe('keep');
    expect(await signDraft(draft, server.admin)).toBe(token);
    expect(draft.payload.iss).toBe(ISSUER);
  });

  it('refuses what is not a JWT with a message, never a crash', () => {
    expect(() => draftFromToken('')).toThrow(ForgeError);
    expect(() => draftFromToken('opaque-token-value')).toThrow(/1 dot-separated part; a JWT has 3/);
    expect(() => draftFromToken('a.b')).toThrow(/2 dot-separated parts/);
    expect(() => draftFromToken('!!!.e30.')).toThrow(/header is not base64url-encoded JSON/);
    expect(() => draftFromToken('WzFd.e30.')).toThrow(/header is not a JSON object/);
    expect(() => draftFromToken('e30.e30.a+b')).toThrow(/signature part is not base64url/);
  });

  it('signs exactly the drafted header and claims with the server key (nothing added)', async () => {
    const server = await makeServer();
    const env = envOf(server);
    const token = await signDraft(
      {
        header: { alg: env.alg, kid: env.kid, typ: 'at+jwt' },
        payload: { iss: ISSUER, custom: 1 },
        signing: 'server',
        originalSignature: '',
      },
      server.admin,
    );
    const draft = draftFromToken(token);
    expect(draft.payload).toEqual({ iss: ISSUER, custom: 1 });
    expect(draft.header).toEqual({ typ: 'at+jwt', kid: env.kid, alg: env.alg });
  });

  it('explains an alg the chosen key cannot sign', async () => {
    const server = await makeServer();
    const env = envOf(server);
    const draft = { header: { alg: 'PS512' }, payload: {}, originalSignature: '' };
    await expect(signDraft({ ...draft, signing: 'stranger' }, server.admin)).rejects.toThrow(
      /stranger's key signs ES256 or RS256/,
    );
    await expect(signDraft({ ...draft, signing: 'hmac-public-key' }, server.admin)).rejects.toThrow(
      /HMAC signing needs alg HS256/,
    );
    await expect(signDraft({ ...draft, signing: 'server' }, server.admin)).rejects.toThrow(
      /server refused to mint it: header.alg PS512 cannot be used/,
    );
    expect(env.alg).toBe('ES256');
  });

  it('HMAC-signs with the public key under HS256 and leaves an unsigned token empty-signed', async () => {
    const server = await makeServer();
    const env = envOf(server);
    const base = {
      header: { alg: 'HS256', kid: env.kid },
      payload: { a: 1 },
      originalSignature: '',
    };
    const hmac = await signDraft({ ...base, signing: 'hmac-public-key' }, server.admin);
    expect(decodeProtectedHeader(hmac).alg).toBe('HS256');
    expect(hmac.split('.')[2]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const none = await signDraft(
      { ...base, header: { alg: 'none' }, signing: 'none' },
      server.admin,
    );
    expect(none.endsWith('.')).toBe(true);
  });

  it('reads typed field values as JSON where they look like it', () => {
    expect(parseFieldValue('1767225600')).toBe(1767225600);
    expect(parseFieldValue('["a","b"]')).toEqual(['a', 'b']);
    expect(parseFieldValue('read:users')).toBe('read:users');
    expect(parseFieldValue('"123"')).toBe('123');
    expect(parseFieldValue('[broken')).toBe('[broken');
    expect(parseFieldValue('null')).toBeNull();
  });
});

describe('forge presets on the orders route', () => {
  it('each preset still ends where it should when replayed on GET /api/v1/orders', async () => {
    const server = await makeServer();
    const env = { ...envOf(server), requiredScope: 'read:orders' };
    const { draft } = await mintedDraft(env, server.admin);
    for (const preset of DEFAULT_FORGE_PRESETS) {
      const token = await signDraft(preset.build(env, draft), server.admin);
      const r = forgeRequest(API, 'orders', token);
      const response = await server.handle(
        new Request(r.url, { method: r.method, headers: Object.fromEntries(r.headers) }),
      );
      const entry = server.admin.log().at(-1);
      expect([response?.status, failedCheck(entry?.steps ?? [])], preset.id).toEqual([
        preset.status,
        preset.expected,
      ]);
    }
  });
});
