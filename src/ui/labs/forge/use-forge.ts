/**
 * The token forge's logic apart from its view: the lab's state as a reducer (plain functions,
 * tested in Node), what a replay answered, which outcomes it reports, and the hook that wires
 * them to the mock server and the lesson runtime. forge-lab.tsx only draws what this returns.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import {
  CHECK_LABELS,
  CHECK_SHORT,
  type CheckRow,
  checkRows,
  DEFAULT_FORGE_PRESETS,
  draftFromToken,
  FORGE_PRESETS,
  FORGE_ROUTES,
  type ForgeDraft,
  type ForgeEnv,
  type ForgePresentation,
  type ForgePreset,
  type ForgeProofSigner,
  type ForgeRoute,
  type ForgeSigning,
  failedCheck,
  forgeRequests,
  isDpopPreset,
  mintedDraft,
  type ResourceCheck,
  signDraft,
} from '../../../client/forge.ts';
import { getHeader, parseWwwAuthenticate, type RecordedExchange } from '../../../client/index.ts';
import type { LabConfig } from '../../../lessons/labs/index.ts';
import type { LabOutcome } from '../../../lessons/lesson-types.ts';
import type { LogEntry, MockServer } from '../../../protocol/index.ts';
import { useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { type FieldRow, objectFrom, rowsFrom } from './forge-fields.ts';

/** The lab's options, as src/lessons/labs/forge.ts's schema output them at build time. */
export type ForgeConfig = LabConfig<'forge'>;

/** What the API answered to one forged token, with the core's own account of its checks. */
export interface ForgeResult {
  token: string;
  status: number;
  statusText: string;
  challenge: string | undefined;
  errorCode: string | undefined;
  errorDescription: string | undefined;
  rows: CheckRow[];
  failed: ResourceCheck | undefined;
  /** What the server knew (never sent to the client). */
  detail: string | undefined;
  presetId: string | undefined;
}

/** Where the token the forge started from came from. */
export type ForgeSource = 'lesson' | 'minted' | 'pasted';

export interface ForgeState {
  base: { token: string; draft: ForgeDraft; source: ForgeSource } | undefined;
  pasteText: string;
  sourceError: string | undefined;
  headerRows: FieldRow[];
  payloadRows: FieldRow[];
  signing: ForgeSigning;
  /** How the token is sent: as Bearer, or with the DPoP scheme and which proof. */
  presentation: ForgePresentation;
  /** The preset the draft was loaded from, until the learner edits it. */
  presetId: string | undefined;
  busy: boolean;
  problem: string | undefined;
  result: ForgeResult | undefined;
  /** The latest answer per preset id. */
  replays: Record<string, ForgeResult>;
  /** The learner changed the draft since the last load: do not replace it under them. */
  dirty: boolean;
}

export type ForgeAction =
  | { type: 'load'; token: string; draft: ForgeDraft; source: ForgeSource }
  | { type: 'source-failed'; message: string }
  | { type: 'paste-changed'; text: string }
  | {
      type: 'preset-applied';
      presetId: string;
      draft: ForgeDraft;
      presentation: ForgePresentation;
    }
  | { type: 'presentation-chosen'; presentation: ForgePresentation }
  | { type: 'header-edited'; rows: FieldRow[] }
  | { type: 'payload-edited'; rows: FieldRow[] }
  | { type: 'signing-chosen'; signing: ForgeSigning }
  | { type: 'draft-invalid'; message: string }
  | { type: 'send-started' }
  | { type: 'sent'; result: ForgeResult }
  | { type: 'replayed-all'; results: Record<string, ForgeResult> }
  | { type: 'send-failed'; message: string };

export function initialForgeState(): ForgeState {
  return {
    base: undefined,
    pasteText: '',
    sourceError: undefined,
    headerRows: [],
    payloadRows: [],
    signing: 'keep',
    presentation: 'bearer',
    presetId: undefined,
    busy: false,
    problem: undefined,
    result: undefined,
    replays: {},
    dirty: false,
  };
}

