import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ASSERTION_PRESETS,
  type AssertionCheckRow,
  type AssertionDraft,
  type AssertionEnv,
  type AssertionKeys,
  type AssertionPreset,
  assertionCheckRows,
  assertionTokenRequest,
  failedAssertionCheck,
  goodDraft,
  outcomesOf,
  signAssertionDraft,
} from '../../../client/assertion-builder.ts';
import { getHeader, sendRequest } from '../../../client/index.ts';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type {
  AssertionAudience,
  AssertionCheckName,
  LogEntry,
  MockServer,
} from '../../../protocol/index.ts';
import { useOptionalLessonRuntime } from '../../shared/lesson-runtime-context.ts';

/** What the token endpoint answered to one assertion, with the core's account of its checks. */
export interface AssertionResult {
  jwt: string;
  status: number;
  error: string | undefined;
  description: string | undefined;
  rows: AssertionCheckRow[];
  failed: AssertionCheckName | undefined;
  /** What the server knew (never sent to the client). */
  detail: string | undefined;
  /** The setting it was sent under. */
  mode: AssertionAudience;
  presetId: string | undefined;
  /** The assertion was sent a second time, as sent before. */
  replayed: boolean;
}

/** Signs with signing-client's key pair (made in this page) or a stranger's, through jose. */
async function pageKeys(): Promise<AssertionKeys> {
  const [{ CompactSign, generateKeyPair, importJWK }, { getSigningClientPrivateJwk }] =
    await Promise.all([import('jose'), import('../../../client/signing-client-key.ts')]);
  const encode = (payload: Record<string, unknown>) =>
    new TextEncoder().encode(JSON.stringify(payload));
  let stranger: Promise<CryptoKey> | undefined;
  const sign = (
    key: CryptoKey | Uint8Array,
    header: Record<string, unknown>,
    payload: Record<string, unknown>,
  ) => new CompactSign(encode(payload)).setProtectedHeader(header as { alg: string }).sign(key);
  return {
    async client(header, payload) {
      const jwk = await getSigningClientPrivateJwk();
      return sign(await importJWK(jwk, String(header.alg ?? jwk.alg)), header, payload);
    },
    async stranger(header, payload) {
      stranger ??= generateKeyPair(String(header.alg ?? 'ES256')).then((p) => p.privateKey);
      return sign(await stranger, header, payload);
    },
  };
}

/** The signing-client the lab signs as: seeded, with the public key this page registered. */
export const LAB_CLIENT = 'signing-client';

/**
 * The assertion lab's state and actions: the draft's starting point (a preset or the rule's
 * assertion), the setting the next send uses, sending (signed in the page, the server's setting
 * switched for that one request and put back), replays of every preset, and the outcomes.
 */
