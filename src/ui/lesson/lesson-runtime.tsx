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
import { fillVariablesAsync, type HttpRequestModel } from '../../client/http-request.ts';
import { sendRequestMutationOptions } from '../../client/queries.ts';
import { type RecordedExchange, SendRequestError } from '../../client/send-request.ts';
import { signClientAssertion } from '../../client/token-request.ts';
import { type ExpectationResult, matchExpectation } from '../../lessons/expectation.ts';
import type {
  CompiledLesson,
  FlowStep,
  HttpRequestTemplate,
  LabOutcome,
  MarkdownNode,
  RequestBlock,
  ResponseExpectation,
  SaveRule,
} from '../../lessons/lesson-types.ts';
import type { LogEntry } from '../../protocol/index.ts';
import { useMockServerStatus } from '../server/mock-server-context.tsx';
import {
  getLessonState,
  getServerLessonState,
  type LessonState,
  resetLesson,
  subscribeLesson,
  updateLessonState,
} from './lesson-store.ts';

export type { ExpectationResult } from '../../lessons/expectation.ts';
export { resetAllLessons, resetLesson } from './lesson-store.ts';

export type SendOutcome =
  | {
      exchange: RecordedExchange;
      expectation?: ExpectationResult;
      /** Variables the `save` rules set from this response, e.g. `['access_token']`. */
      saved?: string[];
    }
  | { error: string };

export interface SendOptions {
  save?: SaveRule[];
  expect?: ResponseExpectation;
}

