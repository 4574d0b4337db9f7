/**
 * One way to grade what a token endpoint answers to a scope it should not grant as asked: a
 * made-up scope, fifty of them, or a scope the client may not have. The same RFC 6749 sentences
 * decide all three, so one function grades them.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
import { decodeJwt } from 'jose';
import { RFC_ERROR_CODES } from '../protocol/index.ts';
import type { CheckId } from './checks.ts';
import type { ConformanceRun } from './conformance-run.ts';
import { jsonObject, type ProbeResponse, summarize } from './http-probe.ts';

const REGISTERED: ReadonlySet<string> = new Set(RFC_ERROR_CODES);

/** The JSON body's `error`, when it is a string. */
export function errorOf(response: ProbeResponse): string | undefined {
  const error = jsonObject(response)?.error;
  return typeof error === 'string' ? error : undefined;
}

/** A 2xx JSON answer with an access_token. */
export function issuedToken(response: ProbeResponse): boolean {
  return (
    response.status >= 200 &&
    response.status < 300 &&
    typeof jsonObject(response)?.access_token === 'string'
  );
}

/** Is `code` one of the RFC error codes (RFC 6749 §5.2 and its extensions)? */
export function isRfcErrorCode(code: string): boolean {
  return REGISTERED.has(code);
}

const words = (scope: string) => scope.split(' ').filter((s) => s !== '');

/** A scope list for a report line: the first few of a long one, and how many. */
function brief(scopes: readonly string[]): string {
  return scopes.length > 4
    ? `${scopes.slice(0, 3).join(' ')} ... (${scopes.length} scopes)`
    : scopes.join(' ');
}

/**
 * The scope a JWT access token carries (`scope`, or `scp` as some servers write it; none named
 * is no scope). Undefined for an opaque token: only the answer's scope field can say.
 */
export function claimedScope(accessToken: string): string[] | undefined {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(accessToken);
  } catch {
    return undefined;
  }
  if (typeof claims.scope === 'string') return words(claims.scope);
  if (Array.isArray(claims.scp) && claims.scp.every((s) => typeof s === 'string'))
    return claims.scp as string[];
  if (typeof claims.scp === 'string') return words(claims.scp);
  return [];
}

/** What a token answer grants: its scope field, else the token's own claim, else what was asked. */
export interface Granted {
  scopes: string[];
  /** Where the answer said it: the scope field, the JWT's claim, or nowhere (then as asked). */
  source: 'field' | 'claim' | 'request';
}

export function grantedScopes(
  body: Record<string, unknown>,
  requested: readonly string[],
): Granted {
  if (typeof body.scope === 'string') return { scopes: words(body.scope), source: 'field' };
  const claim = typeof body.access_token === 'string' ? claimedScope(body.access_token) : undefined;
  if (claim) return { scopes: claim, source: 'claim' };
  // RFC 6749 §5.1: scope is OPTIONAL when identical to the request; its absence says so.
  return { scopes: [...requested], source: 'request' };
}

export interface ScopeCase {
  /** How the report line starts: "50 made-up scopes", "asked for read:orders, which ...". */
  label: string;
  /** The scope sent. */
  requested: string[];
  /** Scopes that do not exist (made up by the runner): never to be granted. */
  madeUp: string[];
}

/**
 * Grade the answer to a request that should not be granted as asked: refused with 400
 * invalid_scope passes; a token passes when it leaves out the made-up scopes and every scope the
 * client may not have (run.forbiddenScopes) and says what it carries. One rule set, one level,
 * for every check that asks.
 */
export function gradeScopeAnswer(
  run: ConformanceRun,
  id: CheckId,
  response: ProbeResponse,
  scopeCase: ScopeCase,
): void {
  const { label, requested, madeUp } = scopeCase;
  const lead = label === '' ? '' : `${label}: `;
  if (issuedToken(response)) {
    const body = jsonObject(response) ?? {};
    const granted = grantedScopes(body, requested);
    const shown = JSON.stringify(brief(granted.scopes));
    const said =
      granted.source === 'field'
        ? `200 with scope ${shown}`
        : granted.source === 'claim'
          ? `200 without a scope field; the token's claims name ${granted.scopes.length ? `scope ${shown}` : 'no scope'}`
          : '200 without a scope field, which says the token carries the scope asked for';
    const forbidden = granted.scopes.filter((s) => run.forbiddenScopes.includes(s));
    const unknown = granted.scopes.filter((s) => madeUp.includes(s));
    const added = granted.scopes.filter((s) => !requested.includes(s));
    const dropped = requested.filter((s) => !granted.scopes.includes(s));
    if (forbidden.length > 0) {
      const how =
        added.some((s) => forbidden.includes(s)) && dropped.length > 0
          ? `: it drops ${brief(dropped)} but adds ${brief(added)}, which was not asked for and which this client may not have`
          : '';
      run.fail(id, `${lead}${said}${how}`, 'noScopeBeyondClient');
      return;
    }
    if (unknown.length > 0) {
      const which = unknown.length > 3 ? `the ${unknown.length} made-up scopes` : unknown.join(' ');
      if (granted.source === 'request')
        run.fail(
          id,
          `${lead}200 without a scope field, which RFC 6749 §5.1 reads as the scope asked for, ${which} included; if the server left ${unknown.length > 1 ? 'them' : 'it'} out, §3.3 required it to say so`,
          'scopeMustBeNamed',
        );
      else
        run.fail(
          id,
          `${lead}${said}, granting ${which}, ${unknown.length > 1 ? 'scopes that do' : 'a scope that does'} not exist (RFC 6749 §5.2: invalid_scope)`,
        );
      return;
    }
    if (granted.source !== 'field' && dropped.length + added.length > 0) {
      run.fail(
        id,
        `${lead}${said}, not the one asked for: RFC 6749 §3.3 requires the scope field when they differ`,
        'scopeMustBeNamed',
      );
      return;
    }
    if (granted.source === 'request') {
      // Only reachable when nothing made up or forbidden was asked for.
      run.pass(id, `${lead}${said}`);
      return;
    }
    if (added.length > 0) {
      run.observe(
        id,
        `${lead}${said}: it drops ${brief(dropped) || 'nothing'} but adds ${brief(added)}, which was not asked for (RFC 6749 §3.3 lets a server ignore the request; make sure this client may have ${brief(added)})`,
        'scopeMayDiffer',
      );
      return;
    }
    run.pass(
      id,
      `${lead}down-scoped: ${said} (the server leaves out what it will not grant instead of answering invalid_scope; document it)`,
    );
    return;
  }
  const code = errorOf(response);
  const answer = summarize(response);
  if (response.status === 400 && code === 'invalid_scope') {
    run.pass(id, `${lead}refused: ${answer}`);
    return;
  }
  if (code !== undefined && !isRfcErrorCode(code)) {
    run.fail(
      id,
      `${lead}${answer}: ${code} is not an RFC 6749 §5.2 error code; an unknown scope is invalid_scope`,
    );
    return;
  }
  if (code !== undefined && code !== 'invalid_scope' && response.status < 500) {
    run.fail(id, `${lead}${answer}, expected 400 invalid_scope`, 'scopeErrorCode');
    return;
  }
  run.fail(id, `${lead}${answer}, expected 400 invalid_scope`);
}