/** The forge's state changes, one per thing the learner (or a replay) does. */
export function forgeReducer(state: ForgeState, action: ForgeAction): ForgeState {
  switch (action.type) {
    case 'load':
      return {
        ...state,
        base: { token: action.token, draft: action.draft, source: action.source },
        headerRows: rowsFrom(action.draft.header),
        payloadRows: rowsFrom(action.draft.payload),
        signing: 'keep',
        presentation: 'bearer',
        presetId: undefined,
        result: undefined,
        problem: undefined,
        sourceError: undefined,
        dirty: false,
      };
    case 'source-failed':
      return { ...state, sourceError: action.message };
    case 'paste-changed':
      return { ...state, pasteText: action.text };
    case 'preset-applied':
      return {
        ...state,
        headerRows: rowsFrom(action.draft.header),
        payloadRows: rowsFrom(action.draft.payload),
        signing: action.draft.signing,
        presentation: action.presentation,
        presetId: action.presetId,
        dirty: true,
        result: undefined,
        problem: undefined,
      };
    case 'header-edited':
      return { ...state, headerRows: action.rows, presetId: undefined, dirty: true };
    case 'payload-edited':
      return { ...state, payloadRows: action.rows, presetId: undefined, dirty: true };
    case 'signing-chosen':
      return { ...state, signing: action.signing, presetId: undefined, dirty: true };
    case 'presentation-chosen':
      return { ...state, presentation: action.presentation, presetId: undefined, dirty: true };
    case 'draft-invalid':
      return { ...state, problem: action.message };
    case 'send-started':
      return { ...state, busy: true, problem: undefined };
    case 'sent': {
      const { result } = action;
      return {
        ...state,
        busy: false,
        result,
        replays:
          result.presetId === undefined
            ? state.replays
            : { ...state.replays, [result.presetId]: result },
      };
    }
    case 'replayed-all':
      return { ...state, busy: false, replays: { ...state.replays, ...action.results } };
    case 'send-failed':
      return { ...state, busy: false, problem: action.message };
  }
}

/** The draft the rows stand for, or the first problem with them. */
export function draftFromState(state: ForgeState): ForgeDraft | string {
  const header = objectFrom(state.headerRows, 'header');
  if (typeof header === 'string') return header;
  const payload = objectFrom(state.payloadRows, 'payload');
  if (typeof payload === 'string') return payload;
  return {
    header,
    payload,
    signing: state.signing,
    originalSignature: state.base?.draft.originalSignature ?? '',
  };
}

/**
 * The presets a lab shows: those its config lists, in that order, or every bearer case (the DPoP
 * cases need a lesson that teaches DPoP, which names them).
 */
export function shownPresets(ids: readonly string[] | undefined): readonly ForgePreset[] {
  return ids
    ? ids.flatMap((id) => FORGE_PRESETS.filter((p) => p.id === id))
    : DEFAULT_FORGE_PRESETS;
}

/** Did a replay end where its preset says it must? */
export function presetMatches(preset: ForgePreset, r: ForgeResult): boolean {
  return r.status === preset.status && r.failed === preset.expected;
}

/** Every shown preset replayed, and each ended where it should. */
export function everyPresetMatched(
  presets: readonly ForgePreset[],
  replays: Readonly<Record<string, ForgeResult>>,
): boolean {
  return (
    presets.length > 0 &&
    presets.every((p) => {
      const r = replays[p.id];
      return r !== undefined && presetMatches(p, r);
    })
  );
}

/** The outcomes one answer reaches: none unless the token was changed (forged). */
export function outcomesOf(r: ForgeResult, forged: boolean): [string, LabOutcome][] {
  if (!forged) return [];
  const detail = r.failed ? `${r.status} at ${CHECK_LABELS[r.failed]}` : `${r.status}: accepted`;
  const outcomes: [string, LabOutcome][] = [
    [r.failed ? 'forged-rejected' : 'forged-accepted', { ok: true, detail }],
  ];
  if (r.failed) outcomes.push([`rejected-at-${CHECK_SHORT[r.failed]}`, { ok: true, detail }]);
  return outcomes;
}

/**
 * What to do when the lesson's token is (re)read: start from it when it is new and the learner
 * has not pasted one or begun editing ('load'), mint one on the first look without it ('mint'),
 * or leave the forge as it is.
 */
export function lessonTokenStep(input: {
  first: boolean;
  lessonToken: string | undefined;
  followed: string | undefined;
  dirty: boolean;
  source: ForgeSource | undefined;
}): 'load' | 'mint' | 'none' {
  const { first, lessonToken, followed, dirty, source } = input;
  if (lessonToken && lessonToken !== followed && (first || (!dirty && source !== 'pasted'))) {
    return 'load';
  }
  return first ? 'mint' : 'none';
}

