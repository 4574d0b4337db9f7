/**
 * The block registry: every interactive block a lesson may use, its options and its body parser.
 * Block names here are the names the UI registry (`src/ui/...`) maps to components.
 *
 * Build-time only (imports `yaml` and `zod`); the page imports `lesson-types.ts` instead.
 */
import { z } from 'zod';
import { VARIABLE_NAME } from '../client/placeholders.ts';
import { RFC_ERROR_CODES } from '../protocol/data.ts';
import { LAB_NAMES, LABS, type LabSpec } from './labs/index.ts';
import type {
  ClientAuthMethod,
  CodeExerciseBlock,
  CodeLanguage,
  ExerciseBlock,
  ExerciseSolution,
  ExpectedErrorCode,
  FlowStep,
  HttpRequestTemplate,
  LabBlock,
  LabName,
  LessonBlock,
  LessonBlockKind,
  NegativeCase,
  ResponseExpectation,
  SaveRule,
} from './lesson-types.ts';

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export type OptionResult<T> = { value: T } | { error: string };

export interface OptionSpec<T = unknown> {
  /** One line for the authoring reference. */
  description: string;
  /** What to write, e.g. `<id>`, `200 | 401 invalid_client`, flag. */
  syntax: string;
  required?: boolean;
  /** The value used when the option is absent (before parsing), for docs and defaults. */
  default?: string | true;
  parse(raw: string | true): OptionResult<T>;
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const idOption = (description: string, required: boolean): OptionSpec<string> => ({
  description,
  syntax: '<kebab-case id>',
  required,
  parse: (raw) =>
    raw === true || !ID.test(raw)
      ? { error: `expected a kebab-case id such as "get-token"; got ${show(raw)}.` }
      : { value: raw },
});

const textOption = (description: string): OptionSpec<string> => ({
  description,
  syntax: '"<text>"',
  parse: (raw) =>
    raw === true || raw.trim() === ''
      ? { error: 'expected some text, e.g. title="Get a token".' }
      : { value: raw },
});

const flagOption = (description: string): OptionSpec<boolean> => ({
  description,
  syntax: 'flag (or =true / =false)',
  default: 'false',
  parse: (raw) =>
    raw === true || raw === 'true'
      ? { value: true }
      : raw === 'false'
        ? { value: false }
        : { error: `expected a bare flag, true or false; got ${show(raw)}.` },
});

function enumOption<T extends string>(
  description: string,
  values: readonly T[],
  defaultValue?: T,
): OptionSpec<T> {
  return {
    description,
    syntax: values.join(' | '),
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    parse: (raw) =>
      raw !== true && (values as readonly string[]).includes(raw)
        ? { value: raw as T }
        : { error: `expected one of ${values.join(', ')}; got ${show(raw)}.` },
  };
}

function show(raw: string | true): string {
  return raw === true ? 'no value' : `"${raw}"`;
}

/** The error codes a lesson may expect: the RFC codes the server can answer. */
export const EXPECTED_ERROR_CODES: readonly ExpectedErrorCode[] = RFC_ERROR_CODES;

/** A server step's name as its log shows it: `checkNotRevoked`, `checkClientSecret`. */
const CHECK_NAME = /^[a-z][A-Za-z]*$/;

const EXPECTATION_SYNTAX =
  'expected "<status>", "<status> <error>" or "<status> <error> at <check>", e.g. "200", "401 invalid_client" or "401 invalid_token at checkNotRevoked"';

/** `200`, `401 invalid_client`, `401 invalid_token at checkNotRevoked`. */
export function parseExpectation(text: string): OptionResult<ResponseExpectation> {
  const match = /^\s*(\d{3})(?:\s+(?!at\s)(\S+))?(?:\s+at\s+(\S+))?\s*$/.exec(text);
  const status = Number(match?.[1]);
  if (!match || status < 100 || status > 599) {
    return { error: `${EXPECTATION_SYNTAX}; got "${text}".` };
  }
  const [, , error, check] = match;
  const value: ResponseExpectation = { status };
  if (error !== undefined) {
    if (!(EXPECTED_ERROR_CODES as readonly string[]).includes(error)) {
      return {
        error: `unknown error code "${error}". Use one of ${EXPECTED_ERROR_CODES.join(', ')}.`,
      };
    }
    value.error = error as ExpectedErrorCode;
  }
  if (check !== undefined) {
    if (!CHECK_NAME.test(check)) {
      return {
        error: `"${check}" is not a check name: name a step as the server's log shows it, e.g. checkNotRevoked.`,
      };
    }
    value.check = check;
  }
  return { value };
}

/** `access_token` or `"token=access_token expiry=expires_in id=data.0.id"`. */
export function parseSave(text: string): OptionResult<SaveRule[]> {
  const rules: SaveRule[] = [];
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const [variable = '', path = variable, ...rest] = item.split('=');
    const segments = path.split('.');
    if (
      rest.length > 0 ||
      !VARIABLE_NAME.test(variable) ||
      segments.some((segment) => !/^[A-Za-z0-9_-]+$/.test(segment))
    ) {
      return {
        error: `expected "name" or "name=json.path" (e.g. save=access_token or save="order_id=id"); got "${item}".`,
      };
    }
    if (rules.some((rule) => rule.variable === variable)) {
      return { error: `saves "${variable}" twice.` };
    }
    rules.push({ variable, path: segments });
  }
  if (rules.length === 0)
    return { error: 'expected at least one variable, e.g. save=access_token.' };
  return { value: rules };
}

