/**
 * What msw's `getResponse(handlers, request)` costs per request compared with calling the core's
 * `server.handle(request)` directly, in one process, on the token endpoint and on the API.
 * Decides whether the Node server should go through the msw handlers (one code path with the
 * page) or around them.
 */
import { createHandlers } from '../src/mocks/handlers.ts';
import { resolveWithHandlers } from '../src/mocks/node-http-adapter.ts';
import { createMockServer } from '../src/protocol/index.ts';

export const name = 'msw getResponse vs server.handle (in process)';

const SECONDS = 2;

export async function run(): Promise<void> {
  const origin = 'http://localhost:8787';
  const server = await createMockServer({ issuer: origin, apiOrigin: origin, audience: origin });
  const viaMsw = resolveWithHandlers(createHandlers(server));
  const direct = (request: Request) => server.handle(request);
  const basic = `Basic ${btoa('demo-client:demo-secret')}`;
  const tokenRequest = () =>
    new Request(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
  const first = await direct(tokenRequest());
  if (!first) throw new Error('the core did not answer');
  const token = ((await first.json()) as { access_token: string }).access_token;
  const apiRequest = () =>
    new Request(`${origin}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
  const notFound = () => new Request(`${origin}/nope`);

  async function rate(
    resolve: (r: Request) => Promise<Response | undefined>,
    make: () => Request,
  ): Promise<number> {
    for (let i = 0; i < 200; i++) await (await resolve(make()))?.arrayBuffer();
    let count = 0;
    const start = performance.now();
    const end = start + SECONDS * 1000;
    while (performance.now() < end) {
      const res = await resolve(make());
      await res?.arrayBuffer();
      count++;
    }
    return count / ((performance.now() - start) / 1000);
  }

  for (const [label, make] of [
    ['POST /oauth/token', tokenRequest],
    ['GET /api/v1/users', apiRequest],
    ['GET /nope (catch-all)', notFound],
  ] as const) {
    const d = await rate(direct, make);
    const m = await rate(viaMsw, make);
    const overheadUs = (1 / m - 1 / d) * 1e6;
    console.log(
      `  ${label.padEnd(22)} direct ${d.toFixed(0).padStart(6)}/s   via msw ${m.toFixed(0).padStart(6)}/s   msw costs ${overheadUs.toFixed(0)} µs/request (${((1 - m / d) * 100).toFixed(0)}%)`,
    );
  }
}
