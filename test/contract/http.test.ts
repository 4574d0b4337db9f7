/**
 * Contract suite, runtime 2: the real `npm run server` over HTTP on a free localhost port.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';
import { contractCases } from './suite.ts';
import { type ContractTarget, fetchTarget } from './target.ts';

let server: SpawnedServer;
let target: ContractTarget;

beforeAll(async () => {
  server = await spawnServer();
  target = fetchTarget({ issuer: server.origin, api: server.origin, audience: server.origin });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('contract over real HTTP (npm run server, localhost hosts)', () => {
  beforeEach(() => target.adminReset());
  for (const c of contractCases) {
    it(c.name, () => c.run(target, expect));
  }
});
