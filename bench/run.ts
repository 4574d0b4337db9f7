/**
 * `npm run bench`: runs each bench module in turn and prints its figures. No pass/fail: the
 * numbers are for reading (and for the README), on whatever machine runs them.
 *
 * A bench module exports `name` and `run(): Promise<void>`. Add the browser benches to the list.
 */
export {};

interface BenchModule {
  name: string;
  run(): Promise<void>;
}

const benches: (() => Promise<BenchModule>)[] = [
  () => import('./node-throughput.ts'),
  () => import('./oidc-provider-throughput.ts'),
  () => import('./msw-overhead.ts'),
  () => import('./browser-worker-latency.ts'),
  () => import('./browser-lessons.ts'),
  () => import('./browser-slow-network.ts'),
];

const only = process.argv[2];
console.log(`node ${process.version}, ${process.platform} ${process.arch}`);
for (const load of benches) {
  const bench = await load();
  if (only && !bench.name.includes(only)) continue;
  console.log(`\n${bench.name}`);
  await bench.run();
}