/** What the API answered, read with the core's log entry for that request. */
export function forgeResult(
  exchange: RecordedExchange,
  token: string,
  entry: LogEntry | undefined,
  presetId: string | undefined,
): ForgeResult {
  const challenge = getHeader(exchange.headers, 'www-authenticate');
  const params = challenge
    ? (parseWwwAuthenticate(challenge).find((c) => c.params.error !== undefined)?.params ?? {})
    : {};
  const steps = entry?.steps ?? [];
  return {
    token,
    status: exchange.status,
    statusText: exchange.statusText,
    challenge,
    errorCode: params.error,
    errorDescription: params.error_description,
    rows: checkRows(steps),
    failed: failedCheck(steps),
    detail: entry?.error?.detail,
    presetId,
  };
}

/** What presets need to know of the server now (and of this page's DPoP key, once loaded). */
export function forgeEnv(
  server: MockServer,
  route: ForgeRoute = 'users',
  dpopJkt?: string,
): ForgeEnv {
  const keys = server.admin.keys();
  const active = keys.find((k) => k.status === 'active') ?? keys.at(-1);
  const { issuer, audience } = server.options;
  return {
    issuer,
    audience,
    now: server.admin.clock().now,
    leewaySeconds: server.admin.settings().leewaySeconds,
    kid: active?.kid ?? '',
    alg: active?.alg ?? 'ES256',
    requiredScope: FORGE_ROUTES[route].scope,
    ...(dpopJkt !== undefined && { dpopJkt }),
  };
}

