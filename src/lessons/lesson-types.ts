/**
 * The compiled-lesson format: what `virtual:lessons` ships to the page.
 *
 * Everything here is plain JSON (no functions, no classes) so the Vite plugin can serialise it and
 * the page can render it without a markdown parser. This file has no runtime imports: the UI can
 * import it freely without pulling the compiler into the bundle.
 */
import type { HttpRequestModel } from '../client/http-request.ts';
import type { RfcErrorCode } from '../protocol/index.ts';
import type { LabConfig, LabName } from './labs/index.ts';

/** A problem found while compiling a lesson. Lines and columns are 1-based, in the `.md` file. */
export interface LessonDiagnostic {
  /** Path of the lesson as given to the compiler, e.g. `lessons/01-what-and-why.md`. */
  file: string;
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
}

/** Where a block starts in its source file, kept so runtime errors can point back at the lesson. */
export interface SourcePosition {
  file: string;
  line: number;
}

// ---------------------------------------------------------------------------------------------
// Markdown tree (a compact subset of mdast, without positions)
// ---------------------------------------------------------------------------------------------

export type InlineNode =
  | { type: 'text'; value: string }
  | { type: 'emphasis'; children: InlineNode[] }
  | { type: 'strong'; children: InlineNode[] }
  | { type: 'delete'; children: InlineNode[] }
  | { type: 'inlineCode'; value: string }
  | { type: 'break' }
  | { type: 'link'; href: string; title?: string; children: InlineNode[] }
  | { type: 'image'; src: string; alt: string; title?: string }
  /** Raw inline HTML from the lesson: shown as text, never parsed or executed. */
  | { type: 'rawHtml'; value: string };

export type TableAlign = 'left' | 'right' | 'center' | null;

export type CalloutKind = 'note' | 'tip' | 'important' | 'warning' | 'caution';

export interface ListItemNode {
  /** GFM task list state; absent for plain items. */
  checked?: boolean;
  children: MarkdownNode[];
}

export type MarkdownNode =
  | { type: 'heading'; depth: 2 | 3 | 4 | 5 | 6; id: string; children: InlineNode[] }
  | { type: 'paragraph'; children: InlineNode[] }
  | { type: 'list'; ordered: boolean; start?: number; items: ListItemNode[] }
  | { type: 'blockquote'; children: MarkdownNode[] }
  /** A GitHub alert (`> [!NOTE]`, `> [!TIP]`, ...). */
  | { type: 'callout'; kind: CalloutKind; children: MarkdownNode[] }
  | { type: 'code'; lang?: string; value: string }
  /** `rows[0]` is the header row; each cell is a list of inline nodes. */
  | { type: 'table'; align: TableAlign[]; rows: InlineNode[][][] }
  | { type: 'thematicBreak' }
  /** Raw block HTML from the lesson: shown as text, never parsed or executed. */
  | { type: 'rawHtml'; value: string }
  | { type: 'block'; block: LessonBlock };

// ---------------------------------------------------------------------------------------------
// Interactive blocks
// ---------------------------------------------------------------------------------------------

/** The RFC error codes a lesson may expect (the protocol's one list). */
export type ExpectedErrorCode = RfcErrorCode;

/**
 * A request in the `.http` syntax, parsed at build time by the client's parser (one syntax for
 * the whole app). `url`, header values and `body` may still hold `{{variable}}` placeholders; the
 * page fills them with the client's `fillVariables` just before sending.
 */
export interface HttpRequestTemplate extends HttpRequestModel {
  /** The request as written in the lesson (what an editable block starts from). */
  source: string;
}

/** What a response must look like for a step to count as done. */
export interface ResponseExpectation {
  status: number;
  /** `error` of the JSON body, or of the `WWW-Authenticate` challenge. */
  error?: ExpectedErrorCode;
  /** A substring the `WWW-Authenticate` header must contain, e.g. `Bearer error="invalid_token"`. */
  www_authenticate?: string;
  /**
   * The server step that must have refused the request, as its log names it
   * (`checkNotRevoked`, `checkClientSecret`): a 401 for another reason does not count.
   */
  check?: string;
  /** Text the `error_description` must contain (case-insensitive). */
  description?: string;
}

