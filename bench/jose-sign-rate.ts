/**
 * Child process of bench/node-throughput.ts: the bare jose ES256 `SignJWT` rate in one Node
 * process, signing the same shape of access token the server signs.
 *
 *   node --import tsx bench/jose-sign-rate.ts [seconds] [warmupSeconds]
 *     warm up, measure once, print one JSON line
 *   node --import tsx bench/jose-sign-rate.ts --windows
 *     warm up (1 s), then for each line "<ms>" read on stdin measure that long and print one
 *     JSON line; idle in between, so the bench can alternate this with the server's windows
 *
 * Each JSON line: {count, seconds, perSecond, cpuMicrosPerOp}, CPU time over all threads (the
 * main one and libuv's crypto workers).
 */
import { createInterface } from 'node:readline';
import { generateKeyPair, SignJWT } from 'jose';

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

async function measure(ms: number): Promise<string> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const count = await loop(ms);
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - start) / 1000;
  const cpuMicrosPerOp = (cpu.user + cpu.system) / count;
  return JSON.stringify({ count, seconds, perSecond: count / seconds, cpuMicrosPerOp });
}

if (process.argv[2] === '--windows') {
  await loop(1000);
  console.log(JSON.stringify({ ready: true }));
  for await (const line of createInterface({ input: process.stdin })) {
    const ms = Number(line.trim());
    if (Number.isFinite(ms) && ms > 0) console.log(await measure(ms));
  }
} else {
  const seconds = Number(process.argv[2] ?? 5);
  await loop(Number(process.argv[3] ?? 1) * 1000);
  console.log(await measure(seconds * 1000));
}