const expectOption: OptionSpec<ResponseExpectation> = {
  description:
    'the outcome that marks the step done: status, and optionally the error code and the server check that refuses',
  syntax: '200 | "401 invalid_client" | "401 invalid_token at checkNotRevoked"',
  parse: (raw) => (raw === true ? parseExpectation('') : parseExpectation(raw)),
};

const saveOption: OptionSpec<SaveRule[]> = {
  description: 'variables to capture from the JSON response body (only on a 2xx response)',
  syntax: 'access_token | "name=json.path other=path"',
  parse: (raw) => (raw === true ? parseSave('') : parseSave(raw)),
};

export const FLOW_STEPS: readonly FlowStep[] = ['token', 'api', 'introspect', 'revoke', 'workload'];

const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
];

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/** A point inside a block's body: 0-based line and column relative to the first body line. */
export interface BodyPoint {
  line: number;
  column: number;
}

/** A variable read, at its absolute position in the file. */
export interface VariableUse {
  name: string;
  line: number;
  column: number;
}

/** What the compiler hands a block parser. */
export interface BlockContext {
  /** The block's options, parsed, with defaults applied. */
  options: Record<string, unknown>;
  /** The option keys the lesson wrote (as opposed to defaults). */
  given: ReadonlySet<string>;
  body: string;
  error(message: string, at?: BodyPoint): void;
  /** Parse `.http` text found at `at` in the body; reports its problems and its variable uses. */
  parseHttp(
    text: string,
    at: (line: number, column: number) => BodyPoint,
  ): HttpRequestTemplate | undefined;
  /** Record a variable read at `at` (for the "used before set" analysis). */
  use(name: string, at?: BodyPoint): void;
  /** Parse YAML; reports syntax errors and schema issues at their place; undefined on failure. */
  parseYaml<T>(
    schema: z.ZodType<T>,
    what: string,
  ): { value: T; nodeAt(path: (string | number)[]): BodyPoint } | undefined;
  source: { file: string; line: number };
}

export interface BlockSpec<K extends LessonBlockKind = LessonBlockKind> {
  summary: string;
  options: Record<string, OptionSpec>;
  body: 'none' | 'optional' | 'required';
  /** Build the block; report problems through the context and return undefined if unusable. */
  parse(context: BlockContext): Extract<LessonBlock, { kind: K }> | undefined;
  /** Ids of blocks this block refers to (checked by the compiler). */
  references?(block: Extract<LessonBlock, { kind: K }>): { id: string; kinds: LessonBlockKind[] }[];
  /** Variables this block makes available to later blocks. */
  saves?(block: Extract<LessonBlock, { kind: K }>): string[];
}

// ---------------------------------------------------------------------------------------------
// Schemas for YAML bodies
// ---------------------------------------------------------------------------------------------

