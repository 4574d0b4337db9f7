/**
 * Token-endpoint throughput of the real `npm run server` against the bare jose signing rate.
 *
 * - server: `node --import tsx scripts/server.ts` on a free port (a child process, one core's worth);
 *   10 keep-alive connections on loopback from this process (a separate one from the server's),
 *   each sending POST /oauth/token (client_secret_basic, demo-client, no rate limit, ES256 JWT)
 *   back to back: warm-up, then timed windows.
 * - signing: a child process of the same kind running jose `SignJWT` ES256 in a loop.
 * Windows alternate (signing, server, server via msw; 4 rounds) and each server window is set
 * against the signing window just before it: on a shared machine the load changes by the second.
 * The ratio says how much of the server's time goes to anything but signing; server CPU per
 * token (from /proc) beside signing CPU per signature says the same, less load-sensitive.
 * - DPoP: the same token request with a DPoP proof (RFC 9449), each a fresh ES256 JWT made
 *   before its window (so the load generator signs nothing while it is timed). The server then
 *   verifies a signature besides making one; the budget is DPoP ≤ 2× the plain request's cost.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../test/contract/spawn-server.ts';
import {
  CONNECTIONS,
  dpopRequests,
  drive,
  median,
  percentile,
  serverWindow,
  type Window,
} from './load.ts';

export const name = 'node token-endpoint throughput vs jose ES256 signing';

const root = fileURLToPath(new URL('..', import.meta.url));
const WARMUP_MS = 1500;
const WINDOW_MS = 2000;
const ROUNDS = 4;
/** The target: token throughput at least half the bare signing rate. */
const TARGET = 0.5;
/** Issue 14's budget: a DPoP token request costs at most twice a plain one. */
const DPOP_BUDGET = 2;
/** Proofs made before each DPoP window: more than the server answers in one. */
const DPOP_PROOFS = 16000;

interface SignRate {
  perSecond: number;
  cpuMicrosPerOp: number;
}

/**
 * The jose signing child, kept running and measured in windows that alternate with the
 * server's, so a change in the machine's load hits both sides of the ratio alike.
 */
async function startSigner(): Promise<{ window(ms: number): Promise<SignRate>; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/jose-sign-rate.ts', '--windows'],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('jose-sign-rate stopped');
    return JSON.parse(value) as SignRate & { ready?: boolean };
  };
  await next(); // ready, after its warm-up
  return {
    async window(ms) {
      child.stdin.write(`${ms}\n`);
      return next();
    },
    stop: () => child.kill(),
  };
}

const fmt = (n: number) => n.toFixed(0).padStart(6);

function report(label: string, windows: Window[], signs: SignRate[]): void {
  const rates = windows.map((w) => w.ok / w.seconds);
  const ok = windows.reduce((n, w) => n + w.ok, 0);
  const failed = windows.reduce((n, w) => n + w.failed, 0);
  const sorted = windows.flatMap((w) => w.latencies).sort((a, b) => a - b);
  // Each round's ratio against the signing window just before it; the median of those.
  const ratio = median(rates.map((rate, i) => rate / (signs[i] as SignRate).perSecond));
  console.log(`  ${label}`);
  console.log(
    `    throughput         ${fmt(median(rates))} tokens/s  (median of ${windows.length} windows: ${rates.map((r) => r.toFixed(0)).join(', ')}; ${ok} tokens, ${failed} non-200)`,
  );
  console.log(
    `    latency            p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`,
  );
  console.log(
    `    ratio to signing   ${ratio.toFixed(2)}  (target ${TARGET.toFixed(1)}: ${ratio >= TARGET ? 'met' : 'missed'})`,
  );
  const cpus = windows.flatMap((w) => (w.cpuMicrosPerOp === undefined ? [] : [w.cpuMicrosPerOp]));
  if (cpus.length === windows.length) {
    const cpu = median(cpus);
    const signCpu = median(signs.map((s) => s.cpuMicrosPerOp));
    const cpuRatio = signCpu / cpu;
    console.log(
      `    server CPU         ${cpu.toFixed(0)} µs per token (signing alone: ${signCpu.toFixed(0)} µs; CPU-time ratio ${cpuRatio.toFixed(2)}, target ${TARGET.toFixed(1)}: ${cpuRatio >= TARGET ? 'met' : 'missed'}; less load-sensitive than the rates)`,
    );
  }
}

