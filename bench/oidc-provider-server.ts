/**
 * Child process of bench/oidc-provider-throughput.ts: node-oidc-provider (the `oidc-provider`
 * package, major 8, the newest that supports Node 20; 9 wants Node 22) set up for the same job
 * as `npm run server`'s token endpoint, so the bench can set the two side by side.
 *
 *   node --import tsx bench/oidc-provider-server.ts --port <port>
 *
 * - the client credentials grant only, one client `demo-client` / `demo-secret` authenticating
 *   with client_secret_basic, allowed `read:users`;
 * - access tokens as JWTs signed ES256 (RFC 9068), for one resource server whose audience is the
 *   issuer: `features.resourceIndicators` with `accessTokenFormat: 'jwt'`, a `defaultResource`
 *   so the request needs no `resource` parameter (as ours needs none), one hour's lifetime;
 * - node:http with the same keep-alive timeout as scripts/server.ts.
 * It prints "Listening on <origin>" once it answers, like scripts/server.ts.
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8788' } } });
const port = Number(values.port);
const issuer = `http://localhost:${port}`;

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'bench-key', alg: 'ES256', use: 'sig' };

const resourceServer = {
  scope: 'read:users',
  audience: issuer,
  accessTokenTTL: 3600,
  accessTokenFormat: 'jwt' as const,
  jwt: { sign: { alg: 'ES256' as const } },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'demo-client',
      client_secret: 'demo-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'read:users',
      // Its default is RS256, which it could not sign with the one ES256 key below.
      id_token_signed_response_alg: 'ES256',
    },
  ],
  cookies: { keys: ['bench-cookie-key-not-a-secret'] },
  jwks: { keys: [signingKey] },
  scopes: ['read:users'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => issuer,
      useGrantedResource: () => true,
      getResourceServerInfo: () => resourceServer,
    },
  },
  ttl: { ClientCredentials: 3600 },
});

const server = createServer(provider.callback());
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(port, 'localhost', resolve));
console.log(`node-oidc-provider\nListening on ${issuer}`);

process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
