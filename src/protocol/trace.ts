/** One named check an endpoint ran, and whether it passed. */
export interface Step {
  name: string;
  ok: boolean;
  /** What the step found, when the name alone does not say (`secret 1 of 2`). Never a secret. */
  note?: string;
}

/**
 * A step without a note is the same value every time it is recorded: one frozen object per name
 * and outcome, made once, instead of one per request. The log keeps the last requests' steps, so
 * on a busy server these objects would otherwise survive into the old generation by the
 * thousand. Names are the code's own constants (never request data), so the maps stay small.
 */
const PASSED = new Map<string, Step>();
const FAILED = new Map<string, Step>();

function constantStep(cache: Map<string, Step>, name: string, ok: boolean): Step {
  let found = cache.get(name);
  if (found === undefined) {
    found = Object.freeze({ name, ok });
    cache.set(name, found);
  }
  return found;
}

/** What an endpoint did while answering one request: its steps and what the server knew. */
export class Trace {
  readonly steps: Step[] = [];
  /** Private detail of a failure, or a note on success ("what the server knew"). */
  detail: string | undefined;
  clientId: string | undefined;
  /** Redacted request body text, set by whoever read the body. */
  requestBody: string | undefined;
  /** Which credential authenticated the client (`secret 2 of 2`), never the credential itself. */
  credential: string | undefined;

  pass(name: string, note?: string): void {
    this.steps.push(
      note === undefined ? constantStep(PASSED, name, true) : { name, ok: true, note },
    );
  }
  fail(name: string): void {
    this.steps.push(constantStep(FAILED, name, false));
  }
}

/** Run a synchronous check, record it under `name`, rethrow its failure. */
export function check<T>(trace: Trace, name: string, run: () => T): T {
  try {
    const result = run();
    trace.pass(name);
    return result;
  } catch (error) {
    trace.fail(name);
    throw error;
  }
}

/** Run an asynchronous check, record it under `name`, rethrow its failure. */
export async function checkAsync<T>(trace: Trace, name: string, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    trace.pass(name);
    return result;
  } catch (error) {
    trace.fail(name);
    throw error;
  }
}

/** A named step of an endpoint's checklist, run in order over a shared context. */
export interface NamedStep<C> {
  readonly name: string;
  run(context: C): void | Promise<void>;
  /** Run (and record) the step only when this says so: a step that applies to some requests. */
  when?(context: C): boolean;
}

/**
 * Declare a step; the explicit name survives minification (function names do not). With `when`,
 * the step runs only for the requests it applies to (a DPoP proof's checks, say), and is not in
 * the log of the others.
 */
export function step<C>(
  name: string,
  run: (context: C) => void | Promise<void>,
  when?: (context: C) => boolean,
): NamedStep<C> {
  return when ? { name, run, when } : { name, run };
}

/** Run steps in order, recording each; the first failure stops the list and is rethrown. */
export async function runSteps<C>(
  steps: readonly NamedStep<C>[],
  context: C,
  trace: Trace,
): Promise<void> {
  for (const s of steps) {
    if (s.when && !s.when(context)) continue;
    try {
      const pending = s.run(context);
      if (pending !== undefined) await pending;
      trace.pass(s.name);
    } catch (error) {
      trace.fail(s.name);
      throw error;
    }
  }
}