const errorCodeSchema = z.enum(
  EXPECTED_ERROR_CODES as [ExpectedErrorCode, ...ExpectedErrorCode[]],
  {
    error: (issue) =>
      `unknown error code ${JSON.stringify(issue.input)}; use one of ${EXPECTED_ERROR_CODES.join(', ')}`,
  },
);

const checkNameSchema = z
  .string()
  .regex(CHECK_NAME, 'expected a server step as its log names it, e.g. checkNotRevoked');

/**
 * `expect:` in YAML: `401 invalid_client`, `200`, `401 invalid_token at checkNotRevoked`, or
 * `{ status, error?, www_authenticate?, check?, description? }`.
 */
const expectationObject = z.strictObject({
  status: z.int().min(100).max(599),
  error: errorCodeSchema.optional(),
  www_authenticate: z.string().min(1).optional(),
  check: checkNameSchema.optional(),
  description: z.string().min(1).optional(),
});

const expectationSchema = z.unknown().transform((input, ctx): ResponseExpectation => {
  if (typeof input === 'string' || typeof input === 'number') {
    const result = parseExpectation(String(input));
    if ('value' in result) return result.value;
    ctx.addIssue({ code: 'custom', message: result.error.replace(/\.$/, '') });
    return z.NEVER;
  }
  const result = expectationObject.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue(issue as never);
  return z.NEVER;
});

const negativesSchema = z
  .array(
    z.strictObject({
      name: z.string().min(1),
      why: z.string().min(1).optional(),
      request: z.string().min(1),
      expect: expectationSchema,
    }),
  )
  .min(1, 'expected at least one case');

const claimValue = z.union([z.string(), z.number(), z.boolean()]);

/**
 * A worked solution the page offers after two tries that did not pass: what to do, in words, and
 * the requests to send (a block id, with the edited text when the learner must edit it).
 */
const solutionSchema = z.strictObject({
  explain: z.string().min(1),
  steps: z
    .array(
      z.strictObject({
        request: z.string().regex(ID, 'expected the id of a request block'),
        text: z.string().min(1).optional(),
      }),
    )
    .default([]),
});

const exerciseSchema = z.strictObject({
  goal: z.string().min(1),
  hint: z.string().min(1).optional(),
  solution: solutionSchema.optional(),
  check: z
    .strictObject({
      response: z
        .strictObject({
          request: z.string().regex(ID, 'expected the id of a request block').optional(),
          run: z.string().min(1).optional(),
          status: z.int().min(100).max(599).optional(),
          error: errorCodeSchema.optional(),
          www_authenticate: z.string().min(1).optional(),
          check: checkNameSchema.optional(),
          description: z.string().min(1).optional(),
        })
        .refine((r) => !(r.request && r.run), 'give either "request" or "run", not both')
        .refine(
          (r) =>
            r.status !== undefined ||
            r.error !== undefined ||
            r.www_authenticate !== undefined ||
            r.check !== undefined ||
            r.description !== undefined,
          'say what the response must show: status, error, www_authenticate, check or description',
        )
        .optional(),
      token: z
        .strictObject({
          variable: z
            .string()
            .regex(VARIABLE_NAME, 'expected a variable name')
            .default('access_token'),
          scope_includes: z
            .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
            .transform((v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : v))
            .optional(),
          claims: z.record(z.string(), claimValue).optional(),
        })
        .refine(
          (t) => t.scope_includes !== undefined || t.claims !== undefined,
          'say what the token must hold: scope_includes or claims',
        )
        .optional(),
      lab: z
        .strictObject({
          id: z.string().regex(ID, 'expected the id of a lab block'),
          outcome: z.string().min(1),
        })
        .optional(),
    })
    .refine(
      (c) => c.response !== undefined || c.token !== undefined || c.lab !== undefined,
      'give a "response", "token" or "lab" check (or several)',
    ),
});

// ---------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------

