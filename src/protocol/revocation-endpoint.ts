import type { ServerContext } from './context.ts';
import { OAuthError } from './errors.ts';
import { empty, NO_STORE, type ProtocolResponse } from './http.ts';
import { type TokenParamRequest, tokenRequestSteps } from './introspection-endpoint.ts';
import { type VerifiedToken, verifyAccessToken } from './resource-server.ts';
import { type NamedStep, runSteps, step, Trace } from './trace.ts';

interface RevocationRequest extends TokenParamRequest {
  found?: VerifiedToken;
}

/**
 * The revocation checklist. An unknown, expired or already revoked token answers 200 with an
 * empty body (RFC 7009 §2.2). Another client's token is refused with 400 invalid_request and
 * stays live (RFC 7009 §2.1; docs/decisions/revoking-another-clients-token.md).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export const REVOCATION_STEPS: readonly NamedStep<RevocationRequest>[] = [
  ...tokenRequestSteps<RevocationRequest>((c) => c.endpoints.revocation),
  step('findToken', async (t) => {
    const inner = new Trace();
    try {
      t.found = await verifyAccessToken(t.token ?? '', t.context, inner);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      t.trace.detail = `nothing to revoke: ${error.description}`;
    }
  }),
  step('checkTokenOwner', (t) => {
    const owner = t.found?.client_id;
    const caller = t.auth?.client.client_id;
    if (owner !== undefined && owner !== caller) {
      throw new OAuthError(
        'invalid_request',
        'This token was issued to another client, and a client may revoke only its own tokens. Revoke it with the client that requested it.',
        {
          detail: `token of ${owner} (jti ${t.found?.jti}), revocation requested by ${caller}; token stays live`,
        },
      );
    }
  }),
  step('revokeToken', (t) => {
    const found = t.found;
    if (!found) return;
    if (found.jti === undefined) {
      t.trace.detail = 'the token has no jti, so it cannot be put on the revocation list';
      return;
    }
    t.context.state.revoked[found.jti] = found.exp;
    t.context.changed();
    t.trace.detail = `revoked ${found.format} token jti ${found.jti} of ${found.client_id}`;
  }),
];

/**
 * `POST /oauth/revoke`.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
export async function revocationEndpoint(
  request: Request,
  context: ServerContext,
  trace: Trace,
): Promise<ProtocolResponse> {
  await runSteps(REVOCATION_STEPS, { request, context, trace }, trace);
  return empty(200, NO_STORE);
}
