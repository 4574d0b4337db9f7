/**
 * The assertions a lesson's tests use (`expect(value, 'what it is').toBe(...)`), shaped like
 * Vitest's so the tests read as real tests do, with failures said in plain words: "token
 * requests: expected 1, got 2". A failed assertion carries what was expected and what came, so
 * the page can show both.
 */

/** A failed expectation: what was wanted and what came, each as the learner reads it. */
export class AssertionFailed extends Error {
  override name = 'AssertionFailed';
  constructor(
    message: string,
    readonly expected: string,
    readonly got: string,
    /** What the value is, as the test named it (`expect(n, 'token requests')`). */
    readonly label?: string,
  ) {
    super(message);
  }
}

const MAX = 120;

function clip(text: string): string {
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}

/** A value as a test failure shows it: `"a string"`, `401`, `{"error":"invalid_scope"}`. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return clip(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return String(value);
  if (value instanceof Error) return `an error: ${clip(JSON.stringify(value.message))}`;
  if (typeof Response !== 'undefined' && value instanceof Response) {
    return `a Response with status ${value.status}`;
  }
  if (typeof (value as { then?: unknown }).then === 'function') {
    return 'a Promise (was an await left out?)';
  }
  if (value instanceof RegExp) return String(value);
  try {
    return clip(JSON.stringify(value) ?? String(value));
  } catch {
    return clip(String(value));
  }
}

/** Deep equality of JSON-like values (arrays, plain objects, primitives by Object.is). */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => equal(item, b[index]));
  }
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) =>
      equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}

type Check = { pass: boolean; expected: string; got?: string };

