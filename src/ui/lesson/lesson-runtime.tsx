import { useMutation } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
// From the modules themselves, not the client's index: this file ships in the entry, and the
// index would also bring the explanation tables and export formats only blocks need.
import type { HttpRequestModel } from '../../client/http-request.ts';
import { sendRequestMutationOptions } from '../../client/queries.ts';
import type { RecordedExchange } from '../../client/send-request.ts';
import { signClientAssertion } from '../../client/token-request.ts';
import type { ExpectationResult } from '../../lessons/expectation.ts';
import type {
  CompiledLesson,
  FlowStep,
  HttpRequestTemplate,
  LabOutcome,
  RequestBlock,
  ResponseExpectation,
} from '../../lessons/lesson-types.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../../lessons/parse-http-request.ts';
import {
  type FilledRequest,
  type LessonServers,
  LessonSession,
  type LessonState,
  type SendOptions,
  type SendOutcome,
} from '../../lessons/session.ts';
import type { LogEntry } from '../../protocol/index.ts';
import { useMockServerStatus } from '../server/mock-server-context.tsx';
import {
  getLessonState,
  getServerLessonState,
  lessonStore,
  resetLesson,
  subscribeLesson,
} from './lesson-store.ts';

export type { ExpectationResult } from '../../lessons/expectation.ts';
export type { SendOptions, SendOutcome } from '../../lessons/session.ts';
export { resetAllLessons, resetLesson } from './lesson-store.ts';

/** Everything a lesson's blocks share: variables, the latest exchanges, progress. */
export interface LessonRuntime {
  slug: string;
  /** Persisted per lesson in localStorage. */
  vars: Readonly<Record<string, string>>;
  /** The latest value of `variable` that one of these request blocks saved (persisted). */
  savedValue(variable: string, blocks: readonly string[]): string | undefined;
  setVar(name: string, value: string): void;
  /** The latest exchange per step key (memory only). */
  exchanges: Readonly<Record<string, RecordedExchange>>;
  /** The latest exchange in this lesson. */
  lastExchange?: { key: string; exchange: RecordedExchange };
  /**
   * The lesson session's send (src/lessons/session.ts): fill variables (incl. async
   * `{{$client_assertion id}}` with the page's signing key), refuse a filled URL outside the mock
   * servers, send through a TanStack Query mutation, record under `key`, apply `save` rules on
   * 2xx, mark progress when `expect` matches (or, without `expect`, on a 2xx). Never throws.
   */
  send(
    key: string,
    request: HttpRequestTemplate | HttpRequestModel,
    options?: SendOptions,
  ): Promise<SendOutcome>;
  /** Step keys with a request in flight (or waiting for the mock servers to start). */
  pending: Readonly<Record<string, boolean>>;
  /**
   * The mock servers are still starting: a `send` now waits for them (it never lets a request
   * reach the real network) and goes out as soon as they answer. Blocks say so on their status.
   */
  serverStarting: boolean;
  /** Persisted; keys = request ids, `negatives-id#index`, exercise ids. */
  progress: Readonly<Record<string, 'done' | 'failed'>>;
  setProgress(key: string, state: 'done' | 'failed'): void;
  /** The last HTTP status per step key (persisted, unlike the exchanges). */
  statuses: Readonly<Record<string, number>>;
  /** The learner's edited request texts per block id (persisted). */
  drafts: Readonly<Record<string, string>>;
  /** Keep an edited text; `undefined` forgets it (back to the lesson's request). */
  setDraft(key: string, text: string | undefined): void;
  /** Which flow step the latest request belongs to (by URL), for the flow diagram. */
  activeFlowStep?: FlowStep;
  /** The core's log entry for a response's `x-request-id`: what the server knew, step by step. */
  serverLog(requestId: string | undefined): LogEntry | undefined;
  /**
   * Does an answer meet an expectation? The one rule (src/lessons/expectation.ts), with the
   * server's log entry for the answer, so an expectation that names a check is judged by it.
   */
  judge(exchange: RecordedExchange, expect: Partial<ResponseExpectation>): ExpectationResult;
  /** What each lab block reported: `labOutcomes[labId][outcome]` (memory only). */
  labOutcomes: Readonly<Record<string, Readonly<Record<string, LabOutcome>>>>;
  /** A lab says whether it reached one of its outcomes; exercises with `check.lab` read it. */
  reportLabOutcome(labId: string, outcome: string, result: LabOutcome): void;
  /** Clears this lesson's vars, exchanges, progress and edits. */
  reset(): void;
  /** The lesson's request block with this id (curl blocks and exercises refer to them). */
  requestBlock(id: string): RequestBlock | undefined;
  /** The text a request block sends now: the learner's edit, else the lesson's source. */
  requestText(id: string): string | undefined;
  /** Fill a request's variables as Send would (for "Copy as curl" and the curl block). */
  fill(request: HttpRequestModel): Promise<FilledRequest>;
  /**
   * Why the server is not where this lesson's last step left it (the clock moved, settings
   * changed, a saved token ran out while the learner was away); empty when it is.
   */
  drift: readonly string[];
  /** Look for {@link drift} again now (after a step failed, say). */
  checkDrift(): readonly string[];
  /**
   * Set the lesson's server up again and re-send the steps done so far (before `until`, a
   * request block id), so the server and the variables stand where they were.
   */
  replay(until?: string): Promise<void>;
  /** While setting up or replaying: how far it got. */
  settingUp?: { done: number; total: number };
  /**
   * The lesson's server runs and is set up (or the lesson is in progress and left as it was):
   * steps sent now meet the state the lesson expects. `<article data-lesson-server="ready">`.
   */
  lessonServerReady: boolean;
  /** Why the last set-up or replay stopped, if it did. */
  setUpError?: string;
}