/** `save=access_token` is `{ variable: 'access_token', path: ['access_token'] }`. */
export interface SaveRule {
  variable: string;
  /** Path into the JSON response body; numeric segments index arrays. */
  path: string[];
}

export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'none';

export interface RequestBlock {
  kind: 'request';
  id: string;
  title?: string;
  expect?: ResponseExpectation;
  save: SaveRule[];
  editable: boolean;
  authMethod?: ClientAuthMethod;
  request: HttpRequestTemplate;
  source: SourcePosition;
}

export interface JwtBlock {
  kind: 'jwt';
  title?: string;
  /** The variable holding the token; absent when the lesson gives a literal token. */
  from?: string;
  /**
   * The request blocks above it that save that variable (filled in by the compiler): the
   * inspector shows the token the latest of them saved, not one a block further down saved.
   */
  savedBy?: string[];
  token?: string;
  /** Claim names to draw attention to, e.g. `['scope', 'aud']`. */
  highlight: string[];
  source: SourcePosition;
}

export interface NegativeCase {
  name: string;
  why?: string;
  request: HttpRequestTemplate;
  expect: ResponseExpectation;
}

export interface NegativesBlock {
  kind: 'negatives';
  id?: string;
  title?: string;
  cases: NegativeCase[];
  source: SourcePosition;
}

/**
 * The exchanges a flow block can draw. `workload`: the job asks its platform for a workload token
 * (then `token` presents it, and the authorization server reads the platform's keys).
 */
export type FlowStep = 'token' | 'api' | 'introspect' | 'revoke' | 'workload';

export interface FlowBlock {
  kind: 'flow';
  title?: string;
  steps: FlowStep[];
  highlight?: FlowStep;
  /** The text diagram written in the lesson (what GitHub shows); may be empty. */
  diagram: string;
  source: SourcePosition;
}

/** What an exercise's response must show: any parts of an expectation, judged the same way. */
export interface ExerciseResponseCheck extends Partial<ResponseExpectation> {
  /** Look at the latest response of this request block... */
  request?: string;
  /** ...whose title (filled in by the compiler) is what the learner sees. */
  requestTitle?: string;
  /** ...or send this request when the learner presses "Check". */
  run?: HttpRequestTemplate;
}

export interface ExerciseTokenCheck {
  /** The variable holding the JWT (default `access_token`). */
  variable: string;
  /** Every listed scope must appear in the token's space-delimited `scope` claim. */
  scope_includes: string[];
  /** Exact claim values, compared as JSON. */
  claims: Record<string, string | number | boolean>;
}

/**
 * Look at what a lab reported: the lab block `id` must have reached `outcome` (each lab names
 * its outcomes in `src/lessons/labs/`).
 */
export interface ExerciseLabCheck {
  id: string;
  outcome: string;
  /** What reaching the outcome means, from the lab's spec (filled in by the compiler). */
  description?: string;
  /** The lab block's title, what the learner sees (filled in by the compiler). */
  labTitle?: string;
}

/** What a lab reports for one of its outcomes: reached or not, and why, in one sentence. */
export interface LabOutcome {
  ok: boolean;
  detail: string;
}

/** A worked solution, offered after two tries: what to do, and the requests to send. */
export interface ExerciseSolution {
  explain: string;
  steps: {
    /** The request block to send. */
    request: string;
    /** Its title, what the learner sees (filled in by the compiler). */
    requestTitle?: string;
    /** The text to send instead of the lesson's (an edit of an editable block). */
    text?: HttpRequestTemplate;
  }[];
}

export interface ExerciseBlock {
  kind: 'exercise';
  id: string;
  title?: string;
  goal: string;
  hint?: string;
  check: {
    response?: ExerciseResponseCheck;
    token?: ExerciseTokenCheck;
    lab?: ExerciseLabCheck;
  };
  solution?: ExerciseSolution;
  source: SourcePosition;
}

/** The languages a code exercise may be written in: TypeScript (types stripped) or JavaScript. */
export type CodeLanguage = 'ts' | 'js';

/**
 * A code exercise: the learner writes a module (`./exercise`) that a test suite written in the
 * lesson imports, and runs the tests against the mock servers in a sandbox (src/lessons/code/).
 * Passing every test completes the step.
 */
