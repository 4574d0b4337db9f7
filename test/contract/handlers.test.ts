/**
 * Contract suite, runtime 1: the core behind the msw handlers, in process (`setupServer`), with
 * the browser's hosts. Any request no handler answers fails the test (`onUnhandledRequest: 'error'`).
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/mocks/handlers.ts';
import { createMockServer } from '../../src/protocol/index.ts';
import { contractCases } from './suite.ts';
import { fetchTarget } from './target.ts';

const hosts = {
  issuer: 'https://auth.example.com',
  api: 'https://api.example.com',
  audience: 'https://api.example.com',
  ci: 'https://ci.example.com',
};

const core = await createMockServer({
  issuer: hosts.issuer,
  apiOrigin: hosts.api,
  audience: hosts.audience,
  ciIssuer: hosts.ci,
});
const msw = setupServer(...createHandlers(core));
const target = fetchTarget(hosts);

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
afterEach(() => msw.resetHandlers());
afterAll(() => msw.close());

describe('contract over msw handlers (setupServer, example.com hosts)', () => {
  beforeEach(() => target.adminReset());
  for (const c of contractCases) {
    it(c.name, () => c.run(target, expect));
  }
});
