/**
 * The node:http adapter under raw HTTP/1.1: request targets and headers that fetch would never
 * send (absolute-form, `//host`, `*`, bad percent-encodings, repeated headers), straight onto a
 * socket of the real `npm run server`. Every answer is a 2xx/4xx JSON one, never a 5xx.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';

let server: SpawnedServer;

beforeAll(async () => {
  server = await spawnServer();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

function raw(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
    socket.end(text, 'latin1');
  });
}

const get = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}\r\n`;

describe('node:http adapter, raw requests', () => {
  const targets: [string, number][] = [
    ['/%', 404],
    ['/%zz', 404],
    ['/%00', 404],
    ['//evil.example.net/oauth/token', 404],
    ['http://evil.example.net/.well-known/jwks.json', 200],
    ['/.well-known/jwks.json?%zz', 200],
    ['/api/v1/users?access_token', 400],
  ];
  for (const [target, status] of targets) {
    it(`answers GET ${target} with ${status} JSON, on our own origin`, async () => {
      const answer = await raw(server.port, get(target));
      expect(answer.status, answer.head).toBe(status);
      expect(answer.head.toLowerCase()).toContain('content-type: application/json');
      expect(() => JSON.parse(answer.body)).not.toThrow();
      // Answered by the core on our origin (it stamps x-request-id), not by the adapter's fallback.
      expect(answer.head.toLowerCase()).toContain('x-request-id:');
    });
  }

  it('answers OPTIONS * without a 5xx', async () => {
    const answer = await raw(
      server.port,
      'OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
  });

  it('serves the issuer whatever the Host header says', async () => {
    const answer = await raw(
      server.port,
      'GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: evil.example.net\r\nConnection: close\r\n\r\n',
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).issuer).toBe(server.origin);
  });

  it('passes a repeated Authorization header on (the core refuses it), never a 5xx', async () => {
    const basic = Buffer.from('demo-client:demo-secret').toString('base64');
    const body = 'grant_type=client_credentials';
    const answer = await raw(
      server.port,
      `POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nAuthorization: Basic ${basic}\r\nAuthorization: Basic ${basic}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(typeof JSON.parse(answer.body).error).toBe('string');
  });

  for (const [target, status] of [
    ['/oauth/token', 405],
    ['/__admin/reset', 405],
    ['/nope', 404],
  ] as const) {
    it(`answers TRACE ${target} with ${status} JSON (a method no Request can carry), not 500`, async () => {
      const answer = await raw(
        server.port,
        `TRACE ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status, answer.head).toBe(status);
      expect(JSON.parse(answer.body).error).toBe(
        status === 405 ? 'method_not_allowed' : 'not_found',
      );
      if (status === 405) expect(answer.head.toLowerCase()).toMatch(/\r\nallow: post, options/);
    });
  }

  it('says nothing when a client goes away mid-body, and goes on answering', async () => {
    const before = server.output().length;
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        socket.on('error', reject);
        socket.on('close', () => resolve());
        socket.write(
          'POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=client_cre',
          () => setTimeout(() => socket.destroy(), 50),
        );
      });
    }
    const after = await raw(server.port, get('/.well-known/jwks.json'));
    expect(after.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.output().slice(before)).toBe('');
  });

  it('answers a 2 MiB body with 400 invalid_request (drained, not buffered)', async () => {
    const body = `grant_type=client_credentials&pad=${'a'.repeat(2 * 1024 * 1024)}`;
    const answer = await raw(
      server.port,
      `POST /oauth/token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toBe('invalid_request');
  });
});
