#!/usr/bin/env node
/**
 * Starts a system Firefox for Playwright's WebDriver BiDi driver (`channel: 'moz-firefox'`), with
 * a small relay between the two. playwright.config.ts names this file as the Firefox executable
 * when the machine has a Firefox of its own (Debian's firefox-esr on CI, where Playwright cannot
 * download its patched build). docs/decisions/firefox-over-bidi.md says why.
 *
 * What the relay changes, and nothing else: Playwright sets up every browser context with a few
 * BiDi emulation commands. A Firefox that does not know one yet (firefox-esr 153 lacks
 * `emulation.setMediaFeaturesOverride`) answers "unknown command" and Playwright gives up on the
 * context. For the commands listed in TOLERATED, such an answer becomes an empty success: the
 * feature is not emulated (a test that needs it must not run on that Firefox), every other command
 * and answer passes through untouched. A Firefox that knows the command answers it itself.
 *
 * Usage (by Playwright): firefox-bidi.mjs <Firefox arguments...>, with the Firefox binary in
 * CCP_FIREFOX_BINARY.
 */
import { spawn } from 'node:child_process';
import { WebSocket, WebSocketServer } from 'ws';

const TOLERATED = new Set(['emulation.setMediaFeaturesOverride']);
const LISTENING = /WebDriver BiDi listening on (ws:\/\/\S+)/;

const binary = process.env.CCP_FIREFOX_BINARY;
if (!binary) {
  process.stderr.write('firefox-bidi.mjs: set CCP_FIREFOX_BINARY to the Firefox to start\n');
  process.exit(2);
}

const firefox = spawn(binary, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'pipe'] });
const stop = () => firefox.kill('SIGKILL');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('exit', stop);
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

let relaying = false;
let startup = '';
firefox.stderr.on('data', (chunk) => {
  const text = chunk.toString();
  if (relaying) {
    process.stderr.write(text);
    return;
  }
  startup += text;
  const match = LISTENING.exec(startup);
  if (!match) {
    process.stderr.write(text);
    return;
  }
  relaying = true;
  const upstream = match[1];
  const relay = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
    const { port } = relay.address();
    // Playwright reads this line to find the endpoint: it gets the relay's.
    process.stderr.write(text.replace(upstream, `ws://127.0.0.1:${port}`));
  });
  relay.on('connection', (client, request) => connect(client, `${upstream}${request.url ?? ''}`));
});

/** One Playwright connection, relayed to Firefox's endpoint of the same path. */
function connect(client, url) {
  const browser = new WebSocket(url);
  const queued = [];
  const tolerated = new Map(); // command id -> method, for TOLERATED commands in flight
  let warned = false;

  browser.on('open', () => {
    for (const message of queued) browser.send(message);
    queued.length = 0;
  });
  client.on('message', (data) => {
    const text = data.toString();
    const id = commandId(text, TOLERATED);
    if (id !== undefined) tolerated.set(id.id, id.method);
    if (browser.readyState === WebSocket.OPEN) browser.send(text);
    else queued.push(text);
  });
  browser.on('message', (data) => {
    let text = data.toString();
    // Parsed only while a tolerated command awaits its answer (at context set-up).
    if (tolerated.size > 0) {
      const answer = JSON.parse(text);
      const method = tolerated.get(answer.id);
      if (method !== undefined) {
        tolerated.delete(answer.id);
        if (answer.type === 'error' && answer.error === 'unknown command') {
          if (!warned) {
            process.stderr.write(`firefox-bidi.mjs: this Firefox lacks ${method}; not emulated\n`);
            warned = true;
          }
          text = JSON.stringify({ type: 'success', id: answer.id, result: {} });
        }
      }
    }
    client.send(text);
  });
  browser.on('close', () => client.close());
  client.on('close', () => browser.close());
  browser.on('error', () => client.close());
  client.on('error', () => browser.close());
}

/** The id and method of a command whose method is in `methods`, read without parsing others. */
function commandId(text, methods) {
  for (const method of methods) {
    if (text.includes(`"${method}"`)) {
      const command = JSON.parse(text);
      if (command.method === method) return { id: command.id, method };
    }
  }
  return undefined;
}
