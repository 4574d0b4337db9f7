import type { HttpRequestModel } from './http-request.ts';
import { ARGUMENT_SOURCE, helperCallPattern, plainVariablePattern } from './placeholders.ts';

/**
 * Quote one word for a POSIX shell (sh, bash, zsh): single quotes keep everything literal, and a
 * single quote itself is written `'\''` (close, escaped quote, reopen).
 */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface ToCurlOptions {
  /** One argument per line with `\` continuations (default true). */
  multiline?: boolean;
}

/**
 * What an exported request with a DPoP proof must say: the proof in it is good once, for this
 * method and URL, for about a minute (RFC 9449 §11.1); a second send needs a new one.
 */
export function dpopNote(request: HttpRequestModel): string | undefined {
  return request.headers.some(([name]) => name.toLowerCase() === 'dpop')
    ? 'The DPoP proof below is good for one request, to this method and URL, within a minute of its iat: make a new one (Copy again) for every send.'
    : undefined;
}

/**
 * The request as a curl command that a POSIX shell runs unchanged: `-X METHOD`, one `-H` per
 * header, the body with `--data-raw` (which, unlike `-d`, never reads a file for a leading `@`).
 * A request carrying a DPoP proof starts with a comment saying the proof is good once.
 */
export function toCurl(request: HttpRequestModel, options: ToCurlOptions = {}): string {
  const note = dpopNote(request);
  const args: string[] =
    request.method === 'HEAD'
      ? ['--head', shellQuote(request.url)]
      : ['-X', shellQuote(request.method), shellQuote(request.url)];
  const parts = [`curl ${args.join(' ')}`];
  for (const [name, value] of request.headers) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (request.body !== '') parts.push(`--data-raw ${shellQuote(request.body)}`);
  const command = options.multiline === false ? parts.join(' ') : parts.join(' \\\n  ');
  return note === undefined ? command : `# ${note}\n${command}`;
}

const js = (value: string) => JSON.stringify(value);

function hasDuplicateNames(headers: HttpRequestModel['headers']): boolean {
  const names = headers.map(([n]) => n.toLowerCase());
  return new Set(names).size !== names.length;
}

function isJson(request: HttpRequestModel): boolean {
  const type = request.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
  return /^\s*application\/json\s*(;|$)/i.test(type);
}

/**
 * The request as a JavaScript snippet using `fetch`, to paste into a page or Node 18+. A JSON body
 * that re-serialises to exactly the same bytes is shown as `JSON.stringify({...})`; any other body
 * is a string literal, byte for byte.
 */
