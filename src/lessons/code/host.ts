/**
 * The {@link ExerciseHost} of a code exercise, built on one way of sending a request to the mock
 * servers: the page's `fetch` (through the service worker, as every lesson request) or, in Node,
 * the core's `handle`. Runs outside the sandbox, so it decides what the learner's code may reach:
 *
 * - `fetch`: the mock hosts only, and never their `/__admin` control API;
 * - the control API only as the exercise hands it out: the clock (moved forward and put back when
 *   the run ends), the log (admin calls left out) and minted tokens for the forge's presets.
 *
 * Each run starts with empty rate-limit windows and ends with the clock put back and the windows
 * emptied again, so running the tests twice gives the same answers and leaves the lesson's
 * server where it stood (tokens issued by the tests stay, as any issued token does).
 */
import type { ForgeEnv, ForgeKeys } from '../../client/forge.ts';
import { BROWSER_HOSTS, BROWSER_MOCK_ORIGINS, type LogEntry } from '../../protocol/index.ts';
import type { ExerciseHost, SandboxLogEntry, WireRequest, WireResponse } from './harness.ts';

export type SendToServers = (request: Request) => Promise<Response>;

export interface HostOptions {
  /** The mock hosts the code may reach (default: the browser's). */
  origins?: readonly string[];
  /** The authorization server, where the control API lives (default: the browser's). */
  issuer?: string;
}

export interface RunHost extends ExerciseHost {
  /** Before a run: empty the rate-limit windows. */
  prepare(): Promise<void>;
  /** After a run, however it ended: the clock back where it was, the windows emptied. */
  restore(): Promise<void>;
}

/** Why `fetch` refused a URL, or undefined when the sandbox may reach it. */
export function refusedUrl(url: string, origins: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `fetch refused "${url.slice(0, 100)}": not an absolute URL.`;
  }
  if (!origins.includes(parsed.origin)) {
    return `fetch refused ${parsed.origin}: the code here reaches only the playground's mock servers (${origins.join(', ')}).`;
  }
  if (parsed.pathname === '/__admin' || parsed.pathname.startsWith('/__admin/')) {
    return 'fetch refused /__admin: the control API is not yours to call from here. The tests move the clock and read the log for you.';
  }
  return undefined;
}

export function createExerciseHost(send: SendToServers, options: HostOptions = {}): RunHost {
  const origins = options.origins ?? BROWSER_MOCK_ORIGINS;
  const issuer = options.issuer ?? BROWSER_HOSTS.issuer;
  let advanced = 0;

  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await send(
      new Request(`${issuer}/__admin${path}`, {
        method,
        ...(body !== undefined && {
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      }),
    );
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `${method} /__admin${path} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    return text === '' ? undefined : JSON.parse(text);
  };
  const logEntries = async (): Promise<LogEntry[]> =>
    ((await admin('GET', '/log')) as { entries: LogEntry[] }).entries;

  const forgeKeys: ForgeKeys & { jwksLoaded?: Awaited<ReturnType<ForgeKeys['jwks']>> } = {
    mint: async (input) => (await admin('POST', '/mint', input)) as { token: string },
    jwks: () => forgeKeys.jwksLoaded ?? { keys: [] },
  };

  return {
    async fetch(request: WireRequest): Promise<WireResponse> {
      const refused = refusedUrl(request.url, origins);
      if (refused) throw new Error(refused);
      const response = await send(
        new Request(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
        }),
      );
      return {
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers],
        body: await response.text(),
      };
    },
    async serverNow() {
      const clock = (await admin('GET', '/clock')) as {
        now: number;
        offset: number;
        frozen: boolean;
      };
      // `now` is whole seconds; a running clock is known to the millisecond through its offset.
      return clock.frozen ? clock.now * 1000 : Date.now() + clock.offset * 1000;
    },
    async advanceClock(seconds: number) {
      await admin('POST', '/clock', { advance: seconds });
      advanced += seconds;
    },
    async logMark() {
      return (await logEntries()).at(-1)?.id;
    },
    async serverLog(mark: string | undefined): Promise<SandboxLogEntry[]> {
      const entries = await logEntries();
      const from = mark === undefined ? 0 : entries.findIndex((e) => e.id === mark) + 1;
      return entries
        .slice(from)
        .filter((e) => e.endpoint !== 'admin')
        .map((e) => ({
          id: e.id,
          endpoint: e.endpoint,
          method: e.request.method,
          url: e.request.url,
          status: e.response.status,
          ...(e.clientId !== undefined && { clientId: e.clientId }),
          requestHeaders: e.request.headers,
          ...(e.request.body !== undefined && { requestBody: e.request.body }),
        }));
    },
    async forgedToken(presetId: string, leewaySeconds: number) {
      // Loaded on first use: only the tests that replay forged tokens need the forge (and jose).
      const { FORGE_PRESETS, mintedDraft, signDraft } = await import('../../client/forge.ts');
      const preset = FORGE_PRESETS.find((p) => p.id === presetId);
      if (!preset) {
        throw new Error(
          `No forge preset "${presetId}". Presets: ${FORGE_PRESETS.map((p) => p.id).join(', ')}.`,
        );
      }
      const [clock, keys, jwks] = await Promise.all([
        admin('GET', '/clock') as Promise<{ now: number }>,
        admin('GET', '/keys') as Promise<{ keys: { kid: string; alg: string; status: string }[] }>,
        send(new Request(`${issuer}/.well-known/jwks.json`)).then((r) => r.json()),
      ]);
      forgeKeys.jwksLoaded = jwks;
      const active = keys.keys.find((k) => k.status === 'active') ?? keys.keys[0];
      const env: ForgeEnv = {
        issuer,
        audience: BROWSER_HOSTS.audience,
        now: clock.now,
        leewaySeconds: Number.isFinite(leewaySeconds) ? leewaySeconds : 60,
        kid: active?.kid ?? '',
        alg: active?.alg ?? 'ES256',
      };
      const { draft } = await mintedDraft(env, forgeKeys);
      return signDraft(preset.build(env, draft), forgeKeys);
    },
    async prepare() {
      advanced = 0;
      await admin('POST', '/reset', { only: ['rate_limits'] });
    },
    async restore() {
      if (advanced !== 0) await admin('POST', '/clock', { advance: -advanced });
      advanced = 0;
      await admin('POST', '/reset', { only: ['rate_limits'] });
    },
  };
}
