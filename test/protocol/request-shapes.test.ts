/**
 * The core reads requests as every engine shapes them. Firefox's `Request` has no `body` stream:
 * `request.body` is undefined even when the request carries a body (MDN, Request.body: no Firefox
 * support), so a core that calls `request.body.getReader()` answers 500 there. These tests give the
 * core requests of that shape; e2e/firefox/ runs the same cases in a real Firefox.
 */
import { describe, expect, it } from 'vitest';
import { api, DEMO, form, jsonRequest, lastLog, makeServer, send, tokenFor } from './helpers.ts';

/** The same request as Firefox hands it to a handler: readable only through its methods. */
function firefoxShaped(request: Request): Request {
  Object.defineProperty(request, 'body', { value: undefined });
  return request;
}

const cc = { grant_type: 'client_credentials' };

describe('a request without a body stream (Firefox)', () => {
  it('issues a token from a form body', async () => {
    const server = await makeServer();
    const r = await send(server, firefoxShaped(form({ ...cc, ...DEMO })));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'read:users' });
  });

  it('issues a token from a JSON body', async () => {
    const server = await makeServer();
    const r = await send(server, firefoxShaped(jsonRequest({ ...cc, ...DEMO })));
    expect(r.status).toBe(200);
  });

  it('still refuses a body over 64 KiB, with the limit in the description', async () => {
    const server = await makeServer();
    const r = await send(server, firefoxShaped(form({ ...cc, ...DEMO, pad: 'x'.repeat(70_000) })));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/larger than 65536 bytes/),
    });
    expect(lastLog(server).error?.detail).toBe('read more than 65536 bytes');
  });

  it('introspects and revokes', async () => {
    const server = await makeServer();
    const token = await tokenFor(server);
    const introspect = await send(
      server,
      firefoxShaped(form({ ...DEMO, token }, {}, '/oauth/introspect')),
    );
    expect(introspect.body).toMatchObject({ active: true, client_id: 'demo-client' });
    const revoke = await send(server, firefoxShaped(form({ ...DEMO, token }, {}, '/oauth/revoke')));
    expect(revoke.status).toBe(200);
    const after = await send(server, firefoxShaped(api('/api/v1/users', token)));
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/revoked/);
  });

  it('creates an order from a JSON body, and reads a GET without one', async () => {
    const server = await makeServer();
    const token = await tokenFor(server, 'orders-service', 'orders-secret');
    const created = await send(
      server,
      firefoxShaped(
        api('/api/v1/orders', token, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ item: 'Keyboard', quantity: 2 }),
        }),
      ),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ item: 'Keyboard', quantity: 2 });
    const list = await send(server, firefoxShaped(api('/api/v1/orders', token)));
    expect(list.status).toBe(200);
    expect(lastLog(server).request.body).toBeUndefined();
  });

  it('refuses a token in a form body on the API, as with a stream', async () => {
    const server = await makeServer();
    const token = await tokenFor(server, 'orders-service', 'orders-secret');
    const r = await send(
      server,
      firefoxShaped(
        api('/api/v1/orders', token, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `access_token=${token}`,
        }),
      ),
    );
    expect(r.status).toBe(400);
    expect(lastLog(server).steps.at(-1)).toMatchObject({ name: 'rejectBodyToken', ok: false });
  });
});
