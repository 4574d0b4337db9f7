/**
 * Find the server through its metadata and check the metadata itself.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
import type { ClientAuthMethod } from './client-auth.ts';
import { type ConformanceRun, isLoopback, metaList, metaString } from './conformance-run.ts';
import { jsonObject, type ProbeResponse, Unreachable } from './http-probe.ts';

/**
 * The well-known URLs to try, in order: RFC 8414's (the well-known segment goes between the host
 * and the issuer's path), then OpenID Connect's (appended to the issuer).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const oauth = `${url.origin}/.well-known/oauth-authorization-server${path}`;
  const base = issuer.replace(/\/$/, '');
  const oidc = `${base}/.well-known/openid-configuration`;
  // Keycloak and others also serve RFC 8414's document appended to a path issuer.
  return path === ''
    ? [oauth, oidc]
    : [oauth, oidc, `${base}/.well-known/oauth-authorization-server`];
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Fetch the metadata; false when the server answers without it (the run stops there). Throws
 * Unreachable when no URL got an answer at all.
 */
export async function discover(run: ConformanceRun): Promise<boolean> {
  const tried: string[] = [];
  let unreachable = 0;
  let found: { url: string; response: ProbeResponse; body: Record<string, unknown> } | undefined;
  for (const url of metadataUrls(run.options.issuer)) {
    try {
      const response = await run.send(url);
      const body = jsonObject(response);
      if (response.status === 200 && body) {
        found = { url, response, body };
        break;
      }
      tried.push(`${url} answered ${response.status}${body ? '' : ' without a JSON object'}`);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      tried.push(error.message);
      unreachable++;
      // A host that cannot be reached at all will not answer the second URL either.
      if (/refused|not found|lookup|unreachable|TLS|bad port/.test(error.message)) break;
    }
  }
  if (!found) {
    // Nothing answered at all: the run cannot say anything about the server.
    if (unreachable === tried.length) throw new Unreachable(tried.join('; '));
    run.fail('discovery.metadata', `No metadata found. Tried: ${tried.join('; ')}`);
    return false;
  }
  const contentType = found.response.headers.get('content-type') ?? '';
  run.expect(
    'discovery.metadata',
    /^application\/json\b/i.test(contentType),
    `${found.url} (Content-Type: ${contentType || 'none'})`,
  );
  run.metadata = found.body;
  run.metadataUrl = found.url;
  return true;
}

