/**
 * A learner's session with one lesson, without React: fill a request's variables, send it to the
 * mock servers, record the answer, save variables from it, judge it against the step's
 * expectation and keep the progress. The lesson page (src/ui/lesson/lesson-runtime.tsx),
 * `npm run lessons:check` (src/lessons/check/live-check.ts) and the tests all go through this, so
 * a step means the same thing everywhere.
 *
 * Where the state lives and how requests travel are the caller's: a {@link LessonStateStore}
 * (the page persists it per lesson in localStorage; Node keeps it in memory) and
 * {@link LessonServers} (the page's fetch through the service worker; the core's `handle` in
 * Node).
 */

import { formatOffset } from '../client/describe-time.ts';
import {
  type AssertionShape,
  fillVariablesAsync,
  type HttpRequestModel,
  parseHttpRequest,
  presentedToken,
} from '../client/http-request.ts';
import { DPOP_HELPERS, type DpopHelper } from '../client/placeholders.ts';
import { getHeader, type RecordedExchange } from '../client/send-request.ts';
import { BROWSER_HOSTS } from '../protocol/data.ts';
import { type ExpectationResult, matchExpectation, type ServerSteps } from './expectation.ts';
import { lessonBlocks } from './lesson-steps.ts';
import type {
  CompiledLesson,
  LabOutcome,
  LessonBlock,
  RequestBlock,
  ResponseExpectation,
  SaveRule,
} from './lesson-types.ts';

/** The key under which an exercise records the request it sends to check itself. */
export function checkKey(exerciseId: string): string {
  return `${exerciseId}#check`;
}

/** Whether an exchange's key is an exercise's own check request. */
export function isCheckKey(key: string): boolean {
  return key.endsWith('#check');
}

/**
 * Per-lesson learner state. What a store persists is its choice: the page keeps the variables,
 * progress, last status per step and the learner's edited request texts, and holds the recorded
 * exchanges (which may carry tokens and can be large) in memory only.
 */
export interface LessonState {
  vars: Record<string, string>;
  progress: Record<string, 'done' | 'failed'>;
  /** Last HTTP status per step key, so a reload can still say "last answer: 401". */
  statuses: Record<string, number>;
  /** Edited `.http` texts per request block id; absent means "as the lesson wrote it". */
  drafts: Record<string, string>;
  /** The latest exchange per step key. */
  exchanges: Record<string, RecordedExchange>;
  /** What each lab block reported, per lab id and outcome name. */
  labOutcomes: Record<string, Record<string, LabOutcome>>;
  lastExchange?: { key: string; exchange: RecordedExchange };
  /**
   * The latest exchange the learner made: an exercise's own check requests ({@link checkKey})
   * leave it as it was, so a check is never read as a new situation to check again.
   */
  lastLearnerExchange?: { key: string; exchange: RecordedExchange };
  /** Where the lesson's last step (or its set-up) left the server, to tell when it moved since. */
  mark?: ServerMark;
  /**
   * The values each request block saved last, by block id, with when (`seq` grows with every
   * save): an inspector shows the latest its blocks above saved.
   */
  savedBy?: Record<string, { seq: number; values: Record<string, string> }>;
}

/**
 * What a lesson sets up and its steps move, as the server showed it at one moment: the clock
 * (frozen or running, and where) and the settings.
 */
export interface ServerMark {
  frozen: boolean;
  /** Server time, epoch seconds. */
  now: number;
  /** Seconds from real time. */
  offset: number;
  /** The settings, as JSON. */
  settings: string;
  /** The leeway the API allows, seconds (to tell when a saved token has run out). */
  leeway: number;
}

/** The issuer lesson requests are written for: the browser's mock authorization server. */
export const LESSON_ISSUER = BROWSER_HOSTS.issuer;

export function emptyLessonState(): LessonState {
  return { vars: {}, progress: {}, statuses: {}, drafts: {}, exchanges: {}, labOutcomes: {} };
}

/** Where a session's state lives. `update` replaces it immutably. */
export interface LessonStateStore {
  get(): LessonState;
  update(change: (state: LessonState) => LessonState): void;
}

/** A store in memory (Node, tests). */
export function memoryLessonStore(initial: LessonState = emptyLessonState()): LessonStateStore {
  let state = initial;
  return {
    get: () => state,
    update: (change) => {
      state = change(state);
    },
  };
}

/** What a DPoP proof names: the request, the token it goes with, the server's latest nonce. */
export interface DpopProofRequest {
  method: string;
  url: string;
  accessToken?: string;
  nonce?: string;
}

