/**
 * A request block's rules, apart from React: what the text parses to, what the token builder can
 * show, why Send refuses, what a send tells the learner, and the variables in use. Plain
 * functions, tested in Node; use-request-block.ts holds the state over them.
 */
import type { HttpSyntaxError, ParseHttpRequestResult } from '../../../client/http-request.ts';
import { findVariables } from '../../../client/placeholders.ts';
import type { TokenRequestForm } from '../../../client/token-request.ts';
import type { RequestBlock } from '../../../lessons/lesson-types.ts';
import type { SendOutcome } from '../../../lessons/session.ts';
import { isTokenEndpoint, readTokenForm } from './token-form.ts';

/** What the builder shows before the text has ever parsed as a token request. */
export const DEFAULT_FORM: TokenRequestForm = {
  grantType: 'client_credentials',
  clientId: 'demo-client',
  clientSecret: 'demo-secret',
  authMethod: 'client_secret_post',
  scope: [],
};

export function describeSyntaxError(error: HttpSyntaxError): string {
  return `Line ${error.line}, column ${error.column}: ${error.message}`;
}

/** What the token builder can make of the text: the form it reads, or why it cannot edit it. */
export interface BuilderView {
  /** The text goes to a token endpoint: the builder is shown. */
  isToken: boolean;
  /** The form the text stands for, when the builder can read it. */
  form: TokenRequestForm | undefined;
  /** Why the builder's fields are read-only now. */
  blockedReason: string | undefined;
}

/** The builder's view of a parsed text (`fallbackUrl`: the lesson's URL while the text is broken). */
export function builderView(parsed: ParseHttpRequestResult, fallbackUrl: string): BuilderView {
  const isToken = isTokenEndpoint(parsed.ok ? parsed.request.url : fallbackUrl);
  if (!isToken) return { isToken, form: undefined, blockedReason: undefined };
  if (!parsed.ok) {
    return { isToken, form: undefined, blockedReason: 'the raw request has a syntax error.' };
  }
  const read = readTokenForm(parsed.request);
  return read.ok
    ? { isToken, form: read.form, blockedReason: undefined }
    : { isToken, form: undefined, blockedReason: read.reason };
}

/** Why Send refuses a text that does not parse, or undefined when it parses. */
export function unsentReason(parsed: ParseHttpRequestResult): string | undefined {
  return parsed.ok
    ? undefined
    : `The request cannot be sent until it parses. ${parsed.errors.map(describeSyntaxError).join(' ')}`;
}

/** What the block shows after a send: the error, the variables saved, the drift warning. */
export interface SendReport {
  sendError: string | undefined;
  saved: string[] | undefined;
  /** Not what the step expects, and the server had moved since the last step. */
  drifted: boolean;
}

export function sendReport(outcome: SendOutcome): SendReport {
  if ('error' in outcome) return { sendError: outcome.error, saved: undefined, drifted: false };
  return {
    sendError: undefined,
    saved: outcome.saved,
    drifted: outcome.expectation?.ok === false && (outcome.drift?.length ?? 0) > 0,
  };
}

/** One `{{variable}}` the text uses, and what the learner should see of its value. */
export interface VariableChip {
  name: string;
  set: boolean;
  shown: string;
}

/** The variables a text uses (helpers left out), each with its value shortened for a chip. */
export function variableChips(
  text: string,
  vars: Readonly<Record<string, string>>,
): VariableChip[] {
  return findVariables(text)
    .filter((name) => !name.startsWith('$'))
    .map((name) => {
      const value = vars[name];
      return {
        name,
        set: value !== undefined,
        shown:
          value === undefined
            ? 'not set yet'
            : value.length > 24
              ? `${value.slice(0, 20)}…`
              : value,
      };
    });
}

/** Does the block open with its editor showing? Editable blocks and token requests do. */
export function opensEditing(block: RequestBlock, isToken: boolean, edited: boolean): boolean {
  return block.editable || isToken || edited;
}
