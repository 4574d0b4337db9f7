/**
 * The token forge's logic without React (src/ui/labs/forge/use-forge.ts): the reducer the lab's
 * hook wraps, the lesson-token rule, and a replay read back from the core's own log entry.
 */
import { describe, expect, it } from 'vitest';
import {
  draftFromToken,
  FORGE_PRESETS,
  type ForgeDraft,
  forgeRequest,
  signDraft,
} from '../../../src/client/forge.ts';
import { sendRequest } from '../../../src/client/send-request.ts';
import {
  draftFromState,
  everyPresetMatched,
  type ForgeResult,
  forgeEnv,
  forgeReducer,
  forgeResult,
  initialForgeState,
  lessonTokenStep,
  outcomesOf,
  presetMatches,
  shownPresets,
} from '../../../src/ui/labs/forge/use-forge.ts';
import { makeServer } from '../../protocol/helpers.ts';

const draft: ForgeDraft = {
  header: { alg: 'ES256', typ: 'at+jwt', kid: 'k1' },
  payload: { iss: 'https://auth.example.com', scope: 'read:users', exp: 2000000000 },
  signing: 'keep',
  originalSignature: 'c2ln',
};

const result = (over: Partial<ForgeResult> = {}): ForgeResult => ({
  token: 'a.b.c',
  status: 401,
  statusText: 'Unauthorized',
  challenge: undefined,
  errorCode: 'invalid_token',
  errorDescription: undefined,
  rows: [],
  failed: 'checkAudience',
  detail: undefined,
  presetId: undefined,
  ...over,
});

describe('forgeReducer', () => {
  it('loads a token as rows, keeping its signature, and forgets the last answer', () => {
    let state = forgeReducer(initialForgeState(), { type: 'send-failed', message: 'boom' });
    state = forgeReducer(state, { type: 'load', token: 'a.b.c', draft, source: 'lesson' });
    expect(state.headerRows.map((r) => [r.name, r.value])).toEqual([
      ['alg', 'ES256'],
      ['typ', 'at+jwt'],
      ['kid', 'k1'],
    ]);
    expect(state.payloadRows.find((r) => r.name === 'exp')?.value).toBe('2000000000');
    expect(state).toMatchObject({ signing: 'keep', dirty: false, problem: undefined });
    expect(state.base?.source).toBe('lesson');
  });

  it('marks the draft dirty on a preset or an edit; an edit forgets the preset', () => {
    let state = forgeReducer(initialForgeState(), {
      type: 'load',
      token: 't',
      draft,
      source: 'minted',
    });
    state = forgeReducer(state, {
      type: 'preset-applied',
      presetId: 'alg-none',
      draft: { ...draft, header: { alg: 'none' }, signing: 'none' },
      presentation: 'bearer',
    });
    expect(state).toMatchObject({ presetId: 'alg-none', signing: 'none', dirty: true });
    state = forgeReducer(state, { type: 'header-edited', rows: state.headerRows });
    expect(state.presetId).toBeUndefined();
    expect(state.dirty).toBe(true);
  });

  it('records an answer under its preset, and merges a replay of every case', () => {
    let state = forgeReducer(initialForgeState(), { type: 'send-started' });
    expect(state.busy).toBe(true);
    state = forgeReducer(state, { type: 'sent', result: result() });
    expect(state).toMatchObject({ busy: false, replays: {} });
    state = forgeReducer(state, { type: 'sent', result: result({ presetId: 'wrong-audience' }) });
    expect(Object.keys(state.replays)).toEqual(['wrong-audience']);
    state = forgeReducer(state, {
      type: 'replayed-all',
      results: { valid: result({ status: 200, failed: undefined, presetId: 'valid' }) },
    });
    expect(Object.keys(state.replays).sort()).toEqual(['valid', 'wrong-audience']);
  });

  it('turns rows back into a draft, or names the problem', () => {
    const state = forgeReducer(initialForgeState(), {
      type: 'load',
      token: 't',
      draft,
      source: 'pasted',
    });
    expect(draftFromState(state)).toEqual({ ...draft, signing: 'keep' });
    const unnamed = {
      ...state,
      payloadRows: [...state.payloadRows, { key: -1, name: ' ', value: 'x' }],
    };
    expect(draftFromState(unnamed)).toBe('A payload field has no name: name it or remove it.');
  });
});

describe('following the lesson token', () => {
  const base = { followed: undefined, dirty: false, source: undefined };
  it('starts from the lesson token, else mints one', () => {
    expect(lessonTokenStep({ ...base, first: true, lessonToken: 't1' })).toBe('load');
    expect(lessonTokenStep({ ...base, first: true, lessonToken: undefined })).toBe('mint');
  });
  it('takes a newer lesson token unless the learner pasted one or began editing', () => {
    const later = { first: false, lessonToken: 't2', followed: 't1' };
    expect(lessonTokenStep({ ...later, dirty: false, source: 'lesson' })).toBe('load');
    expect(lessonTokenStep({ ...later, dirty: true, source: 'lesson' })).toBe('none');
    expect(lessonTokenStep({ ...later, dirty: false, source: 'pasted' })).toBe('none');
    expect(lessonTokenStep({ ...later, lessonToken: 't1', dirty: false, source: 'lesson' })).toBe(
      'none',
    );
  });
});

