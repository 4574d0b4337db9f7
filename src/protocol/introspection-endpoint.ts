import { type AuthenticatedClient, authenticateClient } from './authenticate-client.ts';
import type { ServerContext } from './context.ts';
import { type EndpointState, stepsEndpoint } from './endpoint.ts';
import { OAuthError } from './errors.ts';
import { json, NO_STORE } from './http.ts';
import { type Params, parseBody, rejectDuplicateParams } from './parse-body.ts';
import { verifyAccessToken } from './resource-server.ts';
import { type NamedStep, step, Trace } from './trace.ts';

/** An RFC 7662 answer: the token's claims when active, otherwise exactly `{active: false}`. */
export type IntrospectionResponse =
  | {
      active: true;
      scope: string;
      client_id: string;
      sub: string;
      aud: string | string[];
      iss: string;
      exp: number;
      iat: number | undefined;
      jti: string | undefined;
      /** `DPoP` for a DPoP-bound token (RFC 9449 §6.2), else `Bearer`. */
      token_type: 'Bearer' | 'DPoP';
      /** The key a DPoP-bound token is bound to (RFC 9449 §6.2). */
      cnf?: { jkt: string };
    }
  | { active: false };

/** What introspection and revocation both carry through their shared opening steps. */
export interface TokenParamRequest {
  readonly request: Request;
  readonly context: ServerContext;
  readonly trace: Trace;
  params?: Params;
  auth?: AuthenticatedClient;
  token?: string;
}

interface IntrospectionRequest extends TokenParamRequest, EndpointState {}

/** Shared opening of introspection and revocation: body, duplicates, client auth, `token`. */
export function tokenRequestSteps<T extends TokenParamRequest>(
  endpointUrl: (context: ServerContext) => string,
): NamedStep<T>[] {
  return [
    step<T>('parseBody', async (t) => {
      const raw = await parseBody(t.request);
      t.trace.requestBody = raw.redacted;
      t.params = rejectDuplicateParams(raw);
    }),
    step<T>('authenticateClient', async (t) => {
      if (!t.params) throw new Error('out of order');
      t.auth = await authenticateClient(
        t.request,
        t.params,
        t.context,
        t.trace,
        endpointUrl(t.context),
      );
    }),
    step<T>('checkTokenParam', (t) => {
      const token = t.params?.get('token');
      if (token === undefined) {
        throw new OAuthError(
          'invalid_request',
          'token is missing. Send the token to look at as token=<the token>.',
          {
            detail: 'no token parameter',
          },
        );
      }
      t.token = token;
    }),
  ];
}

/**
 * The introspection checklist. Any authenticated client may introspect: that is the resource
 * server's use case. `token_type_hint` is only a hint and is not needed to find the token. A
 * DPoP-bound token shows its key as `cnf.jkt`; the binding itself is the API's to check.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.2
 */
export const INTROSPECTION_STEPS: readonly NamedStep<IntrospectionRequest>[] = [
  ...tokenRequestSteps<IntrospectionRequest>((c) => c.endpoints.introspection),
  step('introspectToken', async (t) => {
    const inner = new Trace();
    try {
      const v = await verifyAccessToken(t.token ?? '', t.context, inner);
      const body: IntrospectionResponse = {
        active: true,
        scope: v.scope,
        client_id: v.client_id,
        sub: v.sub,
        aud: v.aud,
        iss: v.iss,
        exp: v.exp,
        iat: v.iat,
        jti: v.jti,
        token_type: v.jkt === undefined ? 'Bearer' : 'DPoP',
        ...(v.jkt !== undefined && { cnf: { jkt: v.jkt } }),
      };
      t.trace.detail = `active ${v.format} token of ${v.client_id} (checked: ${inner.steps.map((s) => s.name).join(', ')})`;
      t.response = json(200, body, NO_STORE);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      t.trace.detail = `inactive: ${error.description}${error.detail ? ` (${error.detail})` : ''}`;
      t.response = json(200, { active: false } satisfies IntrospectionResponse, NO_STORE);
    } finally {
      t.trace.steps.push(...inner.steps.map((s) => ({ name: `token.${s.name}`, ok: s.ok })));
    }
  }),
];

/**
 * `POST /oauth/introspect`.
 * @see https://www.rfc-editor.org/rfc/rfc7662
 */
export const introspectionEndpoint = stepsEndpoint<IntrospectionRequest>(INTROSPECTION_STEPS);
