/**
 * Servers that answer nonsense: the runner must record failures with a readable detail and
 * never throw, whatever comes back.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ConformanceReport, runConformance } from '../../src/conformance/run-conformance.ts';

let http: Server | undefined;
afterEach(async () => {
  http?.closeAllConnections();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  http = undefined;
});

async function serve(listener: (origin: string) => RequestListener): Promise<string> {
  let origin = '';
  http = createServer((req, res) => listener(origin)(req, res));
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return origin;
}

const run = (origin: string) =>
  runConformance({
    issuer: origin,
    clientId: 'svc',
    clientSecret: 'a-long-secret',
    api: `${origin}/api`,
    timeoutMs: 2_000,
    json: false,
  });

const byId = (report: ConformanceReport, id: string) => report.results.find((r) => r.id === id);

describe('conformance against odd servers', () => {
  it('reports an HTML page where the metadata should be', async () => {
    const origin = await serve(() => (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const report = await run(origin);
    expect(byId(report, 'discovery.metadata')?.detail).toBe(
      `No metadata found. Tried: ${origin}/.well-known/oauth-authorization-server answered 200 without a JSON object; ${origin}/.well-known/openid-configuration answered 200 without a JSON object`,
    );
    expect(report.exitCode).toBe(1);
  });

  it('records a token endpoint that fails with 500 text, and metadata full of wrong types', async () => {
    const origin = await serve((o) => (req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: o,
            token_endpoint: `${o}/token`,
            jwks_uri: 'not a url',
            introspection_endpoint: 42,
            revocation_endpoint: `${o}/revoke`,
            grant_types_supported: 'client_credentials',
            token_endpoint_auth_methods_supported: ['client_secret_post', 7],
          }),
        );
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal Server Error');
    });
    const report = await run(origin);
    expect(byId(report, 'discovery.jwks')?.outcome).toBe('fail');
    expect(byId(report, 'discovery.response-types')?.outcome).toBe('fail');
    expect(byId(report, 'discovery.grant-types')?.detail).toContain(
      'grant_types_supported is absent',
    );
    // A list with a non-string is no list: RFC 8414's default, client_secret_basic, applies.
    expect(byId(report, 'token.client-secret-basic')).toMatchObject({
      outcome: 'fail',
      detail: '500 (body is not JSON)',
    });
    expect(byId(report, 'negative.missing-grant-type')?.detail).toBe('500 (body is not JSON)');
    expect(byId(report, 'introspection.active')).toMatchObject({
      outcome: 'skipped',
      detail: 'no introspection_endpoint in the metadata',
    });
    expect(byId(report, 'revocation.unknown-token')?.detail).toBe(
      '500 (body is not JSON), expected 200',
    );
    expect(report.exitCode).toBe(1);
    expect(JSON.stringify(report)).not.toContain('a-long-secret');
  });

  it('masks a secret the server echoes back in an error', async () => {
    const origin = await serve((o) => (req, res) => {
      if (req.url?.startsWith('/.well-known/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ issuer: o, token_endpoint: `${o}/token`, response_types_supported: [] }),
        );
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const auth = req.headers.authorization ?? '';
        const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: 'invalid_client',
            error_description: `no client for ${decoded} ${auth} ${body}`,
          }),
        );
      });
    });
    const report = await run(origin);
    const detail = byId(report, 'token.client-secret-basic')?.detail ?? '';
    expect(detail).toMatch(
      /^refused: 401 invalid_client \(no client for svc:\*{8} Basic \*{8} grant_type=client_credentials\)$/,
    );
    expect(report.stopped).toMatch(/^the server refused the credentials for svc: /);
    expect(JSON.stringify(report)).not.toContain('a-long-secret');
  });

  it('records a server that drops the connection on token requests', async () => {
    const origin = await serve((o) => (req, res) => {
      if (req.url?.startsWith('/.well-known/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ issuer: o, token_endpoint: `${o}/token`, response_types_supported: [] }),
        );
        return;
      }
      req.socket.destroy();
    });
    const report = await run(origin);
    expect(byId(report, 'token.client-secret-basic')?.detail).toMatch(
      new RegExp(
        `^POST ${origin}/token: (the server closed the connection without an answer|the connection was reset)$`,
      ),
    );
    expect(report.exitCode).toBe(1);
  });
});