const request: BlockSpec<'request'> = {
  summary: 'A runnable HTTP request in `.http` syntax, with an expected outcome.',
  body: 'required',
  options: {
    id: idOption('names the step; unique in the lesson; exercises and `curl` refer to it', true),
    title: textOption('a heading shown above the request'),
    expect: expectOption,
    save: saveOption,
    editable: flagOption('the learner may edit the request before sending it'),
    'auth-method': enumOption(
      'the client authentication the request uses (RFC 8414 names); checked against the request and shown as a label',
      CLIENT_AUTH_METHODS,
    ),
  },
  parse(context) {
    const { options } = context;
    const parsed = context.parseHttp(context.body, (line, column) => ({ line, column }));
    if (!parsed) return undefined;
    const authMethod = options['auth-method'] as ClientAuthMethod | undefined;
    if (authMethod) {
      const problem = checkAuthMethod(parsed, authMethod);
      if (problem) context.error(problem);
    }
    return {
      kind: 'request',
      id: options.id as string,
      ...(options.title ? { title: options.title as string } : {}),
      ...(options.expect ? { expect: options.expect as ResponseExpectation } : {}),
      save: (options.save as SaveRule[] | undefined) ?? [],
      editable: options.editable === true,
      ...(authMethod ? { authMethod } : {}),
      request: parsed,
      source: context.source,
    };
  },
  saves: (block) => block.save.map((rule) => rule.variable),
};

function checkAuthMethod(
  request: HttpRequestTemplate,
  method: ClientAuthMethod,
): string | undefined {
  const authorization = request.headers.find(
    ([name]) => name.toLowerCase() === 'authorization',
  )?.[1];
  const body = request.body;
  const inBody = (name: string) => new RegExp(`(^|[&{,\\s"])${name}["=]`).test(body);
  switch (method) {
    case 'client_secret_basic':
      return /^basic\s/i.test(authorization ?? '')
        ? undefined
        : 'auth-method=client_secret_basic needs an "Authorization: Basic ..." header.';
    case 'client_secret_post':
      return inBody('client_secret')
        ? undefined
        : 'auth-method=client_secret_post needs client_id and client_secret in the body.';
    case 'private_key_jwt':
      return inBody('client_assertion')
        ? undefined
        : 'auth-method=private_key_jwt needs client_assertion_type and client_assertion in the body.';
    case 'none':
      return undefined;
  }
}

const jwt: BlockSpec<'jwt'> = {
  summary:
    'A JWT inspector: decodes the header and claims of a token held in a variable, or given literally.',
  body: 'optional',
  options: {
    from: {
      description: 'the variable holding the token; ignored when the body holds a literal token',
      syntax: '<variable>',
      default: 'access_token',
      parse: (raw) =>
        raw !== true && VARIABLE_NAME.test(raw)
          ? { value: raw }
          : { error: `expected a variable name such as access_token; got ${show(raw)}.` },
    },
    title: textOption('a heading shown above the inspector'),
    highlight: {
      description: 'claims to draw attention to',
      syntax: '"scope aud exp"',
      parse: (raw) =>
        raw !== true && /^[A-Za-z_][\w:.-]*(\s+[A-Za-z_][\w:.-]*)*$/.test(raw.trim())
          ? { value: raw.trim().split(/\s+/) }
          : {
              error: `expected claim names separated by spaces, e.g. highlight="scope aud"; got ${show(raw)}.`,
            },
    },
  },
  parse(context) {
    const { options } = context;
    const token = context.body.trim();
    if (token !== '') {
      if (context.given.has('from')) {
        context.error('Give either from=<variable> or a literal token in the body, not both.');
        return undefined;
      }
      const problem = checkCompactJwt(token);
      if (problem) {
        context.error(problem, { line: 0, column: 0 });
        return undefined;
      }
    } else {
      context.use(options.from as string);
    }
    return {
      kind: 'jwt',
      ...(options.title ? { title: options.title as string } : {}),
      ...(token === '' ? { from: options.from as string } : { token }),
      highlight: (options.highlight as string[] | undefined) ?? [],
      source: context.source,
    };
  },
};

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function checkCompactJwt(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.slice(0, 2).some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    return 'A literal token must be a compact JWT: three base64url parts separated by dots (header.payload.signature; the signature may be empty).';
  }
  for (const [index, label] of [
    [0, 'header'],
    [1, 'payload'],
  ] as const) {
    let decoded: unknown;
    try {
      decoded = decodeSegment(parts[index] ?? '');
    } catch {
      return `The token's ${label} is not base64url-encoded JSON.`;
    }
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      return `The token's ${label} must be a JSON object.`;
    }
  }
  return undefined;
}