/** RFC 8414 §2 and §3.3 checks on the metadata; sets the token endpoint and the methods to use. */
export async function checkMetadata(run: ConformanceRun): Promise<void> {
  const { metadata, options } = run;
  const issuer = metaString(metadata, 'issuer');
  run.expect(
    'discovery.issuer',
    issuer === options.issuer,
    issuer === undefined
      ? 'the metadata has no issuer'
      : issuer === options.issuer
        ? issuer
        : `the metadata says ${JSON.stringify(issuer)}, the issuer asked for is ${JSON.stringify(options.issuer)} (they must be identical, including any trailing slash)`,
  );

  const tokenEndpoint = metaString(metadata, 'token_endpoint');
  let tokenUrlOk = false;
  try {
    tokenUrlOk = tokenEndpoint !== undefined && /^https?:$/.test(new URL(tokenEndpoint).protocol);
  } catch {
    tokenUrlOk = false;
  }
  run.expect(
    'discovery.token-endpoint',
    tokenUrlOk,
    tokenEndpoint === undefined ? 'no token_endpoint in the metadata' : tokenEndpoint,
  );
  if (tokenUrlOk) run.tokenEndpoint = tokenEndpoint;

  const endpoints = [
    'issuer',
    'token_endpoint',
    'jwks_uri',
    'introspection_endpoint',
    'revocation_endpoint',
  ]
    .map((name) => [name, metaString(metadata, name)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const plain = endpoints.filter(([, url]) => !url.startsWith('https://'));
  if (plain.length === 0) run.pass('discovery.tls', 'every endpoint is https');
  else if (plain.every(([, url]) => isLoopback(url)))
    run.skip('discovery.tls', 'plain http on a loopback address (a local test server)');
  else run.fail('discovery.tls', `not https: ${plain.map(([n, u]) => `${n} ${u}`).join(', ')}`);

  const responseTypes = metadata.response_types_supported;
  run.expect(
    'discovery.response-types',
    Array.isArray(responseTypes),
    Array.isArray(responseTypes)
      ? `[${responseTypes.join(', ')}]`
      : 'response_types_supported is missing (REQUIRED even for servers without an authorization endpoint; [] is allowed)',
  );

  const grantTypes = metaList(metadata, 'grant_types_supported');
  if (grantTypes === undefined)
    run.observe(
      'discovery.grant-types',
      'grant_types_supported is absent, which means ["authorization_code", "implicit"]: client_credentials is not advertised',
      'grantTypesOptional',
    );
  else
    run.expect(
      'discovery.grant-types',
      grantTypes.includes('client_credentials'),
      `[${grantTypes.join(', ')}]`,
    );

  const advertised = metaList(metadata, 'token_endpoint_auth_methods_supported');
  // RFC 8414 §2: when omitted, the default is client_secret_basic.
  const methods = advertised ?? ['client_secret_basic'];
  const usable: ClientAuthMethod[] = [];
  const given: ClientAuthMethod[] = [];
  for (const method of ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const) {
    const have = method === 'private_key_jwt' ? run.assertionKey : options.clientSecret;
    if (!have) continue;
    given.push(method);
    if (methods.includes(method)) usable.push(method);
  }
  // The list is what the server advertises, not all it accepts: when the credentials fit none of
  // it, try each of them anyway, and let the token endpoint say whether they work.
  run.methods = usable.length > 0 ? usable : given;
  run.unadvertised = usable.length > 0 ? [] : given;
  run.advertisedMethods = advertised;

  const jwtMethods = methods.filter((m) => m === 'private_key_jwt' || m === 'client_secret_jwt');
  const algs = metaList(metadata, 'token_endpoint_auth_signing_alg_values_supported');
  if (jwtMethods.length === 0)
    run.skip('discovery.auth-signing-algs', 'no JWT client authentication advertised');
  else if (algs === undefined)
    run.fail(
      'discovery.auth-signing-algs',
      `${jwtMethods.join(' and ')} advertised without token_endpoint_auth_signing_alg_values_supported`,
    );
  else
    run.expect(
      'discovery.auth-signing-algs',
      !algs.includes('none'),
      `[${algs.join(', ')}]${algs.includes('none') ? ': "none" must never be listed' : ''}`,
    );

  const scopes = metaList(metadata, 'scopes_supported');
  run.expect(
    'discovery.scopes',
    scopes !== undefined,
    scopes ? `[${scopes.join(', ')}]` : 'scopes_supported is absent',
  );

  await checkJwks(run);
}

/** Fetch jwks_uri and check it holds public keys only. */
async function checkJwks(run: ConformanceRun): Promise<void> {
  const jwksUri = metaString(run.metadata, 'jwks_uri');
  const ids = ['discovery.jwks', 'discovery.jwks-public-only', 'discovery.jwks-kid'] as const;
  if (!jwksUri) {
    run.skipAll(ids, 'no jwks_uri in the metadata');
    return;
  }
  await run.attempt([...ids], async () => {
    const response = await run.send(jwksUri);
    const keys = jsonObject(response)?.keys;
    if (response.status !== 200 || !Array.isArray(keys)) {
      run.fail('discovery.jwks', `${jwksUri} answered ${response.status} without a "keys" list`);
      run.skipAll(ids, 'no JWKS');
      return;
    }
    run.pass('discovery.jwks', `${keys.length} key(s) at ${jwksUri}`);
    const exposed = keys.flatMap((key, index) =>
      PRIVATE_JWK_MEMBERS.filter((m) => typeof key === 'object' && key !== null && m in key).map(
        (m) => `key ${index} has "${m}"`,
      ),
    );
    run.expect(
      'discovery.jwks-public-only',
      exposed.length === 0,
      exposed.length === 0
        ? 'no private members'
        : `PRIVATE KEY MATERIAL PUBLISHED: ${exposed.join(', ')}`,
    );
    const kids = keys.map((key) => (typeof key?.kid === 'string' ? key.kid : undefined));
    const noKid = kids.filter((kid) => kid === undefined).length;
    const named = kids.filter((kid): kid is string => kid !== undefined);
    const shared = [...new Set(named.filter((kid, i) => named.indexOf(kid) !== i))];
    const without =
      noKid === 0 ? '' : ` (${noKid} of ${keys.length} without a kid, which is OPTIONAL)`;
    run.expect(
      'discovery.jwks-kid',
      shared.length === 0,
      shared.length === 0
        ? `${named.length} distinct kid value(s)${without}`
        : `two keys share kid ${shared.map((k) => JSON.stringify(k)).join(', ')}${without}`,
    );
  });
}
