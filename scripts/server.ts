/**
 * `npm run server [-- --port 8787 --host localhost]`: the playground's mock authorization server
 * and resource API over real HTTP, for curl, Postman or your own client code.
 *
 * The same core and the same msw handlers as the page, served by a small node:http adapter.
 * State lives in memory and is gone when the process stops.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createHandlers } from '../src/mocks/handlers.ts';
import { createNodeHttpAdapter, resolveWithHandlers } from '../src/mocks/node-http-adapter.ts';
import { createMockServer } from '../src/protocol/index.ts';
import { createNodeSigner, createNodeVerifier } from './node-signer.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: 'localhost' },
    'admin-origin': { type: 'string', multiple: true, default: [] },
    'admin-token': { type: 'string' },
    'via-msw': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run server -- [--port 8787] [--host localhost] [--admin-origin <origin>]
                          [--admin-token <token>] [--via-msw]

  --port          port to listen on (0: any free port); the issuer is http://localhost:<port>
  --host          interface to bind (default localhost; 0.0.0.0 to accept other machines, which
                  then need the admin token for /__admin)
  --admin-origin  a web origin, besides localhost ones, whose pages may call /__admin
                  (repeatable), e.g. --admin-origin https://app.test:3000
  --admin-token   the token other machines send to /__admin as Authorization: Bearer <token>
                  (with a --host other than localhost, one is made up and printed if not given)
  --via-msw       route each request through the msw handlers (getResponse) instead of calling
                  the core directly: the page's exact path, several times slower (see bench/)`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a number from 0 to 65535, got "${values.port}".`);
  process.exit(2);
}
const host = values.host;
const adminOrigins = values['admin-origin'];
for (const origin of adminOrigins) {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    !/^https?:$/.test(parsed.protocol) ||
    parsed.origin !== origin.replace(/\/$/, '')
  ) {
    console.error(
      `--admin-origin must be an origin such as https://app.test:3000 (scheme, host, port; no path), got "${origin}".`,
    );
    process.exit(2);
  }
}
const localOnly = host === 'localhost' || host === '::1' || /^127\./.test(host);
// Other machines reach /__admin (client secrets, reset, keys) only with this token.
const adminToken =
  values['admin-token'] ?? (localOnly ? undefined : randomBytes(18).toString('base64url'));
if (adminToken !== undefined && !/^[A-Za-z0-9._~+/-]{16,}=*$/.test(adminToken)) {
  console.error('--admin-token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / -.');
  process.exit(2);
}

// Listen first, so `--port 0` works and the hosts can name the real port.
const requests: { listener?: ReturnType<typeof createNodeHttpAdapter> } = {};
const http = createServer((req, res) => {
  if (requests.listener) return requests.listener(req, res);
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  res.end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'Starting up.' }));
});
http.keepAliveTimeout = 30_000;

await new Promise<void>((resolve) => {
  http.once('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      console.error(
        `Port ${port} on ${host} is already in use (another \`npm run server\`?).\n` +
          `Stop that process, or pick another port: npm run server -- --port ${port + 1}`,
      );
    } else if (error.code === 'EACCES') {
      console.error(`Not allowed to listen on ${host}:${port}. Pick a port above 1023.`);
    } else {
      console.error(`Cannot listen on ${host}:${port}: ${error.message}`);
    }
    process.exit(1);
  });
  http.listen(port, host, resolve);
});

const actualPort = (http.address() as AddressInfo).port;
const origin = `http://localhost:${actualPort}`;

// signing-client authenticates with private_key_jwt: the page makes its key pair in the browser;
// here the server makes one per start and hands the private half to you as a file.
const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
const publicJwk: JWK = await exportJWK(publicKey);
const kid = await calculateJwkThumbprint(publicJwk);
const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
// In the project, in a git-ignored folder, so it is easy to find and never committed.
const keyDir = fileURLToPath(new URL('../.playground/', import.meta.url));
await mkdir(keyDir, { recursive: true, mode: 0o700 });
const keyFile = join(keyDir, `signing-client.${actualPort}.private.jwk.json`);
await writeFile(keyFile, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 });

// Access tokens are signed with node:crypto's sign on libuv's thread pool (see createNodeSigner).
const signer = createNodeSigner();

const server = await createMockServer({
  issuer: origin,
  apiOrigin: origin,
  audience: origin,
  signingClientJwks: { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] },
  signer,
  verifier: createNodeVerifier(),
});
// The handlers only delegate to server.handle, and the adapter serves one origin, so both paths
// answer the same; msw's matching (it clones the request per handler tried) and the Web bodies it
// needs cost more than the token endpoint itself, so calling the core directly is the default.
requests.listener = createNodeHttpAdapter(
  values['via-msw'] ? resolveWithHandlers(createHandlers(server)) : server,
  {
    origin,
    access: {
      adminOrigins,
      adminToken,
      hostNames: localOnly || isIP(host) !== 0 ? [] : [host],
    },
  },
);

const endpoints: [string, string][] = [
  ['GET  /.well-known/oauth-authorization-server', 'RFC 8414 metadata'],
  ['GET  /.well-known/jwks.json', 'public signing keys'],
  ['POST /oauth/token', 'client credentials grant'],
  ['POST /oauth/introspect', 'RFC 7662 introspection'],
  ['POST /oauth/revoke', 'RFC 7009 revocation'],
  ['GET  /api/v1/users', 'needs read:users'],
  ['GET  /api/v1/orders', 'needs read:orders'],
  ['POST /api/v1/orders', 'needs write:orders'],
  ['     /__admin/...', 'reset, clock, clients, keys/rotate, mint, log'],
  ['PUT  /__admin/faults', 'inject faults: {"faults": [...]}; GET reads them, DELETE clears'],
  ['GET  /ci/.well-known/openid-configuration', 'the mock workload (CI) platform'],
  ['POST /ci/workload-token', 'a workload token: {"subject", "audience", "ttl"?}'],
];
const clients: [string, string, string][] = [
  ['demo-client', 'demo-secret', 'read:users'],
  ['orders-service', 'orders-secret', 'read:orders write:orders'],
  ['reporting-job', 'reporting-secret', 'read:users read:orders (opaque tokens)'],
  ['cron-sync', 'cron-secret', 'read:users (5 token requests a minute)'],
  ['signing-client', 'private_key_jwt', 'read:users read:orders (key file below)'],
  ['warehouse-sync', 'no secret', 'read:orders (a main-branch workload token from /ci)'],
  ['dpop-client', 'dpop-secret', 'read:users read:orders (every token request needs a DPoP proof)'],
];

console.log(`Client Credentials Playground mock server
Listening on ${origin}  (issuer, API and audience)${host === 'localhost' ? '' : `  bound to ${host}`}${values['via-msw'] ? '  via the msw handlers' : ''}
${
  localOnly
    ? ''
    : `
WARNING: bound to ${host}: other machines can reach this server. Anyone who can connect gets
tokens with the seeded client secrets, which are public (they are printed below and in the
README). /__admin answers other machines only with the admin token printed below.
`
}
Endpoints
${endpoints.map(([route, what]) => `  ${route.padEnd(46)} ${what}`).join('\n')}

Clients (client_id / credentials / scopes)
${clients.map(([id, cred, scopes]) => `  ${id.padEnd(15)} ${cred.padEnd(17)} ${scopes}`).join('\n')}

signing-client's private key (ES256 JWK, kid ${kid}), removed when the server stops:
  ${keyFile}
${adminNotice()}
Try it:
curl -X POST '${origin}/oauth/token' \\
  -H 'Content-Type: application/json' \\
  -d '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret","scope":"read:users"}'

curl -X GET '${origin}/api/v1/users' \\
  -H 'Authorization: Bearer <access_token>'

Ctrl+C stops the server.`);

/** Who the control API answers, and the admin token other machines need. */
function adminNotice(): string {
  const origins =
    adminOrigins.length > 0 ? `localhost and ${adminOrigins.join(', ')}` : 'localhost';
  const lines = [`/__admin answers web pages from ${origins} only.`];
  if (adminToken !== undefined) {
    lines.push(
      'Other machines send the admin token with each /__admin call (this machine needs none):',
      `  Authorization: Bearer ${adminToken}`,
    );
  }
  return `\n${lines.join('\n')}\n`;
}

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping.`);
  http.close();
  http.closeAllConnections();
  await rm(keyFile, { force: true });
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
