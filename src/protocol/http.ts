/** The core's own response value: turned into a Web `Response` at the edge, logged as is. */
export interface ProtocolResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value to send, or undefined for an empty body. */
  body?: unknown;
  /** Answer nothing: end the connection (an injected `drop` fault). */
  drop?: true;
}

/** A JSON response. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ProtocolResponse {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

/** A response with no body. */
export function empty(status: number, headers: Record<string, string> = {}): ProtocolResponse {
  return { status, headers };
}

/** Headers every token-bearing or credential-bearing answer carries (RFC 6749 §5.1). */
export const NO_STORE: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

/** A response ready for the wire: the body serialized, no Web `Response` (and no stream) made. */
export interface SerializedResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or null for an empty body. */
  body: string | null;
  /** Answer nothing: the runtime ends the connection (Node) or fails the fetch (the page). */
  drop?: true;
}

/** Serialize a ProtocolResponse's body; `toResponse` and the Node adapter both send this. */
export function serialize(response: ProtocolResponse): SerializedResponse {
  const body = response.body === undefined ? null : JSON.stringify(response.body);
  return {
    status: response.status,
    headers: response.headers,
    body,
    ...(response.drop && { drop: true }),
  };
}

/** The empty answer of a dropped connection: nothing reaches the client. */
export function dropped(): ProtocolResponse {
  return { status: 0, headers: {}, drop: true };
}

/**
 * Turn a ProtocolResponse into a Web Response; a dropped one is `Response.error()`, a network
 * error, which makes the page's `fetch` reject (msw passes it on as such).
 */
export function toResponse(response: ProtocolResponse): Response {
  if (response.drop) return Response.error();
  const { status, headers, body } = serialize(response);
  return new Response(body, { status, headers });
}
