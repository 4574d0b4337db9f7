/**
 * `npm run lessons:check [-- [lessons dir or files...] [--no-live] [--json]]`
 *
 * Checks every lesson the way a learner would meet it: compiles it (front-matter, blocks,
 * options, ids, variables, expectations), applies the authoring rules of `src/lessons/check/`,
 * then starts the mock servers in this process (the core and the node:http adapter of
 * `npm run server`) and sends every lesson's requests top to bottom, reporting each answer that
 * differs from what the lesson expects. Problems print as `file:line:column message`; the exit
 * code is 1 when there is any.
 */

import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { getDpopKey, signDpopProof } from '../src/client/dpop.ts';
import { signClientAssertion } from '../src/client/token-request.ts';
import {
  checkLessons,
  formatReport,
  type LiveServers,
} from '../src/lessons/check/check-lessons.ts';
import type { LessonSource } from '../src/lessons/compile-lessons.ts';
import { createNodeHttpAdapter } from '../src/mocks/node-http-adapter.ts';
import { BROWSER_HOSTS, createMockServer } from '../src/protocol/index.ts';
import { checkCodeExerciseInNode } from './code-check-node.ts';

/** The hosts lessons are written for (the page's service worker answers them). */
const { issuer: ISSUER, apiOrigin: API, ciIssuer: CI } = BROWSER_HOSTS;

const USAGE = `Usage: npm run lessons:check -- [lessons dir or .md files...] [--no-live] [--json]

  (no paths)   check every lesson in lessons/
  --no-live    compile and check the lessons without sending their requests
  --json       print the report as JSON instead of file:line:column lines`;

async function lessonFiles(args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args.length > 0 ? args : ['lessons']) {
    const info = await stat(arg).catch(() => undefined);
    if (!info) throw new Error(`No such file or folder: ${arg}`);
    if (info.isDirectory()) {
      const names = (await readdir(arg))
        .filter((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md')
        .sort();
      files.push(...names.map((name) => path.join(arg, name)));
    } else if (arg.endsWith('.md')) files.push(arg);
    else throw new Error(`Not a lesson (.md) file: ${arg}`);
  }
  return files;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * The Node mock server, answering as the browser hosts: the lessons (and their expectations)
 * name https://auth.example.com and https://api.example.com, so one core serves two local ports,
 * each rebuilt on its host by the adapter, and lesson URLs are mapped to them.
 */
async function startServers(): Promise<LiveServers & { close(): void }> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const meta = { kid: 'lessons-check', alg: 'ES256', use: 'sig' };
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), ...meta };
  const privateJwk: JWK = { ...(await exportJWK(pair.privateKey)), ...meta };
  const core = await createMockServer({
    ...BROWSER_HOSTS,
    signingClientJwks: { keys: [publicJwk] },
  });
  const auth = createServer(createNodeHttpAdapter(core, { origin: ISSUER }));
  const api = createServer(createNodeHttpAdapter(core, { origin: API }));
  const ci = createServer(createNodeHttpAdapter(core, { origin: CI }));
  const ports = await Promise.all([listen(auth), listen(api), listen(ci)]);
  const origins = new Map([
    [ISSUER, `http://127.0.0.1:${ports[0]}`],
    [API, `http://127.0.0.1:${ports[1]}`],
    [CI, `http://127.0.0.1:${ports[2]}`],
  ]);
  const mapUrl = (url: string) => {
    for (const [from, to] of origins)
      if (url.startsWith(`${from}/`)) return to + url.slice(from.length);
    return url;
  };
  return {
    fetch: (request) => fetch(request),
    mapUrl,
    serverLog: (requestId) => core.admin.log().find((entry) => entry.id === requestId),
    signAssertion: (clientId, shape) =>
      clientId === 'signing-client'
        ? signClientAssertion(clientId, ISSUER, privateJwk, { ...(shape && { shape }) })
        : Promise.resolve(undefined),
    // Code exercises run here, in Node: the page's test runner against these servers.
    checkCode: checkCodeExerciseInNode,
    // As the page does: the learner's DPoP key and a thief's, made here, in memory.
    signDpopProof: async (key, input) => signDpopProof(await getDpopKey(key), input),
    reset: async () => {
      const response = await fetch(mapUrl(`${ISSUER}/__admin/reset`), { method: 'POST' });
      if (!response.ok) throw new Error(`POST /__admin/reset answered ${response.status}`);
    },
    close: () => {
      for (const server of [auth, api, ci]) {
        server.close();
        server.closeAllConnections();
      }
    },
  };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      allowPositionals: true,
      options: {
        'no-live': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let sources: LessonSource[];
  try {
    const files = await lessonFiles(positionals);
    if (files.length === 0)
      throw new Error(`No lessons (.md files) in ${positionals.join(', ') || 'lessons'}.`);
    sources = await Promise.all(
      files.map(async (file) => ({
        file: path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/'),
        source: await readFile(file, 'utf8'),
      })),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  const servers = values['no-live'] ? undefined : await startServers();
  try {
    const report = await checkLessons(sources, servers);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.diagnostics.length > 0 ? 1 : 0;
  } finally {
    servers?.close();
  }
}

process.exitCode = await main();