/** How a session reaches the mock servers. */
export interface LessonServers {
  /** Send a filled request; reject with the client's `SendRequestError` when nothing answers. */
  send(request: HttpRequestModel): Promise<RecordedExchange>;
  /**
   * Send one of the lesson's set-up requests (to the control API) the shortest way there is, for
   * its status only; `send` when absent. The page calls its server directly: a set-up is not a
   * step the learner watches, and the service worker's hop is most of its cost on a slow phone.
   */
  control?(request: HttpRequestModel): Promise<{ status: number }>;
  /** The servers' log entry for an answer, by its `x-request-id` (to judge `at <check>`). */
  serverLog?(requestId: string): ServerSteps | undefined;
  /**
   * Sign `{{$client_assertion client_id}}` (or `{{$assertion client_id audience typ}}`, with
   * `shape`) for a request to `url` (the page signs with the key pair it made for
   * `signing-client`); undefined for a client it holds no key for.
   */
  signAssertion?(
    clientId: string,
    url: string,
    shape?: AssertionShape,
  ): Promise<string | undefined>;
  /**
   * Sign a DPoP proof (RFC 9449) for `{{$dpop}}` (the learner's key, `mine`) or `{{$dpop_thief}}`
   * (another key pair, `thief`); undefined where proofs cannot be made.
   */
  signDpopProof?(key: 'mine' | 'thief', input: DpopProofRequest): Promise<string | undefined>;
  /**
   * The origins a request may go to once its variables are filled (the mock hosts, and the app's
   * own origin in the page). A lesson's URL is checked when it compiles, but a variable can hold
   * anything: the filled URL is checked again here, just before sending. Omit to allow any.
   */
  allowedOrigins?: readonly string[];
  /**
   * The server's clock and settings now, read directly (no request): for {@link ServerMark}s.
   * Undefined while they cannot be read (the servers are still starting).
   */
  mark?(): ServerMark | undefined;
}

export interface SendOptions {
  save?: readonly SaveRule[];
  expect?: Partial<ResponseExpectation>;
}

export type SendOutcome =
  | {
      exchange: RecordedExchange;
      /** How the answer met `expect`, when the step has one. */
      expectation?: ExpectationResult;
      /** Variables the `save` rules set from this answer, e.g. `['access_token']`. */
      saved?: string[];
      /** `save` rules whose path a 2xx answer did not have. */
      unsaved?: SaveRule[];
      /**
       * What had moved on the server since the lesson's previous step, when something had
       * (see {@link LessonSession.drift}): the answer may differ from the lesson's.
       */
      drift?: string[];
    }
  | {
      /** Why nothing was sent, for the learner. */
      error: string;
      /** Variables the request uses that have no value (when that is why). */
      missing?: string[];
      /** The origin a filled URL would have reached outside the mock servers (when that is why). */
      refusedOrigin?: string;
    };

export interface FilledRequest {
  request: HttpRequestModel;
  /** Variables with no value, each once. */
  missing: string[];
  /** Built-in helpers called the wrong way. */
  errors: string[];
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

const isSuccess = (status: number) => status >= 200 && status < 300;

export class LessonSession {
  readonly blocks: readonly LessonBlock[];
  readonly requestBlocks: readonly RequestBlock[];
  /** Which request block saves a variable first (its title), for "send X first" messages. */
  readonly #savers = new Map<string, string>();

  constructor(
    readonly lesson: CompiledLesson | undefined,
    readonly store: LessonStateStore,
    readonly servers: LessonServers,
  ) {
    this.blocks = lesson ? lessonBlocks(lesson.body) : [];
    this.requestBlocks = this.blocks.filter((b): b is RequestBlock => b.kind === 'request');
    for (const block of this.requestBlocks) {
      for (const rule of block.save) {
        if (!this.#savers.has(rule.variable)) {
          this.#savers.set(rule.variable, block.title ?? block.id);
        }
      }
    }
  }

  get state(): LessonState {
    return this.store.get();
  }

  requestBlock(id: string): RequestBlock | undefined {
    return this.requestBlocks.find((block) => block.id === id);
  }

  /** Does an answer meet an expectation? The one rule, with the servers' log for the answer. */
  judge(exchange: RecordedExchange, expect: Partial<ResponseExpectation>): ExpectationResult {
    const log =
      exchange.requestId === undefined ? undefined : this.servers.serverLog?.(exchange.requestId);
    return matchExpectation(exchange, expect, log);
  }