const LessonRuntimeContext = createContext<LessonRuntime | undefined>(undefined);

/** The runtime of the lesson this component sits in. Throws outside a lesson page. */
export function useLessonRuntime(): LessonRuntime {
  const runtime = useContext(LessonRuntimeContext);
  if (!runtime) throw new Error('useLessonRuntime() must be used inside <LessonRuntimeProvider>.');
  return runtime;
}

/** Like {@link useLessonRuntime}, but undefined outside a lesson (blocks shown elsewhere). */
export function useOptionalLessonRuntime(): LessonRuntime | undefined {
  return useContext(LessonRuntimeContext);
}

/** The flow step a request URL belongs to: token, api, introspect or revoke. */
export function flowStepOf(url: string): FlowStep | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (path.endsWith('/oauth/token')) return 'token';
  if (path.endsWith('/oauth/introspect')) return 'introspect';
  if (path.endsWith('/oauth/revoke')) return 'revoke';
  if (path.startsWith('/api/')) return 'api';
  return undefined;
}

/**
 * Sign `{{$client_assertion signing-client}}` with the key this page made for that client. The
 * audience is the issuer identifier of the server the request goes to (draft-ietf-oauth-rfc7523bis):
 * the mock's token endpoint is `<issuer>/oauth/token`, so the issuer is the URL without that path.
 */
async function signAssertionFor(clientId: string, url: string): Promise<string | undefined> {
  // Loaded here, not statically: the key module pulls in jose, which the first paint skips.
  const { getSigningClientPrivateJwk, SIGNING_CLIENT_ID } = await import(
    '../../mocks/signing-client-key.ts'
  );
  if (clientId !== SIGNING_CLIENT_ID) return undefined;
  let issuer: string;
  try {
    const u = new URL(url);
    issuer = u.pathname.endsWith('/oauth/token')
      ? `${u.origin}${u.pathname.slice(0, -'/oauth/token'.length)}`
      : u.origin;
  } catch {
    issuer = 'https://auth.example.com';
  }
  return signClientAssertion(clientId, issuer, await getSigningClientPrivateJwk());
}

/**
 * Where a lesson's requests may go: the mock servers, and the app's own origin. Checked on the
 * filled URL at send time (a variable can hold any URL, whatever the lesson compiled with).
 */
