/**
 * Contract suite, runtime 2: the real `npm run server` over HTTP on a free localhost port, in both
 * of its modes (the core called directly, the default; and `--via-msw`, through the handlers).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';
import { contractCases } from './suite.ts';
import { type ContractTarget, fetchTarget } from './target.ts';

for (const args of [[], ['--via-msw']]) {
  describe(`contract over real HTTP (npm run server ${args.join(' ')}, localhost hosts)`, () => {
    let server: SpawnedServer | undefined;
    let target: ContractTarget;

    beforeAll(async () => {
      server = await spawnServer(args);
      target = fetchTarget({
        issuer: server.origin,
        api: server.origin,
        audience: server.origin,
        ci: `${server.origin}/ci`,
      });
    }, 60_000);

    afterAll(async () => {
      await server?.stop();
    });

    beforeEach(() => target.adminReset());
    for (const c of contractCases) {
      it(c.name, () => c.run(target, expect));
    }
  });
}