function matches(value: unknown, pattern: string | RegExp): boolean {
  const text = value instanceof Error ? value.message : String(value);
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

function describePattern(pattern: string | RegExp | undefined): string {
  if (pattern === undefined) return 'an error';
  return typeof pattern === 'string'
    ? `an error whose message contains ${show(pattern)}`
    : `an error whose message matches ${pattern}`;
}

/** The matchers, each said as a sentence: the `not` form reads "anything but ...". */
function matchers(actual: unknown) {
  const num = (n: unknown) => typeof n === 'number' || typeof n === 'bigint';
  return {
    toBe: (expected: unknown): Check => ({
      pass: Object.is(actual, expected),
      expected: show(expected),
    }),
    toEqual: (expected: unknown): Check => ({
      pass: equal(actual, expected),
      expected: show(expected),
    }),
    toBeGreaterThan: (n: number): Check => ({
      pass: num(actual) && (actual as number) > n,
      expected: `more than ${n}`,
    }),
    toBeGreaterThanOrEqual: (n: number): Check => ({
      pass: num(actual) && (actual as number) >= n,
      expected: `${n} or more`,
    }),
    toBeLessThan: (n: number): Check => ({
      pass: num(actual) && (actual as number) < n,
      expected: `less than ${n}`,
    }),
    toBeLessThanOrEqual: (n: number): Check => ({
      pass: num(actual) && (actual as number) <= n,
      expected: `${n} or less`,
    }),
    toMatch: (pattern: string | RegExp): Check => ({
      pass: typeof actual === 'string' && matches(actual, pattern),
      expected:
        typeof pattern === 'string'
          ? `text containing ${show(pattern)}`
          : `text matching ${pattern}`,
    }),
    toContain: (item: unknown): Check => ({
      pass:
        typeof actual === 'string'
          ? typeof item === 'string' && actual.includes(item)
          : Array.isArray(actual) && actual.some((x) => equal(x, item)),
      expected: `${typeof actual === 'string' ? 'text' : 'a list'} containing ${show(item)}`,
    }),
    toHaveLength: (length: number): Check => {
      const has = (actual as { length?: unknown } | null | undefined)?.length;
      return {
        pass: has === length,
        expected: `a length of ${length}`,
        got: typeof has === 'number' ? `a length of ${has} (${show(actual)})` : show(actual),
      };
    },
    toBeDefined: (): Check => ({ pass: actual !== undefined, expected: 'a value (not undefined)' }),
    toBeUndefined: (): Check => ({ pass: actual === undefined, expected: 'undefined' }),
    toBeNull: (): Check => ({ pass: actual === null, expected: 'null' }),
    toBeTruthy: (): Check => ({ pass: Boolean(actual), expected: 'a truthy value' }),
    toBeFalsy: (): Check => ({ pass: !actual, expected: 'a falsy value' }),
    toThrow: (pattern?: string | RegExp): Check => {
      if (typeof actual !== 'function') {
        return {
          pass: false,
          expected: describePattern(pattern),
          got: `${show(actual)}, not a function to call`,
        };
      }
      try {
        actual();
      } catch (error) {
        return {
          pass: pattern === undefined || matches(error, pattern),
          expected: describePattern(pattern),
          got: `it threw ${show(error)}`,
        };
      }
      return {
        pass: false,
        expected: describePattern(pattern),
        got: 'a normal return, no error',
      };
    },
  };
}

type Matchers = ReturnType<typeof matchers>;
type Assertions = { [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => void };
type AsyncAssertions = {
  [K in keyof Matchers]: (...args: Parameters<Matchers[K]>) => Promise<void>;
};

export interface Expectation extends Assertions {
  not: Assertions;
  /** The promise must reject: `await expect(promise).rejects.toThrow(/issuer/)`. */
  rejects: AsyncAssertions & { not: AsyncAssertions };
  /** The promise must resolve: `await expect(promise).resolves.toBe(200)`. */
  resolves: AsyncAssertions & { not: AsyncAssertions };
}

function assertions(actual: () => unknown, label: string | undefined, negate: boolean): Assertions {
  const out: Record<string, (...args: unknown[]) => void> = {};
  for (const name of Object.keys(matchers(undefined)) as (keyof Matchers)[]) {
    out[name] = (...args: unknown[]) => {
      const value = actual();
      const result = (matchers(value)[name] as (...a: unknown[]) => Check)(...args);
      if (result.pass === !negate) return;
      const expected = negate ? `anything but ${result.expected}` : result.expected;
      const got = result.got ?? show(value);
      const prefix = label ? `${label}: ` : '';
      throw new AssertionFailed(`${prefix}expected ${expected}, got ${got}`, expected, got, label);
    };
  }
  return out as Assertions;
}

async function settle(
  promise: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function asyncAssertions(
  promise: unknown,
  label: string | undefined,
  want: 'rejects' | 'resolves',
  negate: boolean,
): AsyncAssertions {
  const out: Record<string, (...args: unknown[]) => Promise<void>> = {};
  const prefix = label ? `${label}: ` : '';
  for (const name of Object.keys(matchers(undefined)) as (keyof Matchers)[]) {
    out[name] = async (...args: unknown[]) => {
      const outcome = await settle(promise);
      if (want === 'rejects' && outcome.ok) {
        const expected =
          name === 'toThrow' ? describePattern(args[0] as string | RegExp) : 'a rejection';
        const got = `it resolved with ${show(outcome.value)}`;
        throw new AssertionFailed(`${prefix}expected ${expected}, got ${got}`, expected, got);
      }
      if (want === 'resolves' && !outcome.ok) {
        const got = `it rejected with ${show(outcome.error)}`;
        throw new AssertionFailed(`${prefix}expected a value, got ${got}`, 'a value', got);
      }
      const value = outcome.ok ? outcome.value : outcome.error;
      // `rejects.toThrow(x)` judges the rejection itself, as if it had been thrown.
      const subject =
        want === 'rejects' && name === 'toThrow'
          ? () => {
              throw value;
            }
          : value;
      assertions(() => subject, label, negate)[name](...(args as [never]));
    };
  }
  return out as AsyncAssertions;
}

/**
 * `expect(value, label?)`: the label names the value in a failure ("token requests: expected 1,
 * got 2"), so a test says what it measured.
 */
export function expect(actual: unknown, label?: string): Expectation {
  return {
    ...assertions(() => actual, label, false),
    not: assertions(() => actual, label, true),
    rejects: {
      ...asyncAssertions(actual, label, 'rejects', false),
      not: asyncAssertions(actual, label, 'rejects', true),
    },
    resolves: {
      ...asyncAssertions(actual, label, 'resolves', false),
      not: asyncAssertions(actual, label, 'resolves', true),
    },
  };
}