function allowedOrigins(): string[] {
  const own = typeof location === 'undefined' ? [] : [location.origin];
  return [...DEFAULT_ALLOWED_ORIGINS, ...own];
}

function toModel(request: HttpRequestTemplate | HttpRequestModel): HttpRequestModel {
  return { method: request.method, url: request.url, headers: request.headers, body: request.body };
}

type MockServerStatus = ReturnType<typeof useMockServerStatus>;

/**
 * A promise that resolves once the mock servers run (rejects, with the reason, if they cannot
 * start): what a Send pressed during start-up waits for. One per provider; settled from an effect,
 * so it follows the app's status exactly.
 */
function useServerReady(status: MockServerStatus): () => Promise<void> {
  const deferred = useRef<{
    promise: Promise<void>;
    resolve: () => void;
    reject: (error: Error) => void;
  }>(undefined);
  if (!deferred.current) {
    let resolve = () => {};
    let reject: (error: Error) => void = () => {};
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    deferred.current = { promise, resolve, reject };
  }
  useEffect(() => {
    if (status.state === 'ready') deferred.current?.resolve();
    else if (status.state === 'failed') {
      deferred.current?.reject(
        new Error(`The mock servers could not start, so nothing was sent: ${status.problem.title}`),
      );
    }
  }, [status]);
  return useCallback(() => deferred.current?.promise ?? Promise.resolve(), []);
}

export interface LessonRuntimeProviderProps {
  slug: string;
  /** The compiled lesson, so messages can name the block that saves a missing variable. */
  lesson?: CompiledLesson;
  children: ReactNode;
}