/** Everything a lesson's blocks share: variables, the latest exchanges, progress. */
export interface LessonRuntime {
  slug: string;
  /** Persisted per lesson in localStorage. */
  vars: Readonly<Record<string, string>>;
  setVar(name: string, value: string): void;
  /** The latest exchange per step key (memory only). */
  exchanges: Readonly<Record<string, RecordedExchange>>;
  /** The latest exchange in this lesson. */
  lastExchange?: { key: string; exchange: RecordedExchange };
  /**
   * Fill variables (incl. async `{{$client_assertion id}}` with the page's signing key), send
   * through a TanStack Query mutation, record under `key`, apply `save` rules on 2xx, mark
   * progress when `expect` matches (or, without `expect`, on a 2xx). Never throws for HTTP errors.
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

/** The value at a path into a JSON body, as a string (numbers and booleans stringified). */
export function readJsonPath(json: unknown, path: readonly string[]): string | undefined {
  let current: unknown = json;
  for (const segment of path) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else return undefined;
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  if (current !== undefined && current !== null) return JSON.stringify(current);
  return undefined;
}

/** The request blocks of a lesson, in order. */
export function requestBlocksOf(nodes: readonly MarkdownNode[]): RequestBlock[] {
  const blocks: RequestBlock[] = [];
  const visit = (list: readonly MarkdownNode[]) => {
    for (const node of list) {
      if (node.type === 'block' && node.block.kind === 'request') blocks.push(node.block);
      else if (node.type === 'blockquote' || node.type === 'callout') visit(node.children);
      else if (node.type === 'list') for (const item of node.items) visit(item.children);
    }
  };
  visit(nodes);
  return blocks;
}

/** Which block saves a variable, for "send X first" messages. */
function saversOf(blocks: readonly RequestBlock[]): Map<string, string> {
  const savers = new Map<string, string>();
  for (const block of blocks) {
    for (const rule of block.save) {
      if (!savers.has(rule.variable)) savers.set(rule.variable, block.title ?? block.id);
    }
  }
  return savers;
}

function missingMessage(missing: string[], savers: Map<string, string>): string {
  const names = missing.map((m) => `{{${m}}}`).join(', ');
  const hints = missing
    .map((m) => savers.get(m))
    .filter((s): s is string => s !== undefined)
    .filter((s, i, all) => all.indexOf(s) === i);
  const base =
    missing.length === 1
      ? `This request uses ${names}, which has no value yet.`
      : `This request uses ${names}, which have no value yet.`;
  return hints.length > 0
    ? `${base} Send “${hints.join('” and “')}” first: it saves the value.`
    : `${base} Send the request that saves it first.`;
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
 * Fill a request's variables (what Send, "Copy as curl" and the curl block use). Parts are filled one by one (never re-parsed, so a value may hold
 * any character); one assertion is signed per client and send.
 */
export async function fillRequestVariables(
  request: HttpRequestModel,
  vars: Readonly<Record<string, string>>,
): Promise<{ request: HttpRequestModel; missing: string[]; errors: string[] }> {
  const missing: string[] = [];
  const errors: string[] = [];
  const urlFilled = (await fillVariablesAsync(request.url, vars)).text;
  const signed = new Map<string, Promise<string | undefined>>();
  const signAssertion = (clientId: string) => {
    let s = signed.get(clientId);
    if (!s) {
      s = signAssertionFor(clientId, urlFilled);
      signed.set(clientId, s);
    }
    return s;
  };
  const fill = async (text: string) => {
    const result = await fillVariablesAsync(text, vars, { signAssertion });
    for (const m of result.missing) if (!missing.includes(m)) missing.push(m);
    for (const e of result.errors) if (!errors.includes(e)) errors.push(e);
    return result.text;
  };
  const filled: HttpRequestModel = {
    method: request.method,
    url: await fill(request.url),
    headers: [],
    body: await fill(request.body),
  };
  for (const [name, value] of request.headers) filled.headers.push([name, await fill(value)]);
  return { request: filled, missing, errors };
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
  const serverReady = useServerReady(status);
  const mutation = useMutation(sendRequestMutationOptions());
  const mutateAsync = mutation.mutateAsync;
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const requestBlocks = useMemo(() => requestBlocksOf(lesson?.body ?? []), [lesson]);
  const savers = useMemo(() => saversOf(requestBlocks), [requestBlocks]);
  const requestBlock = useCallback(
    (id: string) => requestBlocks.find((b) => b.id === id),
    [requestBlocks],
  );

  const setVar = useCallback(
    (name: string, value: string) =>
      updateLessonState(slug, (s) => ({ ...s, vars: { ...s.vars, [name]: value } })),
    [slug],
  );

  const setProgress = useCallback(
    (key: string, value: 'done' | 'failed') =>
      updateLessonState(slug, (s) =>
        s.progress[key] === value ? s : { ...s, progress: { ...s.progress, [key]: value } },
      ),
    [slug],
  );

  const setDraft = useCallback(
    (key: string, text: string | undefined) =>
      updateLessonState(slug, (s) => {
        const drafts = { ...s.drafts };
        if (text === undefined) delete drafts[key];
        else drafts[key] = text;
        return { ...s, drafts };
      }),
    [slug],
  );

  const serverLog = useCallback(
    (requestId: string | undefined) =>
      requestId === undefined || !server
        ? undefined
        : server.admin.log().find((entry) => entry.id === requestId),
    [server],
  );

  const judge = useCallback(
    (exchange: RecordedExchange, expect: Partial<ResponseExpectation>) =>
      matchExpectation(exchange, expect, serverLog(exchange.requestId)),
    [serverLog],
  );

  const send = useCallback(
    async (
      key: string,
      request: HttpRequestTemplate | HttpRequestModel,
      options: SendOptions = {},
    ): Promise<SendOutcome> => {
      setPending((p) => ({ ...p, [key]: true }));
      try {
        const filled = await fillRequestVariables(toModel(request), getLessonState(slug).vars);
        if (filled.missing.length > 0) return { error: missingMessage(filled.missing, savers) };
        if (filled.errors.length > 0) return { error: filled.errors.join(' ') };
        // Pressed while the servers start (a first visit registers the service worker): hold the
        // request until they answer instead of letting it reach the real network.
        await serverReady();
        let exchange: RecordedExchange;
        try {
          exchange = await mutateAsync(filled.request);
        } catch (error) {
          if (error instanceof SendRequestError) return { error: error.message };
          return { error: error instanceof Error ? error.message : String(error) };
        }
        const saved: string[] = [];
        const newVars: Record<string, string> = {};
        if (exchange.status >= 200 && exchange.status < 300) {
          for (const rule of options.save ?? []) {
            const value = readJsonPath(exchange.json, rule.path);
            if (value !== undefined) {
              newVars[rule.variable] = value;
              saved.push(rule.variable);
            }
          }
        }
        const expectation = options.expect ? judge(exchange, options.expect) : undefined;
        const ok = expectation ? expectation.ok : exchange.status >= 200 && exchange.status < 300;
        updateLessonState(slug, (s) => ({
          ...s,
          vars: saved.length > 0 ? { ...s.vars, ...newVars } : s.vars,
          exchanges: { ...s.exchanges, [key]: exchange },
          lastExchange: { key, exchange },
          statuses: { ...s.statuses, [key]: exchange.status },
          // Once done, a step stays done: experimenting afterwards must not undo progress.
          progress:
            s.progress[key] === 'done'
              ? s.progress
              : { ...s.progress, [key]: ok ? 'done' : 'failed' },
        }));
        return {
          exchange,
          ...(expectation && { expectation }),
          ...(saved.length > 0 && { saved }),
        };
      } catch (error) {
        // Signing or filling failed (e.g. no WebCrypto): say so instead of throwing at a click.
        return { error: error instanceof Error ? error.message : String(error) };
      } finally {
        setPending((p) => {
          const { [key]: _, ...rest } = p;
          return rest;
        });
      }
    },
    [slug, mutateAsync, savers, serverReady, judge],
  );

  const reportLabOutcome = useCallback(
    (labId: string, outcome: string, result: LabOutcome) =>
      updateLessonState(slug, (s) => {
        const previous = s.labOutcomes[labId]?.[outcome];
        if (previous?.ok === result.ok && previous.detail === result.detail) return s;
        return {
          ...s,
          labOutcomes: {
            ...s.labOutcomes,
            [labId]: { ...s.labOutcomes[labId], [outcome]: result },
          },
        };
      }),
    [slug],
  );

  const reset = useCallback(() => resetLesson(slug), [slug]);

  const drafts = state.drafts;
  const requestText = useCallback(
    (id: string) => drafts[id] ?? requestBlock(id)?.request.source,
    [drafts, requestBlock],
  );

  const runtime = useMemo<LessonRuntime>(() => {
    const activeFlowStep = state.lastExchange
      ? flowStepOf(state.lastExchange.exchange.request.url)
      : undefined;
    return {
      slug,
      vars: state.vars,
      setVar,
      exchanges: state.exchanges,
      ...(state.lastExchange && { lastExchange: state.lastExchange }),
      send,
      pending,
      serverStarting: status.state === 'starting',
      progress: state.progress,
      setProgress,
      statuses: state.statuses,
      drafts: state.drafts,
      setDraft,
      ...(activeFlowStep && { activeFlowStep }),
      serverLog,
      judge,
      labOutcomes: state.labOutcomes,
      reportLabOutcome,
      reset,
      requestBlock,
      requestText,
    };
  }, [
    reportLabOutcome,
    slug,
    state,
    setVar,
    send,
    pending,
    status.state,
    setProgress,
    setDraft,
    serverLog,
    judge,
    reset,
    requestBlock,
    requestText,
  ]);

  return <LessonRuntimeContext.Provider value={runtime}>{children}</LessonRuntimeContext.Provider>;
}
