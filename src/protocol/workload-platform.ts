import { type JSONWebKeySet, SignJWT } from 'jose';
import type { ServerContext } from './context.ts';
import { OAuthError } from './errors.ts';
import { json, NO_STORE, type ProtocolResponse } from './http.ts';
import { readJsonBody } from './parse-body.ts';
import { redactJson } from './redact.ts';
import { check, type Trace } from './trace.ts';

/**
 * The mock workload platform (CONTRACT.md, Additions, "A third host"): a CI system that gives each
 * job it runs a short-lived identity token signed with its own key, the way CI systems and
 * container orchestrators do. Here the learner plays the platform and asks for the token.
 *
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-4.1
 */

/** Seconds a workload token lives unless asked otherwise, and at most. */
export const WORKLOAD_TOKEN_TTL = { default: 300, max: 3600 } as const;

/** The one algorithm the platform signs with. */
export const WORKLOAD_TOKEN_ALG = 'ES256';

/** What `POST {ci}/workload-token` takes. */
export interface WorkloadTokenInput {
  subject: string;
  audience: string;
  ttl: number;
}

const FIELDS = ['subject', 'audience', 'ttl'];
const PRINTABLE = /^[\x20-\x7E]{1,512}$/;

const invalid = (description: string, detail?: string) =>
  new OAuthError('invalid_request', description, { detail: detail ?? description });

/** Validate a workload-token request body: `{subject, audience, ttl?}`. */
export function parseWorkloadTokenInput(body: unknown): WorkloadTokenInput {
  const example =
    '{"subject": "repo:acme/warehouse-sync:ref:refs/heads/main", "audience": "https://auth.example.com", "ttl": 300}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(`Send a JSON object such as ${example}.`, 'body is not a JSON object');
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) {
    throw invalid(`Unknown field(s) ${unknown.join(', ')}. Send subject, audience and ttl only.`);
  }
  for (const name of ['subject', 'audience'] as const) {
    const value = input[name];
    if (typeof value !== 'string' || !PRINTABLE.test(value)) {
      throw invalid(
        `${name} must be a string of 1 to 512 printable ASCII characters, e.g. ${example}.`,
        `${name} ${JSON.stringify(value)?.slice(0, 80)}`,
      );
    }
  }
  const ttl = input.ttl ?? WORKLOAD_TOKEN_TTL.default;
  if (
    typeof ttl !== 'number' ||
    !Number.isInteger(ttl) ||
    ttl < 1 ||
    ttl > WORKLOAD_TOKEN_TTL.max
  ) {
    throw invalid(
      `ttl must be a whole number of seconds from 1 to ${WORKLOAD_TOKEN_TTL.max} (default ${WORKLOAD_TOKEN_TTL.default}).`,
    );
  }
  return { subject: input.subject as string, audience: input.audience as string, ttl };
}

/**
 * Sign a workload token with the platform's active key: header `typ: "JWT"`, claims `iss` (the
 * platform), `sub`, `aud`, `iat`, `exp`, `jti`.
 */
export async function signWorkloadToken(
  context: ServerContext,
  input: WorkloadTokenInput,
): Promise<{ token: string; claims: Record<string, unknown> }> {
  const key = context.ciKeys.active();
  const iat = context.clock.now();
  const claims = {
    iss: context.endpoints.ci.issuer,
    sub: input.subject,
    aud: input.audience,
    iat,
    exp: iat + input.ttl,
    jti: crypto.randomUUID(),
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.stored.alg, typ: 'JWT', kid: key.stored.kid })
    .sign(key.privateKey);
  return { token, claims };
}

/**
 * `POST {ci}/workload-token`: a token for the job the caller says it is. A real platform hands
 * one only to the job it runs (its identity is the platform's to vouch for); here anyone may ask.
 */
export async function workloadTokenEndpoint(
  request: Request,
  context: ServerContext,
  trace: Trace,
): Promise<ProtocolResponse> {
  const body = await readJsonBody(request);
  if (body) trace.requestBody = JSON.stringify(redactJson(body.value));
  const input = check(trace, 'parseWorkloadRequest', () => {
    if (!body) {
      throw invalid(
        'Send a JSON body with subject and audience (Content-Type: application/json).',
        'empty body',
      );
    }
    return parseWorkloadTokenInput(body.value);
  });
  const { token, claims } = await signWorkloadToken(context, input);
  trace.pass('issueWorkloadToken');
  trace.detail = `issued a workload token for sub ${input.subject}, aud ${input.audience}, exp ${claims.exp} (${input.ttl} s), signed with platform key ${context.ciKeys.active().stored.kid}`;
  return json(200, { token }, NO_STORE);
}

/**
 * `GET {ci}/.well-known/openid-configuration`: where a relying party finds the platform's keys.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export function ciMetadata(context: ServerContext): Record<string, unknown> {
  const ci = context.endpoints.ci;
  return {
    issuer: ci.issuer,
    jwks_uri: ci.jwks,
    id_token_signing_alg_values_supported: [WORKLOAD_TOKEN_ALG],
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'jti'],
  };
}

/** The platform's public keys. */
export function ciJwks(context: ServerContext): JSONWebKeySet {
  return context.ciKeys.jwks();
}
