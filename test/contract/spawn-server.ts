/**
 * Starts the real `npm run server` (as `node --import tsx scripts/server.ts`, one process, so it
 * can be stopped by its pid) on a free port and waits until it answers. Node only: used by the
 * HTTP contract runner, the interop tests and the bench, never by the suite itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedServer {
  origin: string;
  port: number;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** A port the OS says is free right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface SpawnOptions {
  /** The script to run instead of scripts/server.ts (it takes `--port` and prints "Listening on"). */
  script?: string;
  /** A path that answers 200 once the server is ready. */
  readyPath?: string;
}

export async function spawnServer(
  extraArgs: string[] = [],
  {
    script = 'scripts/server.ts',
    readyPath = '/.well-known/oauth-authorization-server',
  }: SpawnOptions = {},
): Promise<SpawnedServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--port', String(port), ...extraArgs],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const origin = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    }
    if (/Listening on /.test(output)) {
      try {
        const res = await fetch(`${origin}${readyPath}`);
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        // not accepting yet
      }
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    port,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
