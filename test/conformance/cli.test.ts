/**
 * `npm run conformance` end to end: the script (as `node --import tsx`, like the contract runner
 * starts the server) against the real `npm run server`, checking the exit codes and that the
 * output never holds a secret or a stack trace.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../src/conformance/run-conformance.ts';
import { freePort, type SpawnedServer, spawnServer } from '../contract/spawn-server.ts';
import { type BrokenServer, startBrokenServer } from './broken-server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function conformance(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/conformance.ts', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: SpawnedServer;
let broken: BrokenServer;

beforeAll(async () => {
  [server, broken] = await Promise.all([spawnServer(), startBrokenServer(['no-cache-control'])]);
}, 60_000);

afterAll(async () => {
  await Promise.all([server?.stop(), broken?.close()]);
});

describe('npm run conformance against npm run server', () => {
  it('passes every MUST with demo-client, exit 0, in JSON', async () => {
    const run = await conformance([
      '--issuer',
      server.origin,
      '--client-id',
      'demo-client',
      '--client-secret',
      'demo-secret',
      '--scope',
      'read:users',
      '--api',
      `${server.origin}/api/v1/users`,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(report.results.filter((r) => r.outcome === 'fail')).toEqual([]);
    expect(report.summary.mustFailed).toBe(0);
    expect(report.metadataUrl).toBe(`${server.origin}/.well-known/oauth-authorization-server`);
    expect(run.stdout).not.toContain('demo-secret');
  }, 60_000);

  it('passes every MUST with signing-client and the key file the server wrote', async () => {
    const keyFile = /(\S+signing-client\.\d+\.private\.jwk\.json)/.exec(server.output())?.[1];
    expect(keyFile).toBeDefined();
    const run = await conformance([
      '--issuer',
      server.origin,
      '--client-id',
      'signing-client',
      '--private-key',
      keyFile ?? '',
      '--no-color',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /PASS MUST {3}Token with private_key_jwt \(signed client assertion\) {2}\[token\.private-key-jwt/,
    );
    expect(run.stdout).toMatch(/\nSummary: every MUST passed; \d+ passed, 0 failed/);
  }, 60_000);

  it('takes the secret from CONFORMANCE_CLIENT_SECRET and prints a plain report when piped', async () => {
    const run = await conformance(['--issuer', server.origin, '--client-id', 'demo-client'], {
      CONFORMANCE_CLIENT_SECRET: 'demo-secret',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('\x1b[');
    expect(run.stdout).toContain(
      'client demo-client, credentials: client_secret (values not shown)',
    );
    expect(run.stdout).not.toContain('demo-secret');
  }, 60_000);
});

describe('npm run conformance exit codes', () => {
  it('exits 1 when a MUST fails and names the check', async () => {
    const run = await conformance([
      '--issuer',
      broken.origin,
      '--client-id',
      'demo-client',
      '--client-secret',
      'demo-secret',
      '--no-color',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'FAIL MUST   Token response has Cache-Control: no-store  [token.cache-control, RFC 6749 §5.1]\n              Cache-Control: absent\n              RFC 6749 §5.1: "The authorization server MUST include the HTTP "Cache-Control" response header field',
    );
    expect(run.stdout).toMatch(/\nSummary: 2 MUST failed; /);
  }, 60_000);

  it('exits 3 when the server refuses the credentials, and says so first', async () => {
    const run = await conformance([
      '--issuer',
      server.origin,
      '--client-id',
      'demo-client',
      '--client-secret',
      'not-the-secret',
      '--no-color',
    ]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(
      '\nSTOPPED: the server refused the credentials for demo-client: client_secret_basic: 401 invalid_client; client_secret_post: 401 invalid_client. Check --client-id and --client-secret.\n',
    );
    expect(run.stdout).not.toContain('FAIL');
    expect(run.stdout).not.toContain('not-the-secret');
  }, 60_000);

  it('exits 2 on bad usage, naming the missing option', async () => {
    const run = await conformance(['--client-id', 'demo-client', '--client-secret', 'x']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "Missing --issuer: the authorization server's issuer URL, e.g. --issuer https://auth.example.com\n\nRun with --help for the options.\n",
    );
  }, 60_000);

  it('exits 2 for a key file that does not exist', async () => {
    const run = await conformance([
      '--issuer',
      server.origin,
      '--client-id',
      'signing-client',
      '--private-key',
      '/nonexistent/key.json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('--private-key /nonexistent/key.json: no such file\n');
  }, 60_000);

  it('exits 2 for a key file that holds a public key', async () => {
    const file = join(tmpdir(), `conformance-public-${process.pid}.jwk.json`);
    await writeFile(file, JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }));
    try {
      const run = await conformance([
        '--issuer',
        server.origin,
        '--client-id',
        'signing-client',
        '--private-key',
        file,
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `--private-key ${file}: the JWK has no private part ("d"): give the private key, not the public one\n`,
      );
    } finally {
      await rm(file, { force: true });
    }
  }, 60_000);

  it('exits 3 (inconclusive) without a stack trace when nothing listens', async () => {
    const port = await freePort();
    const run = await conformance([
      '--issuer',
      `http://127.0.0.1:${port}`,
      '--client-id',
      'demo-client',
      '--client-secret',
      'demo-secret',
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      `STOPPED: could not reach the server: GET http://127.0.0.1:${port}/.well-known/oauth-authorization-server: connection refused`,
    );
    expect(run.stdout).toContain(
      'Summary: inconclusive: the run stopped before it could check the server;',
    );
    expect(run.stdout).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('prints the usage with --help and exits 0', async () => {
    const run = await conformance(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: npm run conformance -- --issuer <url> --client-id <id>/);
  }, 60_000);
});