export function useAssertionLab(server: MockServer, labId: string, config: LabConfig<'assertion'>) {
  const runtime = useOptionalLessonRuntime();
  const presets = useMemo(
    () =>
      config.presets
        ? config.presets.flatMap((id) => ASSERTION_PRESETS.filter((p) => p.id === id))
        : ASSERTION_PRESETS,
    [config.presets],
  );
  const [mode, setMode] = useState<AssertionAudience>(config.mode);
  const [result, setResult] = useState<AssertionResult>();
  const [replays, setReplays] = useState<Record<string, AssertionResult>>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const keys = useRef<Promise<AssertionKeys> | undefined>(undefined);
  const issuer = server.options.issuer;
  const tokenEndpoint = `${issuer}/oauth/token`;

  const env = useCallback((): AssertionEnv => {
    const kid = server.admin.getClient(LAB_CLIENT)?.jwks?.keys[0]?.kid ?? '';
    return {
      issuer,
      tokenEndpoint,
      clientId: LAB_CLIENT,
      kid,
      now: server.admin.clock().now,
      jti: () => crypto.randomUUID(),
    };
  }, [server, issuer, tokenEndpoint]);

  const report = useCallback(
    (r: AssertionResult, draft: AssertionDraft | undefined) => {
      if (!runtime) return;
      const detail = r.failed ? `${r.status} at ${r.failed}` : `${r.status}: accepted`;
      for (const name of outcomesOf(r, draft?.header, draft?.payload, issuer)) {
        runtime.reportLabOutcome(labId, name, { ok: true, detail: `${detail} (${r.mode})` });
      }
    },
    [runtime, labId, issuer],
  );

  /** Send one signed assertion with the server's audience setting at `sendMode`, then restore it. */
  const sendJwt = useCallback(
    async (jwt: string, sendMode: AssertionAudience, key: string) => {
      const before = server.admin.settings().assertionAudience;
      if (before !== sendMode) await server.admin.updateSettings({ assertionAudience: sendMode });
      try {
        const request = assertionTokenRequest(tokenEndpoint, jwt);
        if (runtime) {
          const outcome = await runtime.send(key, request);
          if ('error' in outcome) throw new Error(outcome.error);
          return outcome.exchange;
        }
        return await sendRequest(request, { fetch: (r) => fetch(r) });
      } finally {
        if (before !== sendMode) await server.admin.updateSettings({ assertionAudience: before });
      }
    },
    [server, runtime, tokenEndpoint],
  );

  const resultOf = useCallback(
    (
      exchange: { status: number; json?: unknown; headers: readonly (readonly [string, string])[] },
      jwt: string,
      sendMode: AssertionAudience,
      presetId: string | undefined,
      replayed: boolean,
    ): AssertionResult => {
      const requestId = getHeader(exchange.headers, 'x-request-id');
      const entry: LogEntry | undefined = requestId
        ? server.admin.log().find((e) => e.id === requestId)
        : undefined;
      const body = exchange.json as { error?: unknown; error_description?: unknown } | undefined;
      const steps = entry?.steps ?? [];
      return {
        jwt,
        status: exchange.status,
        error: typeof body?.error === 'string' ? body.error : undefined,
        description:
          typeof body?.error_description === 'string' ? body.error_description : undefined,
        rows: assertionCheckRows(steps),
        failed: failedAssertionCheck(steps),
        detail: entry?.error?.detail ?? entry?.detail,
        mode: sendMode,
        presetId,
        replayed,
      };
    },
    [server],
  );

  const run = useCallback(
    async (
      draft: AssertionDraft,
      presetId: string | undefined,
    ): Promise<AssertionResult | undefined> => {
      keys.current ??= pageKeys();
      const jwt = await signAssertionDraft(draft, await keys.current);
      const exchange = await sendJwt(jwt, mode, `${labId}:assertion`);
      const r = resultOf(exchange, jwt, mode, presetId, false);
      report(r, draft);
      return r;
    },
    [sendJwt, mode, labId, resultOf, report],
  );

  const guarded = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setProblem(undefined);
    try {
      return await work();
    } catch (error) {
      setProblem(
        `${error instanceof Error ? error.message : String(error)} (jose could not sign or send this assertion: check alg and the header fields).`,
      );
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const send = (draft: AssertionDraft, presetId: string | undefined) =>
    guarded(async () => {
      const r = await run(draft, presetId);
      if (!r) return;
      setResult(r);
      if (presetId) setReplays((prev) => ({ ...prev, [`${presetId}:${r.mode}`]: r }));
    });

  /** Send the last assertion again, exactly as it was: the jti check stops the replay. */
  const sendAgain = () =>
    guarded(async () => {
      if (!result) return;
      const exchange = await sendJwt(result.jwt, mode, `${labId}:assertion`);
      const r = resultOf(exchange, result.jwt, mode, undefined, true);
      report(r, undefined);
      setResult(r);
    });

  const replayAll = () =>
    guarded(async () => {
      const all: Record<string, AssertionResult> = {};
      for (const preset of presets) {
        const r = await run(preset.build(env()), preset.id);
        if (r) all[`${preset.id}:${r.mode}`] = r;
      }
      setReplays((prev) => ({ ...prev, ...all }));
    });

  const matches = (preset: AssertionPreset, m: AssertionAudience, r: AssertionResult | undefined) =>
    r !== undefined &&
    r.status === preset.expected[m].status &&
    r.failed === preset.expected[m].check;

  const allMatched = presets.every((p) => matches(p, mode, replays[`${p.id}:${mode}`]));
  useEffect(() => {
    if (!allMatched || !runtime) return;
    runtime.reportLabOutcome(labId, 'every-preset-replayed', {
      ok: true,
      detail: `${presets.length} presets, each answered as expected (${mode})`,
    });
  }, [allMatched, runtime, labId, presets.length, mode]);

  return {
    presets,
    mode,
    setMode,
    result,
    replays,
    busy,
    problem,
    send,
    sendAgain,
    replayAll,
    matches,
    allMatched,
    startingDraft: () => goodDraft(env()),
    build: (preset: AssertionPreset) => preset.build(env()),
    now: () => server.admin.clock().now,
  };
}
