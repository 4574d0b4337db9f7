/**
 * The load generator the Node throughput benches share: keep-alive connections on loopback that
 * send one token request, as raw bytes, back to back, and count the answers that are a 200 with
 * a JWT access token. Not a bench itself (it exports no `name`).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { SpawnedServer } from '../test/contract/spawn-server.ts';

export const CONNECTIONS = 10;

export interface Window {
  /** The pool of DPoP requests ran out before the window ended (make more proofs). */
  starved?: boolean;
  /** 200 answers whose body holds a JWT access token. */
  ok: number;
  /** Anything else: another status, or a 200 without a JWT. */
  failed: number;
  seconds: number;
  latencies: number[];
  /** Server CPU time (user + system, all threads) per 200 answer, when /proc can tell. */
  cpuMicrosPerOp?: number;
}

/** CPU time a process has used, in µs, from /proc (Linux); undefined elsewhere. */
export function processCpuMicros(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * The token request, as bytes sent as is on every request: the load generator should cost the
 * machine as little as it can (like wrk or autocannon), so that on a shared 2-core machine the
 * figures say what the server costs, not what node:http's client costs.
 */
export function tokenRequest(port: number, dpop?: string, path = '/oauth/token'): Buffer {
  const body = 'grant_type=client_credentials&scope=read%3Ausers';
  const basic = Buffer.from('demo-client:demo-secret').toString('base64');
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\n` +
      `Host: localhost:${port}\r\n` +
      `Authorization: Basic ${basic}\r\n` +
      (dpop === undefined ? '' : `DPoP: ${dpop}\r\n`) +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: keep-alive\r\n\r\n' +
      body,
    'latin1',
  );
}

/**
 * Token requests with DPoP proofs, each with its own jti and iat now, made ahead of the window
 * with one ES256 key (a client keeps its DPoP key: the server's key cache sees one key).
 */
export async function dpopRequests(port: number, count: number): Promise<Buffer[]> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const htu = `http://localhost:${port}/oauth/token`;
  const iat = Math.floor(Date.now() / 1000);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const proof = await new SignJWT({ jti: crypto.randomUUID(), htm: 'POST', htu, iat })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .sign(privateKey);
    out.push(tokenRequest(port, proof));
  }
  return out;
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** A JWT access token in a JSON body: its header is base64url JSON, so it starts with "eyJ". */
const JWT_TOKEN = Buffer.from('"access_token":"eyJ');

/**
 * One keep-alive connection sending the request back to back until `end`, one at a time (no
 * pipelining): each answer is read to its Content-Length before the next request goes out.
 */
function driveConnection(
  port: number,
  next: () => Buffer | undefined,
  end: number,
  result: Window,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    const send = () => {
      const bytes = next();
      if (bytes === undefined) {
        result.starved = true;
        socket.end();
        return;
      }
      sentAt = performance.now();
      socket.write(bytes);
    };
    socket.on('connect', send);
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const headEnd = pending.indexOf(HEAD_END);
        if (headEnd === -1) return;
        const head = pending.toString('latin1', 0, headEnd);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        const total = headEnd + HEAD_END.length + length;
        if (pending.length < total) return;
        const answer = pending.subarray(headEnd, total);
        pending = pending.subarray(total);
        const now = performance.now();
        result.latencies.push(now - sentAt);
        if (head.startsWith('HTTP/1.1 200 ') && answer.includes(JWT_TOKEN)) result.ok++;
        else result.failed++;
        if (now < end) send();
        else socket.end();
      }
    });
  });
}

export async function drive(
  port: number,
  ms: number,
  pool?: Buffer[],
  path = '/oauth/token',
): Promise<Window> {
  const bytes = tokenRequest(port, undefined, path);
  let taken = 0;
  const next = pool ? () => pool[taken++] : () => bytes;
  const result: Window = { ok: 0, failed: 0, seconds: 0, latencies: [] };
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, () => driveConnection(port, next, end, result)),
  );
  result.seconds = (performance.now() - start) / 1000;
  return result;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One timed window of load on a running server, with its CPU time from /proc. */
export async function serverWindow(
  server: SpawnedServer,
  ms: number,
  pool?: Buffer[],
  path = '/oauth/token',
): Promise<Window> {
  const cpuBefore = processCpuMicros(server.child.pid);
  const window = await drive(server.port, ms, pool, path);
  const cpuAfter = processCpuMicros(server.child.pid);
  if (cpuBefore !== undefined && cpuAfter !== undefined) {
    window.cpuMicrosPerOp = (cpuAfter - cpuBefore) / window.ok;
  }
  return window;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