/** Provides the {@link LessonRuntime} of one lesson to its blocks. */
export function LessonRuntimeProvider({ slug, lesson, children }: LessonRuntimeProviderProps) {
  const subscribe = useCallback((listener: () => void) => subscribeLesson(slug, listener), [slug]);
  const getSnapshot = useCallback(() => getLessonState(slug), [slug]);
  // A page prerendered at build time knows nothing of this browser's storage: hydration starts
  // from the empty state the build rendered, then React re-renders with the stored one.
  const state: LessonState = useSyncExternalStore(subscribe, getSnapshot, getServerLessonState);
  const status = useMockServerStatus();
  const server = status.state === 'ready' ? status.server : undefined;
  const serverRef = useRef(server);
  serverRef.current = server;
  const serverReady = useServerReady(status);
  const mutation = useMutation(sendRequestMutationOptions());
  const mutateAsync = mutation.mutateAsync;
  const [pending, setPending] = useState<Record<string, boolean>>({});

  const serverLog = useCallback(
    (requestId: string | undefined) =>
      requestId === undefined || !server
        ? undefined
        : server.admin.log().find((entry) => entry.id === requestId),
    [server],
  );

  const session = useMemo(() => {
    const servers: LessonServers = {
      async send(request) {
        // Pressed while the servers start (a first visit registers the service worker): hold
        // the request until they answer instead of letting it reach the real network.
        await serverReady();
        return mutateAsync(request);
      },
      serverLog: (requestId) =>
        serverRef.current?.admin.log().find((entry) => entry.id === requestId),
      signAssertion: signAssertionFor,
      allowedOrigins: allowedOrigins(),
      mark: () => {
        const current = serverRef.current;
        if (!current) return undefined;
        const clock = current.admin.clock();
        const settings = current.admin.settings();
        return {
          frozen: clock.frozen,
          now: clock.now,
          offset: clock.offset,
          settings: JSON.stringify(settings),
          leeway: settings.leewaySeconds,
        };
      },
    };
    return new LessonSession(lesson, lessonStore(slug), servers);
  }, [lesson, slug, serverReady, mutateAsync]);

  // The server's log becomes reachable once it is ready (read through serverRef): judge again then.
  // biome-ignore lint/correctness/useExhaustiveDependencies: server is the trigger, not an input
  const judge = useCallback(
    (exchange: RecordedExchange, expect: Partial<ResponseExpectation>) =>
      session.judge(exchange, expect),
    [session, server],
  );

  const send = useCallback(
    async (
      key: string,
      request: HttpRequestTemplate | HttpRequestModel,
      options: SendOptions = {},
    ): Promise<SendOutcome> => {
      setPending((p) => ({ ...p, [key]: true }));
      try {
        return await session.send(key, toModel(request), options);
      } finally {
        setPending((p) => {
          const { [key]: _, ...rest } = p;
          return rest;
        });
      }
    },
    [session],
  );

  const [settingUp, setSettingUp] = useState<{ done: number; total: number }>();
  const [setUpError, setSetUpError] = useState<string>();
  const [drift, setDrift] = useState<readonly string[]>([]);
  const checkDrift = useCallback(() => {
    const reasons = serverRef.current ? session.drift() : [];
    setDrift((before) => (before.join() === reasons.join() ? before : reasons));
    return reasons;
  }, [session]);

  // A lesson entered with no step done (fresh, or started over) sets its server up; one in
  // progress is left as it is, and says so if the server moved meanwhile. Again when the
  // learner comes back to the tab: a pause is when tokens run out.
  const fresh = Object.keys(state.progress).length === 0;
  const [setUpFor, setSetUpFor] = useState<LessonSession>();
  useEffect(() => {
    if (!server) return;
    if (fresh) {
      setSettingUp({ done: 0, total: 0 });
      void session.setUp().then(({ error }) => {
        setSettingUp(undefined);
        setSetUpError(error);
        setSetUpFor(session);
      });
      return;
    }
    checkDrift();
    const onVisible = () => {
      if (document.visibilityState === 'visible') checkDrift();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [server, session, fresh, checkDrift]);

  const replay = useCallback(
    async (until?: string) => {
      setSetUpError(undefined);
      setSettingUp({ done: 0, total: 0 });
      const { error } = await session.replay(until, (done, total) => setSettingUp({ done, total }));
      setSettingUp(undefined);
      setSetUpError(error);
      checkDrift();
    },
    [session, checkDrift],
  );

  const reset = useCallback(() => {
    setDrift([]);
    setSetUpFor(undefined);
    resetLesson(slug);
  }, [slug]);
  const lessonServerReady = server !== undefined && !settingUp && (!fresh || setUpFor === session);

  const drafts = state.drafts;
  const requestText = useCallback(
    (id: string) => drafts[id] ?? session.requestBlock(id)?.request.source,
    [drafts, session],
  );

  const runtime = useMemo<LessonRuntime>(() => {
    const activeFlowStep = state.lastExchange
      ? flowStepOf(state.lastExchange.exchange.request.url)
      : undefined;
    return {
      slug,
      vars: state.vars,
      savedValue: (variable, blocks) => session.savedValue(variable, blocks),
      setVar: (name, value) => session.setVar(name, value),
      exchanges: state.exchanges,
      ...(state.lastExchange && { lastExchange: state.lastExchange }),
      send,
      pending,
      serverStarting: status.state === 'starting',
      progress: state.progress,
      setProgress: (key, value) => session.setProgress(key, value),
      statuses: state.statuses,
      drafts: state.drafts,
      setDraft: (key, text) => session.setDraft(key, text),
      ...(activeFlowStep && { activeFlowStep }),
      serverLog,
      judge,
      labOutcomes: state.labOutcomes,
      reportLabOutcome: (labId, outcome, result) =>
        session.reportLabOutcome(labId, outcome, result),
      reset,
      requestBlock: (id) => session.requestBlock(id),
      requestText,
      fill: (request) => session.fill(request),
      drift,
      checkDrift,
      replay,
      ...(settingUp && { settingUp }),
      lessonServerReady,
      ...(setUpError !== undefined && { setUpError }),
    };
  }, [
    slug,
    state,
    session,
    send,
    pending,
    status.state,
    serverLog,
    judge,
    reset,
    requestText,
    drift,
    checkDrift,
    replay,
    settingUp,
    setUpError,
    lessonServerReady,
  ]);

  return <LessonRuntimeContext.Provider value={runtime}>{children}</LessonRuntimeContext.Provider>;
}
