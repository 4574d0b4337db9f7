import { type AuthChallenge, parseWwwAuthenticate } from './parse-www-authenticate.ts';
import { getHeader, type RecordedExchange } from './send-request.ts';

/**
 * A response the client cannot use: an HTTP error with an OAuth error body
 * (`{error, error_description}`, RFC 6749 §5.2) and/or a `WWW-Authenticate` challenge
 * (RFC 6750 §3), or a success whose body is not what was expected. Like oauth4webapi's
 * `ResponseBodyError` and `WWWAuthenticateChallengeError` in one type, so it can be TanStack
 * Query's default error type.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export class OAuthResponseError extends Error {
  override readonly name = 'OAuthResponseError';
  readonly status: number;
  /** The error code: from the JSON body, else from the first challenge's `error` param. */
  readonly error: string | undefined;
  readonly error_description: string | undefined;
  readonly error_uri: string | undefined;
  readonly wwwAuthenticate: AuthChallenge[];
  readonly exchange: RecordedExchange;

  constructor(exchange: RecordedExchange, message?: string) {
    const body = isRecord(exchange.json) ? exchange.json : {};
    const header = getHeader(exchange.headers, 'www-authenticate');
    const wwwAuthenticate = header === undefined ? [] : parseWwwAuthenticate(header);
    const challengeParams = wwwAuthenticate.find((c) => c.params.error !== undefined)?.params ?? {};
    const error = stringOr(body.error) ?? challengeParams.error;
    const error_description = stringOr(body.error_description) ?? challengeParams.error_description;
    super(
      message ??
        [`HTTP ${exchange.status}`, error, error_description]
          .filter((x) => x !== undefined)
          .join(': '),
      { cause: exchange.json },
    );
    this.status = exchange.status;
    this.error = error;
    this.error_description = error_description;
    this.error_uri = stringOr(body.error_uri) ?? challengeParams.error_uri;
    this.wwwAuthenticate = wwwAuthenticate;
    this.exchange = exchange;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The error of a failed exchange (status 400 and up), or undefined for a success. */
export function responseError(exchange: RecordedExchange): OAuthResponseError | undefined {
  return exchange.status >= 400 ? new OAuthResponseError(exchange) : undefined;
}

/**
 * The parsed JSON object of a successful exchange; throws an {@link OAuthResponseError} for an
 * HTTP error or a body that is not a JSON object.
 */
export function expectJsonObject(exchange: RecordedExchange): Record<string, unknown> {
  const failed = responseError(exchange);
  if (failed) throw failed;
  if (!isRecord(exchange.json)) {
    throw new OAuthResponseError(
      exchange,
      `Expected a JSON object from ${exchange.request.url}, got: ${exchange.bodyText.slice(0, 80) || '(empty body)'}`,
    );
  }
  return exchange.json;
}
