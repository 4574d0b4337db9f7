/**
 * Token-endpoint throughput of the real `npm run server` against the bare jose signing rate.
 *
 * - server: `node --import tsx scripts/server.ts` on a free port (a child process, one core's worth);
 *   10 keep-alive connections on loopback, each sending POST /oauth/token (client_secret_basic,
 *   demo-client, no rate limit, ES256 JWT) back to back: warm-up, then a timed window.
 * - signing: a child process of the same kind running jose `SignJWT` ES256 in a loop.
 * The ratio says how much of the server's time goes to anything but signing.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '../test/contract/spawn-server.ts';

export const name = 'node token-endpoint throughput vs jose ES256 signing';

const root = fileURLToPath(new URL('..', import.meta.url));
const CONNECTIONS = 10;
const WARMUP_MS = 1500;
const WINDOW_MS = 5000;
/** The target: token throughput at least half the bare signing rate. */
const TARGET = 0.5;

interface Window {
  ok: number;
  failed: number;
  seconds: number;
  latencies: number[];
  /** Server CPU time (user + system, all threads) per 200 answer, when /proc can tell. */
  cpuMicrosPerOp?: number;
}

/** CPU time a process has used, in µs, from /proc (Linux); undefined elsewhere. */
function processCpuMicros(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

function postToken(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/oauth/token',
        headers: {
          host: `localhost:${port}`,
          authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function drive(port: number, ms: number): Promise<Window> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const body = 'grant_type=client_credentials&scope=read%3Ausers';
  const result: Window = { ok: 0, failed: 0, seconds: 0, latencies: [] };
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const status = await postToken(agent, port, body);
        result.latencies.push(performance.now() - t0);
        if (status === 200) result.ok++;
        else result.failed++;
      }
    }),
  );
  result.seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface SignRate {
  perSecond: number;
  cpuMicrosPerOp: number;
}

async function signRate(seconds: number): Promise<SignRate> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/jose-sign-rate.ts', String(seconds), '1'],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`jose-sign-rate exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as SignRate;
}

async function serverThroughput(args: string[]): Promise<Window> {
  const server = await spawnServer(args);
  try {
    await drive(server.port, WARMUP_MS);
    const cpuBefore = processCpuMicros(server.child.pid);
    const window = await drive(server.port, WINDOW_MS);
    const cpuAfter = processCpuMicros(server.child.pid);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      window.cpuMicrosPerOp = (cpuAfter - cpuBefore) / window.ok;
    }
    return window;
  } finally {
    await server.stop();
  }
}

const fmt = (n: number) => n.toFixed(0).padStart(6);

function report(label: string, window: Window, signing: number, signCpu: number): void {
  const rate = window.ok / window.seconds;
  const sorted = [...window.latencies].sort((a, b) => a - b);
  console.log(`  ${label}`);
  console.log(
    `    throughput         ${fmt(rate)} tokens/s  (${window.ok} in ${window.seconds.toFixed(1)} s, ${window.failed} non-200)`,
  );
  console.log(
    `    latency            p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms`,
  );
  const ratio = rate / signing;
  console.log(
    `    ratio to signing   ${ratio.toFixed(2)}  (target ${TARGET.toFixed(1)}: ${ratio >= TARGET ? 'met' : 'missed'})`,
  );
  if (window.cpuMicrosPerOp !== undefined) {
    const cpuRatio = signCpu / window.cpuMicrosPerOp;
    console.log(
      `    server CPU         ${window.cpuMicrosPerOp.toFixed(0)} µs per token (signing alone: ${signCpu.toFixed(0)} µs; CPU-time ratio ${cpuRatio.toFixed(2)}, target ${TARGET.toFixed(1)}: ${cpuRatio >= TARGET ? 'met' : 'missed'}; less load-sensitive than the rates)`,
    );
  }
}

export async function run(): Promise<void> {
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  console.log(`  ${cpus().length} CPUs, load average before: ${load()}`);
  const signBefore = await signRate(WINDOW_MS / 1000);
  const direct = await serverThroughput([]);
  const viaMsw = await serverThroughput(['--via-msw']);
  const signAfter = await signRate(WINDOW_MS / 1000);
  const signing = (signBefore.perSecond + signAfter.perSecond) / 2;
  const signCpu = (signBefore.cpuMicrosPerOp + signAfter.cpuMicrosPerOp) / 2;
  console.log(
    `  jose SignJWT ES256, one Node process, sequential: ${fmt(signing)} signatures/s  (before ${signBefore.perSecond.toFixed(0)}, after ${signAfter.perSecond.toFixed(0)}), ${signCpu.toFixed(0)} µs CPU each`,
  );
  report(
    `token endpoint, npm run server (core called directly), ${CONNECTIONS} keep-alive connections, ES256, Basic:`,
    direct,
    signing,
    signCpu,
  );
  report(
    `token endpoint, npm run server -- --via-msw (msw getResponse), same load:`,
    viaMsw,
    signing,
    signCpu,
  );
  console.log(
    `  load average after: ${load()}  (figures from a shared machine are only comparable within one run)`,
  );
}