const negatives: BlockSpec<'negatives'> = {
  summary: 'A replayable list of negative cases: requests that must fail, and how.',
  body: 'required',
  options: {
    id: idOption('names the list (for progress tracking); unique in the lesson', false),
    title: textOption('a heading shown above the list'),
  },
  parse(context) {
    const yaml = context.parseYaml(negativesSchema, 'negatives');
    if (!yaml) return undefined;
    const cases: NegativeCase[] = [];
    let ok = true;
    yaml.value.forEach((entry, index) => {
      const origin = yaml.nodeAt([index, 'request']);
      const parsed = context.parseHttp(entry.request, (line, column) =>
        blockScalarPoint(context.body, origin, line, column),
      );
      if (!parsed) {
        ok = false;
        return;
      }
      cases.push({
        name: entry.name,
        ...(entry.why ? { why: entry.why } : {}),
        request: parsed,
        expect: entry.expect,
      });
    });
    if (!ok) return undefined;
    const { options } = context;
    return {
      kind: 'negatives',
      ...(options.id ? { id: options.id as string } : {}),
      ...(options.title ? { title: options.title as string } : {}),
      cases,
      source: context.source,
    };
  },
};

/**
 * Map a point inside a YAML scalar back to the block body. For a block scalar (`request: |`) the
 * text starts on the next line at the content's indentation; otherwise at the scalar itself.
 */
function blockScalarPoint(
  body: string,
  origin: BodyPoint,
  line: number,
  column: number,
): BodyPoint {
  const lines = body.split('\n');
  const header = lines[origin.line] ?? '';
  if (/^[|>]/.test(header.slice(origin.column))) {
    const first = lines[origin.line + 1] ?? '';
    const indent = first.length - first.trimStart().length;
    return { line: origin.line + 1 + line, column: indent + column };
  }
  return { line: origin.line + line, column: origin.column + column };
}

const flow: BlockSpec<'flow'> = {
  summary: 'A diagram of the client credentials flow, optionally highlighting one step.',
  body: 'optional',
  options: {
    steps: {
      description: 'which exchanges to draw, in order',
      syntax: `"${FLOW_STEPS.join(' ')}" (any of them)`,
      default: 'token api',
      parse: (raw) => {
        const steps = raw === true ? [] : raw.split(/\s+/).filter(Boolean);
        const bad = steps.find((step) => !(FLOW_STEPS as readonly string[]).includes(step));
        if (steps.length === 0 || bad !== undefined) {
          return {
            error: `expected steps from ${FLOW_STEPS.join(', ')} separated by spaces; got ${show(raw)}.`,
          };
        }
        if (new Set(steps).size !== steps.length) return { error: 'lists a step twice.' };
        return { value: steps as FlowStep[] };
      },
    },
    highlight: enumOption('the step to emphasise', [...FLOW_STEPS, 'none'] as const, 'none'),
    title: textOption('a caption for the diagram'),
  },
  parse(context) {
    const { options } = context;
    const steps = options.steps as FlowStep[];
    const highlight = options.highlight as FlowStep | 'none';
    if (highlight !== 'none' && !steps.includes(highlight)) {
      context.error(`highlight=${highlight} is not one of the drawn steps (${steps.join(' ')}).`);
      return undefined;
    }
    return {
      kind: 'flow',
      ...(options.title ? { title: options.title as string } : {}),
      steps,
      ...(highlight === 'none' ? {} : { highlight }),
      diagram: context.body.replace(/\s+$/, ''),
      source: context.source,
    };
  },
};

