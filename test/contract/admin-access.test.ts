/**
 * Who may use `npm run server`'s control API (src/mocks/admin-access.ts): what a web page can
 * and cannot do to `/__admin`, what a person at a terminal still can, and the admin token when
 * the server listens beyond localhost. Over real HTTP, with the headers a browser would send.
 */
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP/1.1 request with exactly these headers (fetch would refuse to set Host or Origin). */
function call(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const EVIL = 'https://evil.example';
const LOCAL_APP = 'http://localhost:5173';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function activeKid(origin: string): Promise<string> {
  const { text } = await call(`${origin}/__admin/keys`, 'GET');
  const keys = JSON.parse(text).keys as { kid: string; status: string }[];
  return keys.find((k) => k.status === 'active')?.kid ?? '';
}

async function clockOffset(origin: string): Promise<number> {
  return JSON.parse((await call(`${origin}/__admin/clock`, 'GET')).text).offset;
}

describe('/__admin on npm run server (localhost)', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer(['--admin-origin', 'https://app.test:3000']);
  }, 60_000);
  afterAll(() => server?.stop());

  it('a terminal (no Origin) still resets with a body-less POST, as the README shows', async () => {
    await call(`${server.origin}/__admin/clock`, 'POST', JSON_TYPE, '{"advance":60}');
    const r = await call(`${server.origin}/__admin/reset`, 'POST');
    expect(r.status, r.text).toBe(200);
    expect(await clockOffset(server.origin)).toBe(0);
  });

  it('another site cannot read the clients (their secrets) or the log', async () => {
    for (const path of ['/__admin/clients', '/__admin/log', '/__admin/clock']) {
      const r = await call(`${server.origin}${path}`, 'GET', { origin: EVIL });
      expect(r.status, r.text).toBe(403);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.text).not.toContain('demo-secret');
      expect(JSON.parse(r.text)).toEqual({
        error: 'access_denied',
        error_description: expect.stringContaining('not https://evil.example'),
      });
    }
    // What a page sends without an Origin (an <img>, a <script>, a link) says cross-site.
    const noCors = await call(`${server.origin}/__admin/clients`, 'GET', {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'no-cors',
    });
    expect(noCors.status).toBe(403);
  });

  it("another site's form cannot reset the server or rotate its keys", async () => {
    await call(`${server.origin}/__admin/clock`, 'POST', JSON_TYPE, '{"advance":60}');
    const kid = await activeKid(server.origin);
    for (const origin of [EVIL, 'null']) {
      for (const path of ['/__admin/reset', '/__admin/keys/rotate', '/__admin/keys/retire']) {
        const r = await call(`${server.origin}${path}`, 'POST', { origin, ...FORM }, 'x=1');
        expect(r.status, `${origin} ${path}: ${r.text}`).toBe(403);
      }
    }
    expect(await activeKid(server.origin)).toBe(kid);
    expect(await clockOffset(server.origin)).toBe(60);
  });

  it('a localhost page may call /__admin, but a state change must be JSON (no form, no no-cors)', async () => {
    const kid = await activeKid(server.origin);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) {
      const r = await call(`${server.origin}/__admin/keys/rotate`, 'POST', {
        origin: LOCAL_APP,
        'content-type': type,
      });
      expect(r.status, `${type}: ${r.text}`).toBe(403);
      expect(JSON.parse(r.text).error_description).toMatch(/Content-Type: application\/json/);
    }
    const bare = await call(`${server.origin}/__admin/reset`, 'POST', { origin: LOCAL_APP });
    expect(bare.status).toBe(403);
    expect(await activeKid(server.origin)).toBe(kid);

    const ok = await call(`${server.origin}/__admin/reset`, 'POST', {
      origin: LOCAL_APP,
      ...JSON_TYPE,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(LOCAL_APP);
    expect(ok.headers.vary).toContain('Origin');
    const read = await call(`${server.origin}/__admin/clients`, 'GET', {
      origin: 'http://127.0.0.1:4173',
    });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe('http://127.0.0.1:4173');
  });

  it('answers preflights for /__admin from allowed origins only', async () => {
    const preflight = (origin: string) =>
      call(`${server.origin}/__admin/clients/x`, 'OPTIONS', {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      });
    const local = await preflight(LOCAL_APP);
    expect(local.status).toBe(204);
    expect(local.headers['access-control-allow-origin']).toBe(LOCAL_APP);
    expect(local.headers['access-control-allow-methods']).toContain('PUT');
    expect(local.headers['access-control-allow-headers']).toContain('content-type');
    const flagged = await preflight('https://app.test:3000');
    expect(flagged.status).toBe(204);
    expect(flagged.headers['access-control-allow-origin']).toBe('https://app.test:3000');
    const evil = await preflight(EVIL);
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('an origin given with --admin-origin reads and changes /__admin like a localhost one', async () => {
    const r = await call(`${server.origin}/__admin/clients`, 'GET', {
      origin: 'https://app.test:3000',
    });
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.test:3000');
  });

  it('refuses a Host that is not this machine (DNS rebinding), even same-origin', async () => {
    const port = server.port;
    const r = await call(`${server.origin}/__admin/clients`, 'GET', {
      host: `rebound.example:${port}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(r.status).toBe(403);
    expect(r.text).not.toContain('demo-secret');
    const disguised = await call(`${server.origin}/__admin/clients`, 'GET', {
      host: `rebound.example@localhost:${port}`,
    });
    expect(disguised.status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await call(`${server.origin}/__admin/clock`, 'GET', { host })).status).toBe(200);
    }
  });

  it('keeps the OAuth endpoints and the API open to a browser app on any origin', async () => {
    const preflight = await call(`${server.origin}/oauth/token`, 'OPTIONS', {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization,content-type');
    const token = await call(
      `${server.origin}/oauth/token`,
      'POST',
      { origin: EVIL, ...JSON_TYPE },
      '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":"demo-secret"}',
    );
    expect(token.status, token.text).toBe(200);
    expect(token.headers['access-control-allow-origin']).toBe('*');
    const users = await call(`${server.origin}/api/v1/users`, 'GET', {
      origin: EVIL,
      authorization: `Bearer ${JSON.parse(token.text).access_token}`,
    });
    expect(users.status).toBe(200);
    expect(users.headers['access-control-allow-origin']).toBe('*');
  });
});

/** An address of this machine that is not loopback: a connection to it is "another machine". */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && !i.internal && i.family === 'IPv4')?.address;

describe('npm run server -- --host 0.0.0.0', () => {
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer(['--host', '0.0.0.0']);
  }, 60_000);
  afterAll(() => server?.stop());

  const printedToken = () =>
    /Authorization: Bearer (\S+)/.exec(server.output())?.[1] ?? 'no token printed';

  it('warns, and prints the admin token it made up', () => {
    expect(server.output()).toMatch(/WARNING: bound to 0\.0\.0\.0: other machines can reach/);
    expect(printedToken()).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it.skipIf(lanAddress === undefined)(
    '/__admin answers another machine only with the token; the OAuth endpoints answer anyone',
    async () => {
      const remote = `http://${lanAddress}:${server.port}`;
      const none = await call(`${remote}/__admin/clients`, 'GET');
      expect(none.status, none.text).toBe(401);
      expect(none.text).not.toContain('demo-secret');
      expect(JSON.parse(none.text).error).toBe('missing_token');
      expect(none.headers['www-authenticate']).toBe('Bearer realm="__admin"');
      const wrong = await call(`${remote}/__admin/reset`, 'POST', {
        authorization: 'Bearer not-the-token-at-all',
      });
      expect(wrong.status).toBe(401);
      expect(JSON.parse(wrong.text).error).toBe('invalid_token');
      const right = await call(`${remote}/__admin/clients`, 'GET', {
        authorization: `Bearer ${printedToken()}`,
      });
      expect(right.status, right.text).toBe(200);
      const token = await call(
        `${remote}/oauth/token`,
        'POST',
        FORM,
        'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
      );
      expect(token.status).toBe(200);
    },
  );

  it('this machine still needs no token', async () => {
    const r = await call(`http://127.0.0.1:${server.port}/__admin/clients`, 'GET');
    expect(r.status).toBe(200);
  });
});