/** Signs the forge's DPoP proofs with this page's keys; the DPoP module loads on first use. */
const signProof: ForgeProofSigner = async (key, input) => {
  const dpop = await import('../../../client/dpop.ts');
  return dpop.signDpopProof(await dpop.getDpopKey(key), input);
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The token forge's state and actions, over the mock server and the lesson runtime. */
export function useForge(labId: string, config: ForgeConfig) {
  const server = useMockServer();
  const runtime = useLessonRuntime();
  const presets = useMemo(() => shownPresets(config.presets), [config.presets]);
  const [state, dispatch] = useReducer(forgeReducer, undefined, initialForgeState);
  const stateRef = useRef(state);
  stateRef.current = state;

  const lessonToken = runtime.vars[config.from];
  // This page's DPoP key, for presets that bind their token to it: loaded only when shown.
  const [dpopJkt, setDpopJkt] = useState<string>();
  const needsDpop = presets.some(isDpopPreset);
  useEffect(() => {
    if (!needsDpop) return;
    let live = true;
    void import('../../../client/dpop.ts')
      .then((dpop) => dpop.getDpopKey('mine'))
      .then((key) => {
        if (live) setDpopJkt(key.jkt);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [needsDpop]);
  const load = useCallback((token: string, source: ForgeSource) => {
    try {
      dispatch({ type: 'load', token, draft: draftFromToken(token), source });
      return true;
    } catch (error) {
      dispatch({ type: 'source-failed', message: messageOf(error) });
      return false;
    }
  }, []);

  const mint = useCallback(async () => {
    try {
      const { token, draft } = await mintedDraft(forgeEnv(server, config.route), server.admin);
      dispatch({ type: 'load', token, draft, source: 'minted' });
    } catch (error) {
      dispatch({ type: 'source-failed', message: messageOf(error) });
    }
  }, [server, config.route]);

  // Start from the lesson's token when it is a JWT, else from one minted now. A lesson token
  // that arrives (or changes) later replaces the starting token, unless the learner has pasted
  // one or begun editing.
  const started = useRef(false);
  const followed = useRef<string | undefined>(undefined);
  useEffect(() => {
    const first = !started.current;
    started.current = true;
    const { dirty, base } = stateRef.current;
    const step = lessonTokenStep({
      first,
      lessonToken,
      followed: followed.current,
      dirty,
      source: base?.source,
    });
    if (lessonToken) followed.current = lessonToken;
    if (step === 'load' && lessonToken) {
      try {
        dispatch({
          type: 'load',
          token: lessonToken,
          draft: draftFromToken(lessonToken),
          source: 'lesson',
        });
        return;
      } catch {
        // an opaque or broken lesson token: keep (or mint) another
      }
    }
    if (first) void mint();
  }, [lessonToken, mint]);

  const report = useCallback(
    (r: ForgeResult, forged: boolean) => {
      for (const [outcome, result] of outcomesOf(r, forged)) {
        runtime.reportLabOutcome(labId, outcome, result);
      }
    },
    [runtime, labId],
  );

  /**
   * Sign, send as `presentation` says through the lesson runtime (recorded), read the core's log
   * entry of the last request (a replayed proof is sent twice: once as its owner, then again).
   */
  const replay = async (
    draft: ForgeDraft,
    key: string,
    presentation: ForgePresentation,
    presetId?: string,
  ) => {
    const token = await signDraft(draft, server.admin);
    const requests = await forgeRequests(
      server.options.apiOrigin,
      config.route,
      token,
      presentation,
      signProof,
    );
    let outcome: Awaited<ReturnType<typeof runtime.send>> = { error: 'nothing was sent' };
    for (const [i, request] of requests.entries()) {
      outcome = await runtime.send(i === requests.length - 1 ? key : `${key}:first`, request);
      if ('error' in outcome) throw new Error(outcome.error);
    }
    if ('error' in outcome) throw new Error(outcome.error);
    return forgeResult(
      outcome.exchange,
      token,
      runtime.serverLog(outcome.exchange.requestId),
      presetId,
    );
  };

  const send = async () => {
    const draft = draftFromState(state);
    if (typeof draft === 'string') {
      dispatch({ type: 'draft-invalid', message: draft });
      return;
    }
    dispatch({ type: 'send-started' });
    try {
      const r = await replay(draft, `${labId}:forge`, state.presentation, state.presetId);
      dispatch({ type: 'sent', result: r });
      report(r, r.token !== state.base?.token);
    } catch (error) {
      dispatch({ type: 'send-failed', message: messageOf(error) });
    }
  };

  const replayAll = async () => {
    const base = state.base;
    if (!base) return;
    dispatch({ type: 'send-started' });
    const results: Record<string, ForgeResult> = {};
    try {
      for (const preset of presets) {
        const r = await replay(
          preset.build(forgeEnv(server, config.route, dpopJkt), base.draft),
          `${labId}:${preset.id}`,
          preset.presentation ?? 'bearer',
          preset.id,
        );
        results[preset.id] = r;
        report(r, r.token !== base.token);
      }
      dispatch({ type: 'replayed-all', results });
    } catch (error) {
      dispatch({ type: 'send-failed', message: messageOf(error) });
    }
  };

  const applyPreset = (preset: ForgePreset) => {
    if (!state.base) return;
    try {
      dispatch({
        type: 'preset-applied',
        presetId: preset.id,
        draft: preset.build(forgeEnv(server, config.route, dpopJkt), state.base.draft),
        presentation: preset.presentation ?? 'bearer',
      });
    } catch (error) {
      dispatch({ type: 'draft-invalid', message: messageOf(error) });
    }
  };

  // Every shown preset replayed and each ended where it should: the outcome exercises check.
  const allMatched = everyPresetMatched(presets, state.replays);
  useEffect(() => {
    if (allMatched) {
      runtime.reportLabOutcome(labId, 'every-preset-replayed', {
        ok: true,
        detail: `${presets.length} presets, each stopped where expected`,
      });
    }
  }, [allMatched, runtime, labId, presets.length]);

  return {
    state,
    presets,
    allMatched,
    lessonToken,
    route: FORGE_ROUTES[config.route],
    mint: () => void mint(),
    useLessonToken: () => {
      if (lessonToken) load(lessonToken, 'lesson');
    },
    setPasteText: (text: string) => dispatch({ type: 'paste-changed', text }),
    loadPasted: () => load(state.pasteText.trim(), 'pasted'),
    applyPreset,
    editHeader: (rows: FieldRow[]) => dispatch({ type: 'header-edited', rows }),
    editPayload: (rows: FieldRow[]) => dispatch({ type: 'payload-edited', rows }),
    chooseSigning: (signing: ForgeSigning) => dispatch({ type: 'signing-chosen', signing }),
    choosePresentation: (presentation: ForgePresentation) =>
      dispatch({ type: 'presentation-chosen', presentation }),
    /** A preset can be loaded: DPoP ones once this page's key is ready. */
    presetReady: (preset: ForgePreset) => !isDpopPreset(preset) || dpopJkt !== undefined,
    /** Whether this lab offers DPoP at all (a DPoP preset is shown). */
    offersDpop: needsDpop,
    send: () => void send(),
    replayAll: () => void replayAll(),
  };
}