const exercise: BlockSpec<'exercise'> = {
  summary: 'A task the learner does on their own, checked automatically by the page.',
  body: 'required',
  options: {
    id: idOption('names the exercise (progress is stored under it); unique in the lesson', true),
    title: textOption('a heading shown above the exercise'),
  },
  parse(context) {
    const yaml = context.parseYaml(exerciseSchema, 'exercise');
    if (!yaml) return undefined;
    const { goal, hint, check, solution } = yaml.value;
    const result: ExerciseBlock['check'] = {};
    if (check.response) {
      const {
        request: requestId,
        run,
        status,
        error,
        www_authenticate,
        check: refusedAt,
        description,
      } = check.response;
      let runRequest: HttpRequestTemplate | undefined;
      if (run !== undefined) {
        const origin = yaml.nodeAt(['check', 'response', 'run']);
        runRequest = context.parseHttp(run, (line, column) =>
          blockScalarPoint(context.body, origin, line, column),
        );
        if (!runRequest) return undefined;
      }
      result.response = {
        ...(requestId ? { request: requestId } : {}),
        ...(runRequest ? { run: runRequest } : {}),
        ...(status === undefined ? {} : { status }),
        ...(error ? { error } : {}),
        ...(www_authenticate ? { www_authenticate } : {}),
        ...(refusedAt ? { check: refusedAt } : {}),
        ...(description ? { description } : {}),
      };
    }
    if (check.lab) result.lab = { id: check.lab.id, outcome: check.lab.outcome };
    if (check.token) {
      context.use(check.token.variable, yaml.nodeAt(['check', 'token']));
      result.token = {
        variable: check.token.variable,
        scope_includes: check.token.scope_includes ?? [],
        claims: check.token.claims ?? {},
      };
    }
    let worked: ExerciseSolution | undefined;
    if (solution) {
      const steps: ExerciseSolution['steps'] = [];
      for (const [index, step] of solution.steps.entries()) {
        let text: HttpRequestTemplate | undefined;
        if (step.text !== undefined) {
          const origin = yaml.nodeAt(['solution', 'steps', index, 'text']);
          text = context.parseHttp(step.text, (line, column) =>
            blockScalarPoint(context.body, origin, line, column),
          );
          if (!text) return undefined;
        }
        steps.push({ request: step.request, ...(text && { text }) });
      }
      worked = { explain: solution.explain, steps };
    }
    const { options } = context;
    return {
      kind: 'exercise',
      id: options.id as string,
      ...(options.title ? { title: options.title as string } : {}),
      goal,
      ...(hint ? { hint } : {}),
      check: result,
      ...(worked && { solution: worked }),
      source: context.source,
    };
  },
  references: (block) => [
    ...(block.check.response?.request
      ? [{ id: block.check.response.request, kinds: ['request' as const] }]
      : []),
    ...(block.solution?.steps ?? []).map((step) => ({
      id: step.request,
      kinds: ['request' as const],
    })),
    ...(block.check.lab ? [{ id: block.check.lab.id, kinds: ['lab' as const] }] : []),
  ],
};

