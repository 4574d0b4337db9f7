import { describe, expect, it } from 'vitest';
import { API, api, makeServer, raw, send, type TestServer, tokenFor } from './helpers.ts';

/**
 * What a secret may never reach: the response a client gets (its `error_description`, its
 * `WWW-Authenticate`) and anything in `/__admin/log` (the request, the response, the private
 * detail). Each case sends a secret in a shape the server cannot parse, where a parser's own
 * message would quote it.
 */
async function expectNowhere(
  server: TestServer,
  request: Request,
  secret: string,
  status: number,
): Promise<void> {
  const before = server.admin.log().length;
  const answer = await send(server, request);
  expect(answer.status, answer.text).toBe(status);
  expect(answer.text).not.toContain(secret);
  answer.headers.forEach((value, name) => {
    expect(value, `response header ${name}`).not.toContain(secret);
  });
  const entries = server.admin.log().slice(before);
  expect(entries).toHaveLength(1);
  expect(JSON.stringify(entries)).not.toContain(secret);
}

describe('secrets never reach the log or an error', () => {
  it('a malformed JSON body is not quoted by the parse error (token endpoint)', async () => {
    const server = await makeServer();
    // V8's message quotes the text around the bad token: `"client_secret":demo-secre…`.
    await expectNowhere(
      server,
      raw(
        '{"grant_type":"client_credentials","client_id":"demo-client","client_secret":demo-secret}',
        'application/json',
      ),
      'demo-secre',
      400,
    );
    const entry = server.admin.log().at(-1);
    expect(entry?.error?.detail).toMatch(/^JSON\.parse/);
  });

  it('a bare secret as a JSON body is not quoted whole', async () => {
    const server = await makeServer();
    await expectNowhere(server, raw('s3cret', 'application/json'), 's3cret', 400);
  });

  it('a malformed JSON order is not quoted either (API)', async () => {
    const server = await makeServer();
    const token = await tokenFor(server, 'orders-service', 'orders-secret');
    await expectNowhere(
      server,
      api('/api/v1/orders', token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"item":"x","client_secret":hunter2}',
      }),
      'hunter2',
      400,
    );
  });

  it('a JSON body sent to the API is logged redacted, other text not at all', async () => {
    const server = await makeServer();
    const token = await tokenFor(server, 'orders-service', 'orders-secret');
    await send(
      server,
      api('/api/v1/orders', token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ item: 'Keyboard', quantity: 1, client_secret: 'hunter2' }),
      }),
    );
    expect(server.admin.log().at(-1)?.request.body).toBe(
      '{"item":"Keyboard","quantity":1,"client_secret":"[redacted]"}',
    );
    await expectNowhere(
      server,
      api('/api/v1/orders', token, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'client_secret hunter2',
      }),
      'hunter2',
      400,
    );
  });

  it('a bare Authorization value (no scheme) is not echoed by the token endpoint', async () => {
    const server = await makeServer();
    await expectNowhere(
      server,
      raw('grant_type=client_credentials', 'application/x-www-form-urlencoded', {
        authorization: 'mysecretvalue',
      }),
      'mysecretvalue',
      400,
    );
    expect(server.admin.log().at(-1)?.error?.error_description).toMatch(/has no scheme/);
  });

  it('an unknown first word is not kept as a "scheme" (it may be the secret)', async () => {
    const server = await makeServer();
    await expectNowhere(
      server,
      raw('grant_type=client_credentials', 'application/x-www-form-urlencoded', {
        authorization: 'mysecretvalue trailing',
      }),
      'mysecretvalue',
      400,
    );
    expect(server.admin.log().at(-1)?.request.headers.authorization).toBe('[redacted]');
  });

  it('a known scheme is still named and kept in the log', async () => {
    const server = await makeServer();
    const answer = await send(
      server,
      raw('grant_type=client_credentials', 'application/x-www-form-urlencoded', {
        authorization: 'Bearer abc',
      }),
    );
    expect((answer.body as { error_description: string }).error_description).toMatch(
      /uses the Bearer scheme/,
    );
    expect(server.admin.log().at(-1)?.request.headers.authorization).toBe('Bearer [redacted]');
  });

  it('a bare token sent to the API is not echoed', async () => {
    const server = await makeServer();
    await expectNowhere(
      server,
      new Request(`${API}/api/v1/users`, { headers: { authorization: 'eyJsecretTOKEN123' } }),
      'eyJsecretTOKEN123',
      401,
    );
  });
});
