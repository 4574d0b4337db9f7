import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  ASSERTION_PRESET_IDS,
  ASSERTION_PRESETS,
  type AssertionKeys,
  assertionCheckRows,
  assertionTokenRequest,
  failedAssertionCheck,
  outcomesOf,
  signAssertionDraft,
} from '../../src/client/assertion-builder.ts';
import { toFetchRequest as toRequest } from '../../src/client/send-request.ts';
import { ISSUER, lastLog, makeServer } from '../protocol/helpers.ts';

async function setUp() {
  const pair = await generateKeyPair('ES256');
  const stranger = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'lab-key', alg: 'ES256', use: 'sig' };
  const server = await makeServer({ signingClientJwks: { keys: [jwk] } });
  const sign =
    (key: CryptoKey) => (header: Record<string, unknown>, payload: Record<string, unknown>) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader(header as { alg: string })
        .sign(key);
  const keys: AssertionKeys = {
    client: sign(pair.privateKey),
    stranger: sign(stranger.privateKey),
  };
  const env = () => ({
    issuer: ISSUER,
    tokenEndpoint: `${ISSUER}/oauth/token`,
    clientId: 'signing-client',
    kid: 'lab-key',
    now: server.admin.clock().now,
    jti: () => crypto.randomUUID(),
  });
  return { server, keys, env };
}

describe('the assertion lab’s presets', () => {
  it('has a preset for every id the lab’s build-time spec accepts, in order', () => {
    expect(ASSERTION_PRESETS.map((p) => p.id)).toEqual([...ASSERTION_PRESET_IDS]);
  });

  for (const mode of ['legacy', 'strict'] as const) {
    it(`each ends where it says under assertionAudience ${mode}, for the reason it gives`, async () => {
      const { server, keys, env } = await setUp();
      await server.admin.updateSettings({ assertionAudience: mode });
      for (const preset of ASSERTION_PRESETS) {
        const draft = preset.build(env());
        const jwt = await signAssertionDraft(draft, keys);
        const response = await server.handle(
          toRequest(assertionTokenRequest(`${ISSUER}/oauth/token`, jwt)),
        );
        const steps = lastLog(server).steps;
        const expected = preset.expected[mode];
        expect(response?.status, `${preset.id} (${mode})`).toBe(expected.status);
        expect(failedAssertionCheck(steps), `${preset.id} (${mode})`).toBe(expected.check);
      }
    });
  }

  it('reads the checks in order with the audience rule’s note, and names outcomes', async () => {
    const { server, keys, env } = await setUp();
    const typed = ASSERTION_PRESETS.find((p) => p.id === 'typed-issuer');
    const attack = ASSERTION_PRESETS.find((p) => p.id === 'attack-typed');
    if (!typed || !attack) throw new Error('presets');
    const draft = typed.build(env());
    await server.handle(
      toRequest(
        assertionTokenRequest(`${ISSUER}/oauth/token`, await signAssertionDraft(draft, keys)),
      ),
    );
    const rows = assertionCheckRows(lastLog(server).steps);
    expect(rows.map((r) => r.status)).toEqual(Array(8).fill('passed'));
    expect(rows.find((r) => r.name === 'checkAssertionAudience')?.note).toBe(
      'typed: aud is the issuer identifier',
    );
    expect(
      outcomesOf({ status: 200, failed: undefined }, draft.header, draft.payload, ISSUER),
    ).toEqual(['typed-accepted']);
    const bad = attack.build(env());
    expect(
      outcomesOf(
        { status: 401, failed: 'checkAssertionAudience' },
        bad.header,
        bad.payload,
        ISSUER,
      ),
    ).toEqual(['rejected-at-audience', 'attack-refused']);
    expect(
      outcomesOf(
        { status: 200, failed: undefined },
        { alg: 'ES256' },
        { aud: `${ISSUER}/oauth/token` },
        ISSUER,
      ),
    ).toEqual(['attack-accepted']);
  });

  it('the same assertion sent twice is refused at the replay check', async () => {
    const { server, keys, env } = await setUp();
    const jwt = await signAssertionDraft(ASSERTION_PRESETS[0]?.build(env()) ?? ({} as never), keys);
    const send = () =>
      server.handle(toRequest(assertionTokenRequest(`${ISSUER}/oauth/token`, jwt)));
    expect((await send())?.status).toBe(200);
    expect((await send())?.status).toBe(401);
    expect(failedAssertionCheck(lastLog(server).steps)).toBe('checkAssertionReplay');
  });
});
