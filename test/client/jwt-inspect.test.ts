import fc from 'fast-check';
import {
  base64url,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  claimExplanations,
  inspectJwt,
  runTokenChecks,
  type VerifyAccessTokenOptions,
  type VerifyStepName,
} from '../../src/client/jwt-inspect.ts';

const issuer = 'https://auth.example.com';
const audience = 'https://api.example.com';
const now = 1_800_000_000;

let server: CryptoKey;
let rsa: CryptoKey;
let rogue: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const es = await generateKeyPair('ES256');
  const rs = await generateKeyPair('RS256');
  rogue = (await generateKeyPair('ES256')).privateKey;
  server = es.privateKey;
  rsa = rs.privateKey;
  jwks = {
    keys: [
      { ...(await exportJWK(es.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(rs.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' },
    ],
  };
});

const claims = (): JWTPayload => ({
  iss: issuer,
  sub: 'demo-client',
  aud: audience,
  client_id: 'demo-client',
  scope: 'read:users',
  iat: now - 10,
  exp: now + 3590,
  jti: 'jti-1',
});

function sign(
  payload: JWTPayload = claims(),
  header: Record<string, unknown> = {},
  key: CryptoKey = server,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header } as never)
    .sign(key);
}

const options = (extra: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions => ({
  issuer,
  audience,
  jwks,
  now,
  ...extra,
});

const ORDER: VerifyStepName[] = [
  'checkWellFormed',
  'checkAlg',
  'checkTyp',
  'checkKid',
  'checkSignature',
  'checkIssuer',
  'checkAudience',
  'checkTimes',
  'checkNotRevoked',
  'checkDpopBinding',
  'checkScope',
];

describe('inspectJwt', () => {
  it('decodes a good token into header, payload and raw parts', async () => {
    const token = await sign();
    const r = inspectJwt(` Bearer ${token}\n`);
    expect(r).toEqual({
      ok: true,
      header: { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
      payload: claims(),
      signatureB64: token.split('.')[2],
      parts: token.split('.'),
      errors: [],
    });
  });

  const seg = (value: unknown) => base64url.encode(JSON.stringify(value));
  const h = seg({ alg: 'ES256' });
  const p = seg({ sub: 'x' });
  const malformed: [string, string, { part: string; message: string }[]][] = [
    ['empty', '   ', [{ part: 'token', message: 'The token is empty.' }]],
    [
      'opaque',
      'Rk9PQkFS',
      [
        {
          part: 'token',
          message:
            'This is not a JWT (no dots). It may be an opaque token: only introspection can tell what it means.',
        },
      ],
    ],
    [
      'two parts',
      `${h}.${p}`,
      [{ part: 'token', message: 'A JWT has three parts separated by dots; this has 2.' }],
    ],
    [
      'JWE',
      'a.b.c.d.e',
      [
        {
          part: 'token',
          message:
            'This has five parts: it is an encrypted JWT (JWE), which only the key holder can read.',
        },
      ],
    ],
    [
      'padded base64',
      `${h}=.${p}.sig`,
      [
        {
          part: 'header',
          message:
            'The header uses "=", which base64url (unpadded) never has: this looks like plain base64.',
        },
      ],
    ],
    [
      'bad character',
      `${h}.${p}!.sig`,
      [
        {
          part: 'payload',
          message: `The payload contains "!" at position ${p.length + 1}, which is not base64url.`,
        },
      ],
    ],
    [
      'impossible length',
      `${h}.a.sig`,
      [
        {
          part: 'payload',
          message: 'The payload has a length no base64url text can have: is it cut short?',
        },
      ],
    ],
    [
      'not JSON',
      `${base64url.encode('hello')}.${p}.sig`,
      [{ part: 'header', message: 'The header decodes to text that is not JSON: "hello"' }],
    ],
    [
      'JSON array',
      `${seg([1])}.${p}.sig`,
      [{ part: 'header', message: 'The header is JSON but not an object.' }],
    ],
    [
      'not UTF-8',
      `${base64url.encode(new Uint8Array([0xff, 0xfe]))}.${p}.sig`,
      [{ part: 'header', message: 'The header does not decode to UTF-8 text.' }],
    ],
    ['empty payload', `${h}..sig`, [{ part: 'payload', message: 'The payload is empty.' }]],
    [
      'no alg',
      `${seg({ typ: 'JWT' })}.${p}.sig`,
      [{ part: 'header', message: 'The header has no "alg".' }],
    ],
    ['empty signature', `${h}.${p}.`, [{ part: 'signature', message: 'The signature is empty.' }]],
    [
      'bad signature chars',
      `${h}.${p}.a+b`,
      [{ part: 'signature', message: 'The signature is not base64url.' }],
    ],
    [
      'bad claim types',
      `${h}.${seg({ exp: '2030', aud: [1], iss: 7 })}.sig`,
      [
        { part: 'payload', message: '"iss" must be a string.' },
        { part: 'payload', message: '"exp" must be a number of seconds since 1970 (NumericDate).' },
        { part: 'payload', message: '"aud" must be a string or an array of strings.' },
      ],
    ],
    [
      'inner whitespace',
      `${h}.${p} .sig`,
      [
        { part: 'token', message: 'The token contains whitespace; a JWT is one unbroken string.' },
        {
          part: 'payload',
          message: `The payload contains " " at position ${p.length + 1}, which is not base64url.`,
        },
      ],
    ],
  ];
  for (const [what, token, errors] of malformed) {
    it(`reports ${what} precisely, without throwing`, () => {
      const r = inspectJwt(token);
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual(errors);
    });
  }

  it('still shows the header of a two-part token and the parts of a broken one', () => {
    expect(inspectJwt(`${h}.${p}`).header).toEqual({ alg: 'ES256' });
    expect(inspectJwt(`${h}.${p}!.sig`)).toMatchObject({
      header: { alg: 'ES256' },
      parts: [h, `${p}!`, 'sig'],
    });
  });

  it('accepts an unsecured token as well-formed (verification refuses it)', () => {
    const token = new UnsecuredJWT({ sub: 'x' }).encode();
    expect(inspectJwt(token)).toMatchObject({
      ok: true,
      header: { alg: 'none' },
      signatureB64: '',
    });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }).map((a) => a.join('.')),
        ),
        (s) => {
          const r = inspectJwt(s);
          expect(r.ok).toBe(r.errors.length === 0);
          expect(Array.isArray(r.parts)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('claimExplanations', () => {
  it('explains every claim and header parameter of an access token', () => {
    for (const name of [
      'iss',
      'sub',
      'aud',
      'client_id',
      'scope',
      'exp',
      'iat',
      'nbf',
      'jti',
      'typ',
      'kid',
      'alg',
    ]) {
      const c = claimExplanations[name];
      expect(c?.label.length).toBeGreaterThan(2);
      expect(c?.explanation.length).toBeGreaterThan(30);
      expect(c?.url).toMatch(/^https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+#section-[\d.]+$/);
    }
  });
});

describe('runTokenChecks', () => {
  it('passes every step of a good token, in the contract order', async () => {
    const r = await runTokenChecks(await sign(), options({ requiredScope: 'read:users' }));
    expect(r.ok).toBe(true);
    expect(r.steps.map((s) => s.name)).toEqual(ORDER);
    expect(r.steps.map((s) => s.status)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'passed',
      'server_side',
      'skipped',
      'passed',
    ]);
    expect(r.steps.find((s) => s.name === 'checkNotRevoked')).toMatchObject({
      ok: null,
      detail: 'Checked by the API: only the server knows which tokens were revoked.',
    });
    expect(r.payload?.client_id).toBe('demo-client');
  });

  it('explains a DPoP-bound token: the binding is the API’s to check, per request', async () => {
    const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const r = await runTokenChecks(
      await sign({ ...claims(), cnf: { jkt } }),
      options({ dpopJkt: jkt }),
    );
    expect(r.ok).toBe(true);
    const binding = r.steps.find((s) => s.name === 'checkDpopBinding');
    expect(binding).toMatchObject({ ok: null, status: 'server_side' });
    expect(binding?.detail).toContain(`thumbprint ${jkt}. That is this page’s DPoP key.`);
    const other = await runTokenChecks(
      await sign({ ...claims(), cnf: { jkt } }),
      options({ dpopJkt: 'another' }),
    );
    expect(other.steps.find((s) => s.name === 'checkDpopBinding')?.detail).toContain(
      'That is not this page’s DPoP key.',
    );
    expect(claimExplanations.cnf?.url).toBe('https://www.rfc-editor.org/rfc/rfc9449#section-6.1');
  });

  it('verifies RS256 tokens and an audience array', async () => {
    const token = await sign(
      { ...claims(), aud: ['https://other.example', audience] },
      { alg: 'RS256', kid: 'k2' },
      rsa,
    );
    const r = await runTokenChecks(token, options());
    expect(r.ok).toBe(true);
    expect(r.steps.at(-1)).toMatchObject({ name: 'checkScope', status: 'skipped', ok: null });
  });

  async function failsAt(
    token: string | Promise<string>,
    step: VerifyStepName,
    detail: string | RegExp,
    extra = {},
  ) {
    const r = await runTokenChecks(await token, options(extra));
    expect(r.ok).toBe(false);
    const i = ORDER.indexOf(step);
    expect(
      r.steps
        .slice(0, i)
        .every(
          (s) =>
            s.status ===
            (s.name === 'checkNotRevoked'
              ? 'server_side'
              : s.name === 'checkDpopBinding'
                ? 'skipped'
                : 'passed'),
        ),
    ).toBe(true);
    const failed = r.steps[i];
    expect(failed).toMatchObject({ name: step, ok: false, status: 'failed' });
    if (typeof detail === 'string') expect(failed?.detail).toBe(detail);
    else expect(failed?.detail).toMatch(detail);
    expect(r.steps.slice(i + 1).every((s) => s.status === 'not_reached' && s.ok === null)).toBe(
      true,
    );
    return r;
  }

  it('stops at a malformed token', async () => {
    await failsAt(
      Promise.resolve('not.a.jwt'),
      'checkWellFormed',
      'The header does not decode to UTF-8 text. The payload has a length no base64url text can have: is it cut short?',
    );
  });

  it('refuses alg none and HMAC before anything else', async () => {
    const unsecured = new UnsecuredJWT(claims()).encode();
    await failsAt(unsecured, 'checkAlg', 'alg is "none": an unsigned token is never accepted.');
    const hs = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })
      .sign(new TextEncoder().encode('a-secret-that-is-at-least-32-bytes!!'));
    await failsAt(hs, 'checkAlg', 'alg is HS256 (HMAC): the API verifies with public keys only.');
    await failsAt(sign(), 'checkAlg', 'alg ES256 is not on the allow-list (RS256).', {
      algorithms: ['RS256'],
    });
  });

  it('refuses a token whose typ is not at+jwt (an ID token, say)', async () => {
    await failsAt(
      sign(claims(), { typ: 'JWT' }),
      'checkTyp',
      'typ is "JWT", not "at+jwt": this is not an access token.',
    );
    await failsAt(
      sign(claims(), { typ: undefined }),
      'checkTyp',
      'typ is missing; access tokens carry typ "at+jwt".',
    );
    const r = await runTokenChecks(await sign(claims(), { typ: 'application/at+jwt' }), options());
    expect(r.ok).toBe(true);
  });

  it('refuses an unknown or missing kid', async () => {
    await failsAt(
      sign(claims(), { kid: 'old' }),
      'checkKid',
      "kid old is not in the issuer's JWKS (unknown key, or retired after rotation).",
    );
    await failsAt(sign(claims(), { kid: undefined }), 'checkKid', 'The header has no kid.');
  });

  it('refuses a token signed by a stranger, and a tampered one', async () => {
    await failsAt(
      sign(claims(), {}, rogue),
      'checkSignature',
      /^The signature does not match key k1/,
    );
    const good = await sign();
    const [hh, , ss] = good.split('.');
    const forged = `${hh}.${base64url.encode(JSON.stringify({ ...claims(), scope: 'read:users write:orders' }))}.${ss}`;
    await failsAt(forged, 'checkSignature', /^The signature does not match key k1/);
    await failsAt(
      sign(claims(), { alg: 'ES256', kid: 'k2' }),
      'checkSignature',
      'The key k2 is for RS256, the token says ES256.',
    );
  });

  it('refuses another issuer and another audience', async () => {
    await failsAt(
      sign({ ...claims(), iss: 'https://evil.example' }),
      'checkIssuer',
      `iss is https://evil.example, expected ${issuer}.`,
    );
    await failsAt(
      sign({ ...claims(), iss: undefined }),
      'checkIssuer',
      `iss is missing; expected ${issuer}.`,
    );
    await failsAt(
      sign({ ...claims(), aud: 'https://other.example' }),
      'checkAudience',
      `aud is "https://other.example"; this API is ${audience}.`,
    );
  });

  it('applies the leeway to exp, nbf and iat', async () => {
    const leeway = { leewaySeconds: 60 };
    // exp 59 s ago: inside the leeway; 60 s ago: out
    expect(
      (await runTokenChecks(await sign({ ...claims(), exp: now - 59 }), options(leeway))).ok,
    ).toBe(true);
    await failsAt(
      sign({ ...claims(), exp: now - 60 }),
      'checkTimes',
      'exp: expired at 2027-01-15T07:59:00Z, 60 s ago (leeway 60 s).',
      leeway,
    );
    await failsAt(
      sign({ ...claims(), exp: undefined }),
      'checkTimes',
      'exp is missing: access tokens must expire.',
    );
    expect(
      (await runTokenChecks(await sign({ ...claims(), nbf: now + 60 }), options(leeway))).ok,
    ).toBe(true);
    await failsAt(
      sign({ ...claims(), nbf: now + 61 }),
      'checkTimes',
      /^nbf: not valid before .*, 61 s from now/,
      leeway,
    );
    await failsAt(
      sign({ ...claims(), iat: now + 300 }),
      'checkTimes',
      /^iat: issued 300 s in the future/,
      leeway,
    );
    expect(
      (
        await runTokenChecks(
          await sign({ ...claims(), iat: now + 300 }),
          options({ leewaySeconds: 300 }),
        )
      ).ok,
    ).toBe(true);
  });

  it('checks the scope exactly, as a space-delimited list', async () => {
    await failsAt(
      sign(),
      'checkScope',
      'The endpoint needs read:orders; the token has read:users.',
      { requiredScope: 'read:orders' },
    );
    await failsAt(sign({ ...claims(), scope: 'read:users' }), 'checkScope', /needs read:user;/, {
      requiredScope: 'read:user',
    });
    await failsAt(
      sign({ ...claims(), scope: undefined }),
      'checkScope',
      'The endpoint needs read:users; the token has no scope.',
      {
        requiredScope: 'read:users',
      },
    );
    const many = await sign({ ...claims(), scope: 'read:users read:orders' });
    expect((await runTokenChecks(many, options({ requiredScope: 'read:orders' }))).ok).toBe(true);
  });

  it('never throws on garbage', async () => {
    for (const junk of ['', '.', '..', 'a.b.c', 'Bearer', `${'x'.repeat(5000)}.y.z`]) {
      const r = await runTokenChecks(junk, options());
      expect(r.ok).toBe(false);
      expect(r.steps[0]).toMatchObject({ name: 'checkWellFormed', ok: false });
    }
  });
});