/** DPoP against plain, round by round (each DPoP window right after its plain one). */
function reportDpop(plain: Window[], dpop: Window[]): void {
  const rate = (w: Window) => w.ok / w.seconds;
  const costRatio = median(plain.map((p, i) => rate(p) / rate(dpop[i] as Window)));
  console.log('  DPoP against the plain token request (same server, windows back to back):');
  console.log(
    `    tokens/s           plain ${fmt(median(plain.map(rate)))}, DPoP ${fmt(median(dpop.map(rate)))}; a DPoP token costs ${costRatio.toFixed(2)}× a plain one (budget ≤ ${DPOP_BUDGET}×: ${costRatio <= DPOP_BUDGET ? 'met' : 'missed'})`,
  );
  const cpu = (ws: Window[]) =>
    ws.flatMap((w) => (w.cpuMicrosPerOp === undefined ? [] : [w.cpuMicrosPerOp]));
  if (cpu(plain).length === plain.length && cpu(dpop).length === dpop.length) {
    const ratio = median(cpu(dpop)) / median(cpu(plain));
    console.log(
      `    server CPU         plain ${median(cpu(plain)).toFixed(0)} µs, DPoP ${median(cpu(dpop)).toFixed(0)} µs per token: ${ratio.toFixed(2)}× (budget ≤ ${DPOP_BUDGET}×: ${ratio <= DPOP_BUDGET ? 'met' : 'missed'})`,
    );
  }
  if (dpop.some((w) => w.starved)) {
    console.log(
      `    (a DPoP window ran out of its ${DPOP_PROOFS} proofs: the rate above is a floor)`,
    );
  }
}

export async function run(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`  ${cpus().length} CPUs, load average before: ${load()}`);
  const signer = await startSigner();
  const direct = await spawnServer([]);
  const viaMsw = await spawnServer(['--via-msw']);
  try {
    await drive(direct.port, WARMUP_MS);
    await drive(viaMsw.port, WARMUP_MS);
    await drive(direct.port, WARMUP_MS, await dpopRequests(direct.port, DPOP_PROOFS));
    const signs: SignRate[] = [];
    const directWindows: Window[] = [];
    const mswWindows: Window[] = [];
    const dpopWindows: Window[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pool = await dpopRequests(direct.port, DPOP_PROOFS);
      signs.push(await signer.window(WINDOW_MS));
      directWindows.push(await serverWindow(direct, WINDOW_MS));
      dpopWindows.push(await serverWindow(direct, WINDOW_MS, pool));
      mswWindows.push(await serverWindow(viaMsw, WINDOW_MS));
    }
    const rates = signs.map((s) => s.perSecond);
    console.log(
      `  jose SignJWT ES256, one Node process, sequential: ${fmt(median(rates))} signatures/s  (median of ${ROUNDS} windows: ${rates.map((r) => r.toFixed(0)).join(', ')}), ${median(signs.map((s) => s.cpuMicrosPerOp)).toFixed(0)} µs CPU each`,
    );
    report(
      `token endpoint, npm run server (core called directly), ${CONNECTIONS} keep-alive connections, ES256, Basic:`,
      directWindows,
      signs,
    );
    report(
      'token endpoint, npm run server -- --via-msw (msw getResponse), same load:',
      mswWindows,
      signs,
    );
    report(
      'token endpoint with a DPoP proof (RFC 9449), npm run server (core called directly), same load:',
      dpopWindows,
      signs,
    );
    reportDpop(directWindows, dpopWindows);
  } finally {
    signer.stop();
    await direct.stop();
    await viaMsw.stop();
  }
  console.log(
    `  load average after: ${load()}  (windows alternate signing, server, server with DPoP, server via msw, ${ROUNDS} times, so a change in load hits all four)`,
  );
}