describe('outcomes', () => {
  it('reports a forged refusal at its check, and nothing for an untouched token', () => {
    expect(outcomesOf(result(), true).map(([name]) => name)).toEqual([
      'forged-rejected',
      'rejected-at-aud',
    ]);
    expect(outcomesOf(result({ status: 200, failed: undefined }), true)).toEqual([
      ['forged-accepted', { ok: true, detail: '200: accepted' }],
    ]);
    expect(outcomesOf(result(), false)).toEqual([]);
  });

  it('says every preset matched only when each shown one ended where it should', () => {
    const presets = shownPresets(['valid', 'wrong-audience']);
    expect(presets.map((p) => p.id)).toEqual(['valid', 'wrong-audience']);
    const valid = result({ status: 200, failed: undefined });
    expect(everyPresetMatched(presets, { valid })).toBe(false);
    expect(everyPresetMatched(presets, { valid, 'wrong-audience': result() })).toBe(true);
    expect(everyPresetMatched(presets, { valid, 'wrong-audience': valid })).toBe(false);
    expect(shownPresets(undefined).map((p) => p.id)).toEqual(
      FORGE_PRESETS.filter((p) => !p.id.startsWith('dpop-')).map((p) => p.id),
    );
  });
});

describe('a replay against the core', () => {
  it('reads the failed check and what the server knew from its log entry', async () => {
    const server = await makeServer();
    const env = forgeEnv(server);
    const minted = await server.admin.mint({ claims: {} });
    const preset = FORGE_PRESETS.find((p) => p.id === 'wrong-audience');
    if (!preset) throw new Error('no preset');
    const token = await signDraft(preset.build(env, draftFromToken(minted.token)), server.admin);
    const exchange = await sendRequest(forgeRequest(server.options.apiOrigin, 'users', token), {
      fetch: async (request) => (await server.handle(request)) as Response,
    });
    const entry = server.admin.log().find((e) => e.id === exchange.requestId);
    const r = forgeResult(exchange, token, entry, preset.id);
    expect(r).toMatchObject({ status: 401, failed: 'checkAudience', errorCode: 'invalid_token' });
    expect(r.detail).toContain('billing.example.com');
    expect(r.rows.find((row) => row.name === 'checkSignature')?.status).toBe('passed');
    expect(r.rows.find((row) => row.name === 'checkScope')?.status).toBe('not_reached');
    expect(presetMatches(preset, r)).toBe(true);
  });
});

describe('the DPoP presets against the core', () => {
  it('each stops at the check it names (or passes), sent as its presentation says', async () => {
    const { forgeRequests } = await import('../../../src/client/forge.ts');
    const dpop = await import('../../../src/client/dpop.ts');
    const server = await makeServer();
    const mine = await dpop.getDpopKey('mine');
    const env = forgeEnv(server, 'users', mine.jkt);
    const base = draftFromToken((await server.admin.mint({ claims: {} })).token);
    const sign = async (
      key: 'mine' | 'thief',
      input: { method: string; url: string; accessToken: string },
    ) => dpop.signDpopProof(await dpop.getDpopKey(key), { ...input, iat: env.now });
    const dpopPresets = FORGE_PRESETS.filter((p) => p.id.startsWith('dpop-'));
    expect(dpopPresets.map((p) => p.id)).toEqual([
      'dpop-bound',
      'dpop-stolen-token',
      'dpop-replayed-proof',
      'dpop-other-url',
      'dpop-downgraded',
    ]);
    for (const preset of dpopPresets) {
      const token = await signDraft(preset.build(env, base), server.admin);
      const requests = await forgeRequests(
        server.options.apiOrigin,
        'users',
        token,
        preset.presentation ?? 'bearer',
        sign,
      );
      let exchange: Awaited<ReturnType<typeof sendRequest>> | undefined;
      for (const request of requests) {
        exchange = await sendRequest(request, {
          fetch: async (r) => (await server.handle(r)) as Response,
        });
      }
      if (!exchange) throw new Error('nothing sent');
      const entry = server.admin.log().find((e) => e.id === exchange?.requestId);
      const r = forgeResult(exchange, token, entry, preset.id);
      expect([preset.id, r.status, r.failed]).toEqual([preset.id, preset.status, preset.expected]);
      expect(presetMatches(preset, r)).toBe(true);
      if (preset.expected) {
        expect(r.rows.some((row) => row.name === 'checkDpopBinding')).toBe(true);
      }
    }
  });
});