export interface CodeExerciseBlock {
  kind: 'code-exercise';
  id: string;
  title?: string;
  lang: CodeLanguage;
  /** What to write, in one or two sentences (`inline code` in backticks). */
  goal: string;
  hint?: string;
  /** The code the editor starts with. */
  starter: string;
  /** The test suite, shown to the learner as written: it is the exercise's exact spec. */
  tests: string;
  /**
   * The reference solution. The compiler keeps it; the build ships it as a module of its own,
   * loaded only when the learner asks for it (plugins/lessons.ts), so a lesson's page and body
   * chunk never contain it: there `solution` is absent and `hasSolution` says one exists.
   */
  solution?: CodeExerciseSolution;
  hasSolution: boolean;
  /** The file line of each part's first line, for `file:line` errors in lessons:check. */
  lines: { starter: number; tests: number; solution?: number };
  source: SourcePosition;
}

/** A code exercise's reference solution: the code, and optionally why it is written so. */
export interface CodeExerciseSolution {
  code: string;
  explain?: string;
}

export interface CurlBlock {
  kind: 'curl';
  /** The id of the request block this command mirrors. */
  for: string;
  /** The equivalent curl command, placeholders kept as `{{name}}`. */
  command: string;
  source: SourcePosition;
}

export type { LabName };

/** A lab block, its config typed by its lab's schema (see `src/lessons/labs/`). */
export type LabBlock<N extends LabName = LabName> = {
  [Name in N]: {
    kind: 'lab';
    lab: Name;
    /** Names the lab in the lesson; exercises refer to it (`check.lab.id`). */
    id: string;
    title?: string;
    /** The lab's options from the block's YAML body, as its schema output them (JSON only). */
    config: LabConfig<Name>;
    source: SourcePosition;
  };
}[N];

export type LessonBlock =
  | LabBlock
  | RequestBlock
  | JwtBlock
  | NegativesBlock
  | FlowBlock
  | ExerciseBlock
  | CodeExerciseBlock
  | CurlBlock;

export type LessonBlockKind = LessonBlock['kind'];

// ---------------------------------------------------------------------------------------------
// Lessons
// ---------------------------------------------------------------------------------------------

export interface LessonSection {
  id: string;
  title: string;
}

/**
 * The server state a lesson starts from (front-matter `server:`); every lesson has one, the
 * defaults when it says nothing: real time, the default settings, the seeded clients.
 */
export interface LessonServerSetup {
  clock: 'real' | 'frozen';
  settings?: {
    scopePolicy?: 'strict' | 'downscope';
    leewaySeconds?: number;
    tokenReuse?: 'never' | 'same-second';
  };
}

export interface CompiledLesson {
  status: 'ok';
  slug: string;
  file: string;
  title: string;
  summary: string;
  order: number;
  /** As written, e.g. `6 min`. */
  duration: string;
  minutes: number;
  /** The `##` headings, in order, with the same ids as the rendered anchors. */
  sections: LessonSection[];
  /** The server state the lesson is set up in. */
  server: LessonServerSetup;
  body: MarkdownNode[];
  /** Warnings only (a lesson with errors is a {@link BrokenLesson}). */
  diagnostics: LessonDiagnostic[];
}

/** A lesson that failed to compile: the UI shows an error card for it alone. */
export interface BrokenLesson {
  status: 'broken';
  slug: string;
  file: string;
  /** From the front-matter when it could be read, else the file name. */
  title: string;
  /** From the front-matter when it could be read, else last. */
  order: number;
  diagnostics: LessonDiagnostic[];
}

export type LessonEntry = CompiledLesson | BrokenLesson;

/**
 * What `virtual:lessons` lists of a compiled lesson: everything but its body, which loads on
 * demand (`loadLesson(slug)`), plus the progress keys of its steps for the home page.
 */
export interface LessonSummary extends Omit<CompiledLesson, 'body'> {
  /** The progress keys of the lesson's steps, in reading order (see `lessonSteps`). */
  stepKeys: string[];
}

/** An entry of the lesson list: a compiled lesson without its body, or a broken lesson whole. */
export type LessonListEntry = LessonSummary | BrokenLesson;