export function toFetch(request: HttpRequestModel): string {
  const note = dpopNote(request);
  const lines = [
    ...(note === undefined ? [] : [`// ${note}`]),
    `const response = await fetch(${js(request.url)}, {`,
    `  method: ${js(request.method)},`,
  ];
  if (request.headers.length > 0) {
    if (hasDuplicateNames(request.headers)) {
      lines.push('  headers: [');
      for (const [n, v] of request.headers) lines.push(`    [${js(n)}, ${js(v)}],`);
      lines.push('  ],');
    } else {
      lines.push('  headers: {');
      for (const [n, v] of request.headers) lines.push(`    ${js(n)}: ${js(v)},`);
      lines.push('  },');
    }
  }
  if (request.body !== '') {
    let body = `  body: ${js(request.body)},`;
    if (isJson(request)) {
      try {
        const parsed: unknown = JSON.parse(request.body);
        if (
          JSON.stringify(parsed) === request.body &&
          typeof parsed === 'object' &&
          parsed !== null
        ) {
          const pretty = JSON.stringify(parsed, null, 2).replace(/\n/g, '\n  ');
          body = `  body: JSON.stringify(${pretty}),`;
        }
      } catch {
        // not JSON after all: keep the string literal
      }
    }
    lines.push(body);
  }
  lines.push('});');
  lines.push('console.log(response.status, await response.text());');
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Export as a Playwright test
// ---------------------------------------------------------------------------------------------

/** What a step's answer must look like (a lesson's `expect=`). */
export interface ExportExpectation {
  status: number;
  /** The JSON body's `error`, or the `WWW-Authenticate` challenge's. */
  error?: string;
  /** A substring of the `WWW-Authenticate` header. */
  www_authenticate?: string;
}

/** One request of an exported test; its texts may hold `{{variables}}` and built-ins. */
export interface ExportStep {
  /** Names the step in the test report: the block's title, or a negative case's name. */
  title: string;
  request: HttpRequestModel;
  /** Variables to save from a 2xx JSON answer: `{ variable, path }` as the lesson's `save=`. */
  save?: readonly { variable: string; path: readonly string[] }[];
  /** Without one, the step only has to be answered without a server error (status < 500). */
  expect?: ExportExpectation;
}

export interface PlaywrightTestInput {
  /** The request block's id: the file is `<id>.spec.ts`. */
  id: string;
  /** The lesson the block belongs to, for the test's title and comment. */
  lesson?: { slug: string; title: string };
  /**
   * The lesson's requests before this one, in order: replayed first, since they leave what it
   * relies on (tokens in variables, registered clients, the clock, revocations, rate limits).
   */
  setup: readonly ExportStep[];
  /** The request itself, as the page would send it now (the learner's edit included). */
  step: ExportStep;
  /** Values of variables no step saves (what the page holds now); others are left out. */
  vars?: Readonly<Record<string, string>>;
  /** Where the playground this was exported from runs: the command's PLAYGROUND_URL. */
  playgroundUrl?: string;
}

export type PlaywrightTestExport =
  | {
      ok: true;
      fileName: string;
      /** Where the file goes in a checkout of the playground: `e2e/<fileName>`. */
      path: string;
      /** The command that runs it from a checkout's folder, against `playgroundUrl`. */
      command: string;
      code: string;
      /** How many earlier requests the test replays first. */
      setupSteps: number;
      /** Titles of earlier requests left out (they sign with the page's own key). */
      skipped: string[];
    }
  | { ok: false; reason: string };

/** Helpers that sign with a key only the page holds: a client assertion, a DPoP proof. */
const PAGE_KEY_CALL = /\{\{\s*\$(?:client_assertion|assertion|dpop|dpop_thief)\b/;

function texts(request: HttpRequestModel): string[] {
  return [request.url, request.body, ...request.headers.flat()];
}

function signsAssertion(step: ExportStep): boolean {
  return texts(step.request).some((text) => PAGE_KEY_CALL.test(text));
}

/** A line of a block comment: no `*\/` that would end it early, no line breaks. */
function commentText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\*\//g, '*\\/').trim();
}

/** Where `npm run dev` serves the playground: the URL when the page's own is not given. */
const DEV_URL = 'http://localhost:5173/';

/**
 * The command that runs an exported spec saved as `e2e/<fileName>` in a checkout of the
 * playground, from the checkout's folder: the checkout's Playwright config finds it under e2e/,
 * and with PLAYGROUND_URL it tests that playground instead of building and serving its own.
 */
export function playwrightRunCommand(fileName: string, playgroundUrl = DEV_URL): string {
  const url = /^[\w:/.@%+~=-]+$/.test(playgroundUrl) ? playgroundUrl : shellQuote(playgroundUrl);
  return `PLAYGROUND_URL=${url} npx playwright test e2e/${fileName}`;
}

/** A file name made of the id's safe characters (`acme:reporting` -> `acme-reporting`). */
function specFileName(id: string): string {
  const base = id.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return `${base === '' ? 'request' : base}.spec.ts`;
}

function stepLiteral(step: ExportStep): string {
  const value: Record<string, unknown> = {
    title: step.title,
    method: step.request.method,
    url: step.request.url,
    headers: step.request.headers,
    body: step.request.body,
  };
  if (step.save && step.save.length > 0) {
    value.save = step.save.map((rule) => [rule.variable, rule.path]);
  }
  if (step.expect) value.expect = step.expect;
  return JSON.stringify(value);
}

/**
 * A runnable Playwright spec for one request of the playground: it opens the playground, waits
 * until the service worker controls the page, resets the mock servers, replays `setup` (each
 * step checked against its own expectation, variables saved as the lesson saves them), then
 * sends the request through the page's `fetch` — the service worker answers it, as in the
 * playground — and asserts the expected status, error and `WWW-Authenticate`.
 *
 * Saved as `e2e/<id>.spec.ts` in a checkout of the playground, it runs with the command the
 * result carries (`PLAYGROUND_URL=<url> npx playwright test e2e/<id>.spec.ts`, from the
 * checkout's folder); in a project of one's own it needs only `@playwright/test` and
 * PLAYGROUND_URL (or a `baseURL`). Requests that sign a client assertion with the
 * page's own key (`{{$client_assertion}}`) cannot be replayed from outside the page: the request
 * itself is refused with a reason, and such setup steps are left out (named in a comment).
 */
export function toPlaywrightTest(input: PlaywrightTestInput): PlaywrightTestExport {
  if (input.id.trim() === '') return { ok: false, reason: 'The request block has no id.' };
  if (signsAssertion(input.step)) {
    return {
      ok: false,
      reason:
        'This request signs with a key pair this page made (a client assertion, {{$client_assertion}}, or a DPoP proof, {{$dpop}}); a test outside the page cannot sign it. Copy it as curl or fetch instead.',
    };
  }
  const setup = input.setup.filter((step) => !signsAssertion(step));
  const skipped = input.setup.filter(signsAssertion);

  // Variables a step uses before any earlier step saves them: take the page's current values.
  const saved = new Set<string>();
  const vars: Record<string, string> = {};
  for (const step of [...setup, input.step]) {
    for (const text of texts(step.request)) {
      for (const match of text.matchAll(plainVariablePattern())) {
        const name = match[1] ?? '';
        const value = input.vars?.[name];
        if (!saved.has(name) && value !== undefined && Object.hasOwn(input.vars ?? {}, name)) {
          vars[name] = value;
        }
      }
    }
    for (const rule of step.save ?? []) saved.add(rule.variable);
  }

  const fileName = specFileName(input.id);
  const command = playwrightRunCommand(fileName, input.playgroundUrl);
  const title = input.step.title;
  const testTitle = input.lesson ? `${input.lesson.title} — ${title}` : title;
  const origin = input.lesson
    ? `lesson "${commentText(input.lesson.title)}" (/lessons/${commentText(input.lesson.slug)}), request block "${commentText(input.id)}"`
    : `request block "${commentText(input.id)}"`;
  const lines = [
    '/**',
    ` * ${commentText(title)}`,
    ` * Exported from the Client Credentials Playground: ${origin}.`,
    ' *',
    ` * Save it as e2e/${fileName} in a checkout of the playground (after npm install), and run it`,
    " * from the checkout's folder, against the playground it was exported from:",
    ` *   ${commentText(command)}`,
    ' * Another URL tests another playground (npm run dev serves one at http://localhost:5173);',
    " * without PLAYGROUND_URL, the checkout's config builds and serves the playground first.",
    " * The mock servers live behind the page's service worker, so every request goes through the",
    " * page's fetch. The test resets them, replays the lesson's earlier requests (they leave the",
    ' * tokens, clients, clock and revocations this one relies on), then sends this request.',
    ...(skipped.length > 0
      ? [
          ' *',
          ' * Left out (they sign a client assertion or a DPoP proof with a key only the page holds):',
          ...skipped.map((step) => ` * - ${commentText(step.title)}`),
        ]
      : []),
    ' */',
    "import { expect, type Page, test } from '@playwright/test';",
    '',
    'interface Step {',
    '  title: string;',
    '  method: string;',
    '  url: string;',
    '  headers: [string, string][];',
    '  body: string;',
    '  /** [variable, JSON path] pairs saved from a 2xx answer. */',
    '  save?: [string, string[]][];',
    '  expect?: { status: number; error?: string; www_authenticate?: string };',
    '}',
    '',
    `const VARS: Record<string, string> = ${JSON.stringify(vars, null, 2)};`,
    '',
    `const SETUP: Step[] = [${setup.map((step) => `\n  ${stepLiteral(step)},`).join('')}${setup.length > 0 ? '\n' : ''}];`,
    '',
    `const REQUEST: Step = ${stepLiteral(input.step)};`,
    '',
    `test(${JSON.stringify(testTitle)}, async ({ page }) => {`,
    '  await openPlayground(page);',
    '  const vars = { ...VARS };',
    "  for (const step of SETUP) await test.step('setup: ' + step.title, () => run(page, step, vars));",
    '  await test.step(REQUEST.title, () => run(page, REQUEST, vars));',
    '});',
    '',
    PLAYWRIGHT_HELPERS,
  ];
  return {
    ok: true,
    fileName,
    path: `e2e/${fileName}`,
    command,
    code: `${lines.join('\n')}\n`,
    setupSteps: setup.length,
    skipped: skipped.map((step) => step.title),
  };
}

/** The generated spec's helpers: the same in every export, so kept as one literal. */
const PLAYWRIGHT_HELPERS = String.raw`interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Open the playground and wait until its service worker controls the page; reset the servers. */
async function openPlayground(page: Page): Promise<void> {
  const url = process.env.PLAYGROUND_URL ?? test.info().project.use.baseURL;
  if (!url) throw new Error('Set PLAYGROUND_URL (or baseURL in the config) to where the playground runs.');
  await page.goto(url);
  await expect(page.locator('html')).toHaveAttribute('data-mock', 'ready', { timeout: 20_000 });
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null);
  const reset = await send(page, { method: 'POST', url: 'https://auth.example.com/__admin/reset', headers: [], body: '' });
  expect(reset.status, 'POST /__admin/reset').toBeLessThan(300);
}

/** Send one step through the page's fetch (the service worker answers), check it, save variables. */
async function run(page: Page, step: Step, vars: Record<string, string>): Promise<void> {
  const request = {
    method: step.method,
    url: fill(step.url, vars),
    headers: step.headers.map(([name, value]): [string, string] => [name, fill(value, vars)]),
    body: fill(step.body, vars),
  };
  const answer = await send(page, request);
  const what = step.title + ' (' + step.method + ' ' + request.url + ') answered ' + answer.status + ' ' + answer.body;
  if (step.expect) {
    expect(answer.status, what).toBe(step.expect.status);
    if (step.expect.error !== undefined) expect(errorCode(answer), what).toBe(step.expect.error);
    if (step.expect.www_authenticate !== undefined) {
      expect(answer.headers['www-authenticate'] ?? '', what).toContain(step.expect.www_authenticate);
    }
  } else {
    expect(answer.status, what).toBeLessThan(500);
  }
  if (answer.status < 200 || answer.status > 299) return;
  for (const [variable, path] of step.save ?? []) {
    let value: unknown = JSON.parse(answer.body);
    for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
    if (value === undefined || value === null) throw new Error(step.title + ': no ' + path.join('.') + ' in ' + answer.body);
    vars[variable] = typeof value === 'string' ? value : JSON.stringify(value);
  }
}

async function send(page: Page, request: Omit<Step, 'title'>): Promise<Answer> {
  return page.evaluate(async ({ method, url, headers, body }) => {
    const response = await fetch(url, { method, headers, body: body === '' ? undefined : body });
    const seen: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      seen[name] = value;
    });
    return { status: response.status, headers: seen, body: await response.text() };
  }, request);
}

/** The error an answer names: the JSON body's, else the WWW-Authenticate challenge's. */
function errorCode(answer: Answer): string | undefined {
  try {
    const json = JSON.parse(answer.body) as { error?: unknown };
    if (typeof json.error === 'string') return json.error;
  } catch {
    // not JSON: look at the challenge
  }
  return /\berror="([^"]*)"/.exec(answer.headers['www-authenticate'] ?? '')?.[1];
}

/** {{name}} from the saved variables, then {{$basic id secret}}, {{$uuid}}, {{$timestamp}}. */
function fill(text: string, vars: Record<string, string>): string {
  const plain = text.replace(/${plainVariablePattern().source}/g, (_, name: string) => {
    if (!Object.hasOwn(vars, name)) throw new Error('No value for {{' + name + '}}: no earlier step saved it.');
    return vars[name] as string;
  });
  return plain.replace(/${helperCallPattern().source}/g, (call, name: string, raw: string) => {
    const args = [...raw.matchAll(/${ARGUMENT_SOURCE}/g)].map((m) => m[1]?.replace(/\\(.)/g, '$1') ?? m[2] ?? m[3] ?? '');
    if (name === 'uuid') return crypto.randomUUID();
    if (name === 'timestamp') return String(Math.floor(Date.now() / 1000));
    if (name === 'basic' && args.length === 2) {
      const form = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
      return Buffer.from(form(args[0] as string) + ':' + form(args[1] as string)).toString('base64');
    }
    throw new Error('Cannot fill ' + call + ' outside the playground page.');
  });
}`;
