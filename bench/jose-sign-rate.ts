/**
 * Child process of bench/node-throughput.ts: the bare jose ES256 `SignJWT` rate in one Node
 * process, signing the same shape of access token the server signs. Prints one JSON line.
 *
 *   node --import tsx bench/jose-sign-rate.ts [seconds] [warmupSeconds]
 */
import { generateKeyPair, SignJWT } from 'jose';

const seconds = Number(process.argv[2] ?? 5);
const warmup = Number(process.argv[3] ?? 1);
const { privateKey } = await generateKeyPair('ES256');
const now = Math.floor(Date.now() / 1000);

async function sign(): Promise<string> {
  return new SignJWT({
    client_id: 'demo-client',
    scope: 'read:users',
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'bench-key' })
    .setIssuer('http://localhost:8787')
    .setSubject('demo-client')
    .setAudience('http://localhost:8787')
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}

async function loop(ms: number): Promise<number> {
  const end = performance.now() + ms;
  let count = 0;
  while (performance.now() < end) {
    await sign();
    count++;
  }
  return count;
}

await loop(warmup * 1000);
const start = performance.now();
const cpuStart = process.cpuUsage();
const count = await loop(seconds * 1000);
const cpu = process.cpuUsage(cpuStart);
const elapsed = (performance.now() - start) / 1000;
// CPU time (all threads: the main one and libuv's crypto workers) per signature.
const cpuMicrosPerOp = (cpu.user + cpu.system) / count;
console.log(
  JSON.stringify({ count, seconds: elapsed, perSecond: count / elapsed, cpuMicrosPerOp }),
);