  /**
   * Fill a request's variables with the session's values (what Send, "Copy as curl" and the curl
   * block use). Parts are filled one by one, never re-parsed, so a value may hold any character;
   * one assertion is signed per client and request.
   */
  async fill(request: HttpRequestModel): Promise<FilledRequest> {
    const vars = this.state.vars;
    const missing: string[] = [];
    const errors: string[] = [];
    const urlForSigning = (await fillVariablesAsync(request.url, vars)).text;
    const signed = new Map<string, Promise<string | undefined>>();
    const sign = this.servers.signAssertion;
    const signAssertion = sign
      ? (clientId: string, shape?: AssertionShape) => {
          const key = shape ? `${clientId} ${shape.audience} ${shape.typ}` : clientId;
          let pending = signed.get(key);
          if (!pending) {
            pending = sign(clientId, urlForSigning, shape);
            signed.set(key, pending);
          }
          return pending;
        }
      : undefined;
    // A DPoP proof names the request: its method, its filled URL, the token of its filled
    // Authorization header, and the nonce its server last handed out (one proof per key).
    const signProof = this.servers.signDpopProof;
    const proofs = new Map<DpopHelper, Promise<string | undefined>>();
    let signDpop: ((helper: DpopHelper) => Promise<string | undefined>) | undefined;
    if (signProof) {
      const authorization = request.headers.find(([n]) => n.toLowerCase() === 'authorization');
      const accessToken =
        authorization === undefined
          ? undefined
          : presentedToken((await fillVariablesAsync(authorization[1], vars)).text);
      const nonce = this.#dpopNonces.get(originOf(urlForSigning));
      signDpop = (helper) => {
        let pending = proofs.get(helper);
        if (!pending) {
          pending = signProof.call(this.servers, DPOP_HELPERS[helper], {
            method: request.method,
            url: urlForSigning,
            ...(accessToken !== undefined && { accessToken }),
            ...(nonce !== undefined && { nonce }),
          });
          proofs.set(helper, pending);
        }
        return pending;
      };
    }
    const fill = async (text: string) => {
      const result = await fillVariablesAsync(text, vars, {
        ...(signAssertion && { signAssertion }),
        ...(signDpop && { signDpop }),
      });
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

  /**
   * Fill, send, record under `key`, save variables from a 2xx answer, judge it against `expect`
   * and mark progress: done when the expectation is met (without one, on a 2xx), and once done a
   * step stays done, so experimenting afterwards never undoes it. Never throws for HTTP errors or
   * a request that cannot be sent: the outcome says why.
   */
  async send(
    key: string,
    request: HttpRequestModel,
    options: SendOptions = {},
  ): Promise<SendOutcome> {
    // A step pressed while the lesson sets itself up goes out after it, never in between.
    await this.#settingUp;
    return this.#send(key, request, options);
  }

  async #send(key: string, request: HttpRequestModel, options: SendOptions): Promise<SendOutcome> {
    let filled: FilledRequest;
    try {
      filled = await this.fill(request);
    } catch (error) {
      // Signing failed (no WebCrypto, a damaged key): say so instead of throwing at a click.
      return { error: `The request could not be prepared: ${messageOf(error)}` };
    }
    if (filled.missing.length > 0) {
      return { error: this.#missingMessage(filled.missing), missing: filled.missing };
    }
    if (filled.errors.length > 0) return { error: filled.errors.join(' ') };
    const refused = this.#refusedOrigin(filled.request.url);
    if (refused !== undefined) return refused;
    // Moved since the last step? Then this answer is not the lesson's, and where the server now
    // stands must not become the lesson's mark: the drift stays visible until set up again.
    const drift = this.drift();

    let exchange: RecordedExchange;
    try {
      exchange = await this.servers.send(filled.request);
    } catch (error) {
      return { error: messageOf(error) };
    }
    // RFC 9449 §8.2: a server's latest DPoP-Nonce goes in the next proof to it.
    const nonce = getHeader(exchange.headers, 'dpop-nonce');
    if (nonce !== undefined) this.#dpopNonces.set(originOf(filled.request.url), nonce);

    const saved: string[] = [];
    const unsaved: SaveRule[] = [];
    const newVars: Record<string, string> = {};
    if (isSuccess(exchange.status)) {
      for (const rule of options.save ?? []) {
        const value = readJsonPath(exchange.json, rule.path);
        if (value === undefined) unsaved.push(rule);
        else {
          newVars[rule.variable] = value;
          saved.push(rule.variable);
        }
      }
    }
    const expectation = options.expect ? this.judge(exchange, options.expect) : undefined;
    const ok = expectation ? expectation.ok : isSuccess(exchange.status);
    const mark = drift.length === 0 ? this.servers.mark?.() : undefined;
    this.store.update((s) => ({
      ...s,
      ...(mark && { mark }),
      vars: saved.length > 0 ? { ...s.vars, ...newVars } : s.vars,
      ...(saved.length > 0 && {
        savedBy: {
          ...s.savedBy,
          [key]: {
            seq: Math.max(0, ...Object.values(s.savedBy ?? {}).map((v) => v.seq)) + 1,
            values: newVars,
          },
        },
      }),
      exchanges: { ...s.exchanges, [key]: exchange },
      lastExchange: { key, exchange },
      ...(!isCheckKey(key) && { lastLearnerExchange: { key, exchange } }),
      statuses: { ...s.statuses, [key]: exchange.status },
      progress:
        s.progress[key] === 'done' ? s.progress : { ...s.progress, [key]: ok ? 'done' : 'failed' },
    }));
    return {
      exchange,
      ...(expectation && { expectation }),
      ...(saved.length > 0 && { saved }),
      ...(unsaved.length > 0 && { unsaved }),
      ...(drift.length > 0 && { drift }),
    };
  }

  /** Send a request block as the learner has it now (their edit, else the lesson's text). */
  sendBlock(block: RequestBlock, request: HttpRequestModel = block.request): Promise<SendOutcome> {
    return this.send(block.id, request, {
      save: block.save,
      ...(block.expect && { expect: block.expect }),
    });
  }

  #settingUp: Promise<unknown> = Promise.resolve();
  /** The last DPoP-Nonce each server origin handed out (memory only, as a client keeps it). */
  readonly #dpopNonces = new Map<string, string>();

  /**
   * Put the server in the state the lesson starts from (its front-matter `server:`): the clock
   * back on real time, and frozen there if the lesson travels in time; the default settings with
   * the lesson's overrides; the seeded clients as seeded; empty rate-limit windows; no injected
   * faults (a lesson left with its token endpoint failing must not break the next one). The
   * learner's own clients, tokens and log stay. Made of `/__admin` requests, so it works against
   * any runtime (`control` sends them, `send` when absent). Called when a fresh lesson opens,
   * before the servers may be up: steps sent meanwhile wait for it (`send`).
   */
  setUp(): Promise<{ error?: string }> {
    const run = this.#setUp();
    this.#settingUp = run;
    return run;
  }

  async #setUp(): Promise<{ error?: string }> {
    const setup = this.lesson?.server ?? { clock: 'real' as const };
    const admin = (method: string, path: string, body: unknown): HttpRequestModel => ({
      method,
      url: `${LESSON_ISSUER}/__admin${path}`,
      headers: [['Content-Type', 'application/json']],
      body: JSON.stringify(body),
    });
    const calls = [
      admin('POST', '/reset', {
        only: ['clock', 'settings', 'clients', 'rate_limits', 'faults'],
      }),
      ...(setup.clock === 'frozen' ? [admin('POST', '/clock', { freeze: true })] : []),
      ...(setup.settings && Object.keys(setup.settings).length > 0
        ? [admin('PUT', '/settings', setup.settings)]
        : []),
    ];
    for (const call of calls) {
      try {
        const exchange = await (this.servers.control
          ? this.servers.control(call)
          : this.servers.send(call));
        if (!isSuccess(exchange.status)) {
          return {
            error: `Setting the lesson up failed: ${call.method} ${call.url} answered ${exchange.status}.`,
          };
        }
      } catch (error) {
        return { error: `Setting the lesson up failed: ${messageOf(error)}` };
      }
    }
    const mark = this.servers.mark?.();
    if (mark) this.store.update((s) => ({ ...s, mark }));
    return {};
  }

  /**
   * Set the lesson up again and send again, in reading order, every step the learner has done
   * (request blocks as the learner has them now, and negative cases), stopping before the step
   * `until` (a request block id) when given. The server and the saved variables then stand where
   * those steps left them. `onStep` is told each step as it goes.
   */
  async replay(
    until?: string,
    onStep?: (done: number, total: number) => void,
  ): Promise<{ error?: string; replayed: number }> {
    const done = this.state.progress;
    const steps: { key: string; request: HttpRequestModel; options: SendOptions }[] = [];
    for (const block of this.blocks) {
      if (block.kind === 'request') {
        if (block.id === until) break;
        if (done[block.id] !== 'done') continue;
        const draft = this.state.drafts[block.id];
        const parsed = draft === undefined ? undefined : parseHttpRequest(draft);
        steps.push({
          key: block.id,
          request: parsed?.ok ? parsed.request : block.request,
          options: { save: block.save, ...(block.expect && { expect: block.expect }) },
        });
      } else if (block.kind === 'negatives') {
        const base = block.id ?? `negatives-${block.source.line}`;
        block.cases.forEach((negative, index) => {
          const key = `${base}#${index}`;
          if (done[key] === 'done') {
            steps.push({ key, request: negative.request, options: { expect: negative.expect } });
          }
        });
      }
    }
    const setUp = await this.setUp();
    if (setUp.error) return { error: setUp.error, replayed: 0 };
    let replayed = 0;
    for (const step of steps) {
      onStep?.(replayed, steps.length);
      const outcome = await this.#send(step.key, step.request, step.options);
      if ('error' in outcome) return { error: outcome.error, replayed };
      replayed++;
    }
    onStep?.(replayed, steps.length);
    return { replayed };
  }

  /**
   * Why the server is not where the lesson's last step left it, in plain words (empty when it
   * is): the clock moved, stopped or started; the settings changed; a token the lesson saved ran
   * out while the learner was away.
   */
  drift(): string[] {
    const then = this.state.mark;
    const now = this.servers.mark?.();
    if (!then || !now) return [];
    const reasons: string[] = [];
    if (then.frozen !== now.frozen) {
      reasons.push(
        now.frozen
          ? 'the server clock was frozen'
          : 'the server clock, frozen for this lesson, runs again',
      );
    } else if (
      now.frozen ? Math.abs(now.now - then.now) > 1 : Math.abs(now.offset - then.offset) > 2
    ) {
      const moved = now.frozen ? now.now - then.now : now.offset - then.offset;
      reasons.push(`the server clock was moved ${formatOffset(moved)}`);
    }
    if (now.settings !== then.settings) reasons.push("the server's settings were changed");
    if (reasons.length === 0 && !now.frozen) {
      for (const [name, value] of Object.entries(this.state.vars)) {
        const exp = jwtExp(value);
        if (exp === undefined) continue;
        if (exp + then.leeway > then.now && exp + now.leeway <= now.now) {
          reasons.push(
            `the token in {{${name}}} expired ${formatOffset(now.now - exp).replace(/^\+/, '')} ago on the server clock`,
          );
        }
      }
    }
    return reasons;
  }

  /** The latest value of `variable` that one of `blocks` saved (an inspector's token). */
  savedValue(variable: string, blocks: readonly string[]): string | undefined {
    let latest: { seq: number; value: string } | undefined;
    for (const id of blocks) {
      const saved = this.state.savedBy?.[id];
      const value = saved?.values[variable];
      if (saved && value !== undefined && (!latest || saved.seq > latest.seq)) {
        latest = { seq: saved.seq, value };
      }
    }
    return latest?.value;
  }

  setVar(name: string, value: string): void {
    this.store.update((s) => ({ ...s, vars: { ...s.vars, [name]: value } }));
  }

  setProgress(key: string, value: 'done' | 'failed'): void {
    this.store.update((s) =>
      s.progress[key] === value ? s : { ...s, progress: { ...s.progress, [key]: value } },
    );
  }

  setDraft(key: string, text: string | undefined): void {
    this.store.update((s) => {
      const drafts = { ...s.drafts };
      if (text === undefined) delete drafts[key];
      else drafts[key] = text;
      return { ...s, drafts };
    });
  }

  reportLabOutcome(labId: string, outcome: string, result: LabOutcome): void {
    this.store.update((s) => {
      const previous = s.labOutcomes[labId]?.[outcome];
      if (previous?.ok === result.ok && previous.detail === result.detail) return s;
      return {
        ...s,
        labOutcomes: { ...s.labOutcomes, [labId]: { ...s.labOutcomes[labId], [outcome]: result } },
      };
    });
  }

  #missingMessage(missing: string[]): string {
    const names = missing.map((m) => `{{${m}}}`).join(', ');
    const hints = missing
      .map((m) => this.#savers.get(m))
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

  #refusedOrigin(url: string): SendOutcome | undefined {
    const allowed = this.servers.allowedOrigins;
    if (!allowed) return undefined;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return { error: `Not sent: “${url.slice(0, 200)}” is not a URL.` };
    }
    if (allowed.includes(origin)) return undefined;
    return {
      error: `Not sent: once its variables were filled, this request would go to ${origin}, which is not one of the playground's mock servers (${allowed.join(', ')}). A lesson's requests only ever reach those.`,
      refusedOrigin: origin,
    };
  }
}

/** The origin of a URL, or the text itself when it is none (a nonce is then never found). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The `exp` claim of a JWT, without checking anything else; undefined for anything else. */
function jwtExp(value: string): number | undefined {
  const payload = value.split('.');
  if (payload.length !== 3 || payload[1] === undefined) return undefined;
  try {
    const text = atob(payload[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(text);
    const exp =
      typeof claims === 'object' && claims !== null ? (claims as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
