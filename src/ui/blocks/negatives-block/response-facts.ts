import { findChallenge, parseWwwAuthenticate } from '../../../client/parse-www-authenticate.ts';
import { getHeader, type RecordedExchange } from '../../../client/send-request.ts';

/** What a learner compares against an expectation: status, error code and challenge. */
export interface ResponseFacts {
  status: number;
  /** `error` of the JSON body, else of the `WWW-Authenticate` challenge (RFC 6750 §3.1). */
  error?: string;
  errorDescription?: string;
  wwwAuthenticate?: string;
}

/**
 * Read the facts of an exchange the same way lessons write expectations: the body's `error`
 * (token, introspection, revocation endpoints) or the challenge's `error` (the API).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function responseFacts(exchange: RecordedExchange): ResponseFacts {
  const facts: ResponseFacts = { status: exchange.status };
  const wwwAuthenticate = getHeader(exchange.headers, 'www-authenticate');
  if (wwwAuthenticate !== undefined) facts.wwwAuthenticate = wwwAuthenticate;
  const json = exchange.json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const body = json as Record<string, unknown>;
    if (typeof body.error === 'string') facts.error = body.error;
    if (typeof body.error_description === 'string') {
      facts.errorDescription = body.error_description;
    }
  }
  if (facts.error === undefined && wwwAuthenticate !== undefined) {
    const challenges = parseWwwAuthenticate(wwwAuthenticate);
    const params =
      challenges.find((c) => c.params.error !== undefined)?.params ??
      findChallenge(challenges, 'bearer')?.params;
    if (params?.error !== undefined) facts.error = params.error;
    if (params?.error_description !== undefined) {
      facts.errorDescription = params.error_description;
    }
  }
  return facts;
}
