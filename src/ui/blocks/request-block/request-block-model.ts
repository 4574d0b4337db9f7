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

/** Does DPoP apply to a request: one to a token endpoint or to the resource API? */
export function dpopApplies(url: string): boolean {
  if (isTokenEndpoint(url)) return true;
  try {
    return new URL(url).pathname.startsWith('/api/');
  } catch {
    return false;
  }
}

const DPOP_HEADER = /^dpop\s*:/i;
const AUTH_SCHEME = /^(authorization\s*:\s*)(bearer|dpop)(\s+)/i;

/** The request line's and headers' line numbers in a `.http` text (comments before it skipped). */
function headLines(lines: readonly string[]): { requestLine: number; headerEnd: number } {
  let requestLine = 0;
  while (
    requestLine < lines.length &&
    (/^\s*(#|\/\/)/.test(lines[requestLine] ?? '') || (lines[requestLine] ?? '').trim() === '')
  ) {
    requestLine++;
  }
  let headerEnd = requestLine + 1;
  while (headerEnd < lines.length && (lines[headerEnd] ?? '').trim() !== '') headerEnd++;
  return { requestLine, headerEnd };
}

/** Does the text send a DPoP header (the "Sender-constrained (DPoP)" switch is on)? */
export function usesDpop(text: string): boolean {
  const lines = text.split('\n');
  const { requestLine, headerEnd } = headLines(lines);
  return lines.slice(requestLine + 1, headerEnd).some((line) => DPOP_HEADER.test(line));
}

/**
 * The text with DPoP on or off, as the builder's switch writes it: on adds `DPoP: {{$dpop}}`
 * after the headers and turns `Authorization: Bearer` into `DPoP` (RFC 9449 §7.1); off removes
 * the DPoP header and turns the scheme back. The learner's other lines stay as written.
 */
export function withDpop(text: string, on: boolean): string {
  const lines = text.split('\n');
  const { requestLine, headerEnd } = headLines(lines);
  const head = lines.slice(requestLine + 1, headerEnd);
  const scheme = on ? 'DPoP' : 'Bearer';
  const headers = head
    .filter((line) => on || !DPOP_HEADER.test(line))
    .map((line) =>
      line.replace(
        AUTH_SCHEME,
        (_, start: string, _s, space: string) => `${start}${scheme}${space}`,
      ),
    );
  if (on && !head.some((line) => DPOP_HEADER.test(line))) headers.push('DPoP: {{$dpop}}');
  return [...lines.slice(0, requestLine + 1), ...headers, ...lines.slice(headerEnd)].join('\n');
}

/** A DPoP proof taken apart for showing: its header and claims, or why it could not be read. */
export type DecodedProof =
  | { ok: true; header: Record<string, unknown>; claims: Record<string, unknown> }
  | { ok: false };

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The DPoP proof a sent request carried, decoded (no signature check: the server made that). */
export function sentProof(headers: readonly [string, string][]): string | undefined {
  return headers.find(([name]) => name.toLowerCase() === 'dpop')?.[1];
}

export function decodeProof(proof: string): DecodedProof {
  const [h = '', p = ''] = proof.split('.');
  const header = decodeSegment(h);
  const claims = decodeSegment(p);
  return header && claims ? { ok: true, header, claims } : { ok: false };
}
