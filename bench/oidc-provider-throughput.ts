/**
 * Token-endpoint throughput of the real `npm run server` against node-oidc-provider's, set up for
 * the same job (bench/oidc-provider-server.ts): client credentials, client_secret_basic, an ES256
 * JWT access token for `read:users`, 10 keep-alive connections sending back to back.
 *
 * Both servers are child processes started once; their windows alternate (ours first in even
 * rounds, theirs first in odd ones) and each round's ratio is ours over theirs in that round, so
 * a change in the shared machine's load hits both sides alike. Server CPU per token (from /proc)
 * says the same thing less load-sensitively. An answer counts only if it is a 200 whose body
 * holds a JWT access token; before the windows, one token from each side is decoded to show it is
 * ES256 and for the same audience shape.
 */
import { cpus, loadavg } from 'node:os';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { type SpawnedServer, spawnServer } from '../test/contract/spawn-server.ts';
import { CONNECTIONS, drive, median, percentile, serverWindow, type Window } from './load.ts';

export const name = 'node token-endpoint throughput vs node-oidc-provider';

/**
 * Warm-up: 1 s windows until two in a row agree within 10% (at least 4, at most 20). Both JITs
 * need it, node-oidc-provider most: its first seconds under load run at a sixth of its steady
 * rate (842, 1115, 3728, 5006, then ~6000 tokens/s in 2 s windows, once), so a short warm-up
 * makes it look several times slower than it is.
 */
const WARMUP_WINDOW_MS = 1000;
const WARMUP_MIN = 4;
const WARMUP_MAX = 20;
const WINDOW_MS = 2000;
const ROUNDS = 6;
/** The target: at least 1.8× node-oidc-provider's tokens per second in the same run. */
const TARGET = 1.8;

interface Side {
  label: string;
  server: SpawnedServer;
  path: string;
  windows: Window[];
}

/** One token from `side` by fetch, decoded: shows what each side's 200 actually carries. */
async function sample(side: Side): Promise<string> {
  const response = await fetch(`${side.server.origin}${side.path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa('demo-client:demo-secret')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=read%3Ausers',
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`${side.label} answered ${response.status}: ${JSON.stringify(body)}`);
  }
  const header = decodeProtectedHeader(body.access_token);
  const claims = decodeJwt(body.access_token);
  if (header.alg !== 'ES256') throw new Error(`${side.label} signed with ${header.alg}`);
  return `${header.alg} ${header.typ}, scope ${claims.scope}, ${body.access_token.length} chars`;
}

const rate = (w: Window) => w.ok / w.seconds;
const fmt = (n: number) => n.toFixed(0).padStart(6);

function report(side: Side): void {
  const { windows } = side;
  const rates = windows.map(rate);
  const ok = windows.reduce((n, w) => n + w.ok, 0);
  const failed = windows.reduce((n, w) => n + w.failed, 0);
  const sorted = windows.flatMap((w) => w.latencies).sort((a, b) => a - b);
  const cpu = windows.flatMap((w) => (w.cpuMicrosPerOp === undefined ? [] : [w.cpuMicrosPerOp]));
  console.log(`  ${side.label}`);
  console.log(
    `    throughput   ${fmt(median(rates))} tokens/s  (median of ${windows.length} windows: ${rates.map((r) => r.toFixed(0)).join(', ')}; ${ok} tokens, ${failed} not a 200 with a JWT)`,
  );
  console.log(
    `    latency      p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`,
  );
  if (cpu.length === windows.length) {
    // Over all threads: node-oidc-provider signs on libuv's thread pool (jose 5 in Node), so
    // its process can use more than one core's worth; ours signs on the main thread.
    console.log(
      `    server CPU   ${median(cpu).toFixed(0)} µs per token, all threads (windows: ${cpu.map((c) => c.toFixed(0)).join(', ')}); ${((median(cpu) * median(rates)) / 1e6).toFixed(2)} cores busy`,
    );
  }
}

export async function run(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`  ${cpus().length} CPUs, load average before: ${load()}`);
  const ours: Side = {
    label: `npm run server (core called directly), ${CONNECTIONS} keep-alive connections, ES256, Basic:`,
    server: await spawnServer([]),
    path: '/oauth/token',
    windows: [],
  };
  const theirs: Side = {
    label: 'node-oidc-provider 8 (same job, same load):',
    server: await spawnServer([], {
      script: 'bench/oidc-provider-server.ts',
      readyPath: '/.well-known/openid-configuration',
    }),
    path: '/token',
    windows: [],
  };
  try {
    for (const side of [ours, theirs]) {
      console.log(`  ${side === ours ? 'ours  ' : 'theirs'} ${await sample(side)}`);
      const rates: number[] = [];
      while (rates.length < WARMUP_MAX) {
        rates.push(rate(await drive(side.server.port, WARMUP_WINDOW_MS, undefined, side.path)));
        const [before, last] = rates.slice(-2) as [number, number];
        if (rates.length >= WARMUP_MIN && Math.abs(last - before) <= 0.1 * before) break;
      }
      console.log(
        `  ${side === ours ? 'ours  ' : 'theirs'} warm-up ${rates.map((r) => r.toFixed(0)).join(', ')} tokens/s`,
      );
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
      for (const side of order) {
        side.windows.push(await serverWindow(side.server, WINDOW_MS, undefined, side.path));
      }
    }
    report(ours);
    report(theirs);
    const ratios = ours.windows.map((w, i) => rate(w) / rate(theirs.windows[i] as Window));
    const ratio = median(ratios);
    console.log(
      `  ours / node-oidc-provider   ${ratio.toFixed(2)}×  (median of the ${ROUNDS} rounds' ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ${TARGET}×: ${ratio >= TARGET ? 'met' : 'missed'})`,
    );
    const cpu = (side: Side) =>
      side.windows.flatMap((w) => (w.cpuMicrosPerOp === undefined ? [] : [w.cpuMicrosPerOp]));
    if (cpu(ours).length === ROUNDS && cpu(theirs).length === ROUNDS) {
      const cpuRatio = median(cpu(theirs)) / median(cpu(ours));
      console.log(
        `  CPU per token, theirs / ours ${cpuRatio.toFixed(2)}×  (${median(cpu(theirs)).toFixed(0)} µs vs ${median(cpu(ours)).toFixed(0)} µs; target ${TARGET}×: ${cpuRatio >= TARGET ? 'met' : 'missed'}; less load-sensitive than the rates)`,
      );
    }
  } finally {
    await ours.server.stop();
    await theirs.server.stop();
  }
  console.log(
    `  load average after: ${load()}  (windows alternate ours and theirs, ${ROUNDS} rounds of ${WINDOW_MS / 1000} s)`,
  );
}