/** The body of a code exercise: the prompt, and three pieces of code as YAML block scalars. */
const codeExerciseSchema = z.strictObject({
  goal: z.string().min(1),
  hint: z.string().min(1).optional(),
  starter: z.string().min(1),
  tests: z
    .string()
    .min(1)
    .refine((text) => /\btest\s*\(/.test(text), 'expected at least one test("...", () => ...)'),
  solution: z.string().min(1),
  explain: z.string().min(1).optional(),
});

export const CODE_LANGUAGES_SUPPORTED: readonly CodeLanguage[] = ['ts', 'js'];

const codeExercise: BlockSpec<'code-exercise'> = {
  summary:
    'A code exercise: starter code the learner edits, a test suite that runs against the mock servers in a sandbox, and a reference solution offered after two failed runs.',
  body: 'required',
  options: {
    id: idOption('names the exercise (progress is stored under it); unique in the lesson', true),
    title: textOption('a heading shown above the exercise'),
    lang: enumOption(
      'the language of the code: TypeScript (types are stripped) or JavaScript',
      CODE_LANGUAGES_SUPPORTED,
      'ts',
    ),
  },
  parse(context) {
    const yaml = context.parseYaml(codeExerciseSchema, 'code exercise');
    if (!yaml) return undefined;
    const { goal, hint, starter, tests, solution, explain } = yaml.value;
    // Where each piece's first line is in the file: errors in it are reported there.
    const firstLine = (key: string) =>
      context.source.line + 1 + blockScalarPoint(context.body, yaml.nodeAt([key]), 0, 0).line;
    const block: CodeExerciseBlock = {
      kind: 'code-exercise',
      id: context.options.id as string,
      ...(context.options.title ? { title: context.options.title as string } : {}),
      lang: context.options.lang as CodeLanguage,
      goal: goal.trim(),
      ...(hint ? { hint: hint.trim() } : {}),
      starter: withFinalNewline(starter),
      tests: withFinalNewline(tests),
      solution: {
        code: withFinalNewline(solution),
        ...(explain ? { explain: explain.trim() } : {}),
      },
      hasSolution: true,
      lines: {
        starter: firstLine('starter'),
        tests: firstLine('tests'),
        solution: firstLine('solution'),
      },
      source: context.source,
    };
    return block;
  },
};

function withFinalNewline(code: string): string {
  return code.endsWith('\n') ? code : `${code}\n`;
}

const lab: BlockSpec<'lab'> = {
  summary:
    'An interactive lab (token caching, token forge, server console, behaviour profiles), configured by an optional YAML body.',
  body: 'optional',
  options: {
    name: { ...enumOption('which lab', LAB_NAMES), required: true },
    id: idOption('names the lab; unique in the lesson; exercises refer to it (check.lab.id)', true),
    title: textOption('a heading shown above the lab'),
  },
  parse(context) {
    const { options } = context;
    const name = options.name as LabName | undefined;
    if (!name) {
      context.error(`A lab block needs name=<lab>: one of ${LAB_NAMES.join(', ')}.`);
      return undefined;
    }
    const spec: LabSpec = LABS[name];
    let config: Record<string, unknown>;
    if (context.body.trim() === '') {
      const defaults = spec.config.safeParse({});
      if (!defaults.success) {
        context.error(`The ${name} lab needs a YAML body: ${defaults.error.issues[0]?.message}.`);
        return undefined;
      }
      config = defaults.data;
    } else {
      const yaml = context.parseYaml(spec.config, `${name} lab`);
      if (!yaml) return undefined;
      config = yaml.value;
    }
    // `config` is what LABS[name].config output: the block's type for that lab.
    return {
      kind: 'lab',
      lab: name,
      id: options.id as string,
      ...(options.title ? { title: options.title as string } : {}),
      config,
      source: context.source,
    } as LabBlock;
  },
};

const curl: BlockSpec<'curl'> = {
  summary: 'The curl command equivalent to a request block, for trying it in a terminal.',
  body: 'none',
  options: {
    for: idOption('the id of the request block to mirror', true),
  },
  parse(context) {
    // The compiler fills `command` once every request in the lesson is known.
    return {
      kind: 'curl',
      for: context.options.for as string,
      command: '',
      source: context.source,
    };
  },
  references: (block) => [{ id: block.for, kinds: ['request'] }],
};

/** Block name (the first word of the info string) -> spec. */
export const BLOCKS: { [K in LessonBlockKind]: BlockSpec<K> } = {
  request,
  jwt,
  negatives,
  flow,
  exercise,
  'code-exercise': codeExercise,
  curl,
  lab,
};

export const BLOCK_NAMES = Object.keys(BLOCKS) as LessonBlockKind[];

/**
 * Plain (non-interactive) code blocks: any of these languages, or no language at all. Any other
 * first word is an unknown block, so a typo such as `reqest` fails instead of showing as code.
 */
export const CODE_LANGUAGES: readonly string[] = [
  'http',
  'json',
  'jsonc',
  'yaml',
  'yml',
  'text',
  'txt',
  'plaintext',
  'sh',
  'bash',
  'shell',
  'console',
  'powershell',
  'js',
  'javascript',
  'ts',
  'typescript',
  'tsx',
  'jsx',
  'python',
  'py',
  'go',
  'java',
  'kotlin',
  'csharp',
  'cs',
  'ruby',
  'php',
  'rust',
  'diff',
  'ini',
  'toml',
  'xml',
  'html',
  'css',
  'sql',
  'dotenv',
];
