import { useMutation } from '@tanstack/react-query';
import {
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
// From the modules themselves, not the client's index: this file ships in the entry, and the
// index would also bring the explanation tables and export formats only blocks need.
import type { AssertionShape, HttpRequestModel } from '../../client/http-request.ts';
import { sendRequestMutationOptions } from '../../client/queries.ts';
import { type RecordedExchange, toFetchRequest } from '../../client/send-request.ts';
import { signClientAssertion } from '../../client/token-request.ts';
import { flowStepOf } from '../../lessons/lesson-steps.ts';
import type {
  CompiledLesson,
  HttpRequestTemplate,
  ResponseExpectation,
} from '../../lessons/lesson-types.ts';
import { DEFAULT_ALLOWED_ORIGINS } from '../../lessons/parse-http-request.ts';
import {
  LESSON_ISSUER,
  type LessonServers,
  LessonSession,
  type LessonState,
  type SendOptions,
  type SendOutcome,
} from '../../lessons/session.ts';
import { type LessonRuntime, LessonRuntimeContext } from '../shared/lesson-runtime-context.ts';
import {
  getLessonState,
  getServerLessonState,
  lessonStore,
  resetLesson,
  subscribeLesson,
} from '../shared/lesson-store.ts';
import { useMockServerStatus } from '../shared/mock-server-context.tsx';

/**
 * Sign `{{$client_assertion signing-client}}` with the key this page made for that client. The
 * audience is the issuer identifier of the server the request goes to (draft-ietf-oauth-rfc7523bis):
 * the mock's token endpoint is `<issuer>/oauth/token`, so the issuer is the URL without that path.
 */
async function signAssertionFor(
  clientId: string,
  url: string,
  shape?: AssertionShape,
): Promise<string | undefined> {
  // Loaded here, not statically: the key module pulls in jose, which the first paint skips.
  const { getSigningClientPrivateJwk, SIGNING_CLIENT_ID } = await import(
    '../../client/signing-client-key.ts'
  );
  if (clientId !== SIGNING_CLIENT_ID) return undefined;
  let issuer: string;
  try {
    const u = new URL(url);
    issuer = u.pathname.endsWith('/oauth/token')
      ? `${u.origin}${u.pathname.slice(0, -'/oauth/token'.length)}`
      : u.origin;
  } catch {
    issuer = LESSON_ISSUER;
  }
  return signClientAssertion(clientId, issuer, await getSigningClientPrivateJwk(), {
    ...(shape && { shape }),
  });
}

/**
 * Sign `{{$dpop}}` / `{{$dpop_thief}}` with this page's DPoP keys. Loaded here, not statically:
 * DPoP's signing code (jose) stays off the first paint, and loads with the first proof.
 */
const signDpopProof: NonNullable<LessonServers['signDpopProof']> = async (key, input) => {
  const dpop = await import('../../client/dpop.ts');
  return dpop.signDpopProof(await dpop.getDpopKey(key), input);
};

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
      async control(request) {
        await serverReady();
        const server = serverRef.current;
        if (!server) return mutateAsync(request);
        const response = await server.handle(toFetchRequest(request));
        return { status: response?.status ?? 404 };
      },
      serverLog: (requestId) =>
        serverRef.current?.admin.log().find((entry) => entry.id === requestId),
      signAssertion: signAssertionFor,
      signDpopProof,
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
  // The set-up begins at once, in the commit, even while the servers start (its requests wait for
  // them): a step the learner sent before they were up (a press kept since the first paint) then
  // goes out after it, never before it or in between (the session holds steps until it is done).
  useLayoutEffect(() => {
    if (!fresh) return;
    setSettingUp({ done: 0, total: 0 });
    void session.setUp().then(({ error }) => {
      setSettingUp(undefined);
      setSetUpError(error);
      setSetUpFor(session);
    });
  }, [session, fresh]);
  useEffect(() => {
    if (!server || fresh) return;
    checkDrift();
    const onVisible = () => {
      if (document.visibilityState === 'visible') checkDrift();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [server, fresh, checkDrift]);

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
      ...(state.lastLearnerExchange && { lastLearnerExchange: state.lastLearnerExchange }),
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
      // Said once the servers are up: before that, the header says they are starting (or why
      // they could not, which is then also why the set-up failed).
      ...(settingUp && server && { settingUp }),
      lessonServerReady,
      ...(setUpError !== undefined && server && { setUpError }),
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
    server,
    setUpError,
    lessonServerReady,
  ]);

  return <LessonRuntimeContext.Provider value={runtime}>{children}</LessonRuntimeContext.Provider>;
}
