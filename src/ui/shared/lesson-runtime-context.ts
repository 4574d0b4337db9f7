/**
 * What a lesson's blocks and labs share, and how they reach it: the {@link LessonRuntime} a lesson
 * page provides (src/ui/lesson/lesson-runtime.tsx builds it over the lesson session). Here, below
 * every ui part, so blocks and labs read it without importing the lesson page that renders them.
 */
import { createContext, useContext } from 'react';
import type { HttpRequestModel } from '../../client/http-request.ts';
import type { RecordedExchange } from '../../client/send-request.ts';
import type { ExpectationResult } from '../../lessons/expectation.ts';
import type {
  FlowStep,
  HttpRequestTemplate,
  LabOutcome,
  RequestBlock,
  ResponseExpectation,
} from '../../lessons/lesson-types.ts';
import type { FilledRequest, SendOptions, SendOutcome } from '../../lessons/session.ts';
import type { LogEntry } from '../../protocol/index.ts';

export type { ExpectationResult, SendOptions, SendOutcome };

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
  /** The latest exchange the learner made (not an exercise's own check request). */
  lastLearnerExchange?: { key: string; exchange: RecordedExchange };
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

export const LessonRuntimeContext = createContext<LessonRuntime | undefined>(undefined);

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
