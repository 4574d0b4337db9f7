/**
 * The secret-rotation lab's logic, apart from React: a scheduled job that calls the API through a
 * caching client (one retry after a 401), the four steps of a rotation without downtime and the
 * one-step replacement that causes it, and the tally the lab shows. Plain TypeScript: the page
 * drives it against its mock servers, the tests against the core in-process.
 *
 * The job runs on its own clock, `everyMinutes` apart, starting at the server's present: each
 * request it sends is sent with the server clock moved to the job's time and moved back after, so
 * its tokens expire as a day of running would expire them while the lesson around the lab keeps
 * the present.
 */
import { QueryClient } from '@tanstack/react-query';
import { basicCredentials, type HttpRequestModel } from '../../../client/http-request.ts';
import {
  accessTokenQueryKey,
  createTokenClient,
  type TokenClient,
} from '../../../client/token-cache.ts';
import type { Admin, Step } from '../../../protocol/index.ts';

/** Which of the lab's two secrets: the one the client starts with, or its replacement. */
export type SecretName = 'old' | 'new';

/** What the learner can do, in the order a rotation without downtime does it (and the shortcut). */
export type RotationAction = 'add-new' | 'deploy-new' | 'drop-old' | 'revoke-all' | 'replace';

export const ACTION_LABELS: Record<RotationAction, string> = {
  'add-new': 'Add the new secret to the server',
  'deploy-new': 'Deploy the new secret to the job',
  'drop-old': 'Drop the old secret from the server',
  'revoke-all': 'Revoke all the client’s tokens',
  replace: 'Replace the secret in one step',
};

/** One thing on the timeline. `at` is job time, minutes from the start. */
export type RotationEvent =
  | {
      kind: 'call';
      at: number;
      ok: boolean;
      /** Status of the last API answer, or of the token request that failed. */
      status: number;
      /** A 401 came first and the retry with a new token answered. */
      retried: boolean;
      detail: string;
    }
  | {
      kind: 'token';
      at: number;
      ok: boolean;
      status: number;
      /** The secret the job sent. */
      secret: SecretName;
      /** What the server's log says it matched (`secret 1 of 2`), when it did. */
      note?: string;
    }
  | { kind: 'action'; at: number; action: RotationAction; text: string };

export interface RotationTally {
  calls: number;
  failedCalls: number;
  tokenRequests: Record<SecretName, number>;
  refusedTokenRequests: number;
  /** Tokens the old secret minted that are neither expired nor revoked, at job time. */
  liveOldTokens: number;
}

export interface RotationSnapshot {
  /** Job time, minutes from the start. */
  at: number;
  /** What the server accepts, in the order it lists them (`secret 1 of 2` is the first). */
  serverSecrets: SecretName[];
  jobSecret: SecretName;
  events: readonly RotationEvent[];
  tally: RotationTally;
  outcomes: RotationOutcomes;
}

export interface RotationOutcomes {
  rotatedWithoutDowntime: { ok: boolean; detail: string };
  downtimeSeen: { ok: boolean; detail: string };
  oldTokensRevoked: { ok: boolean; detail: string };
}

export interface RotationDeps {
  /** Sends a request: the page's fetch (through the service worker), or a core's `handle`. */
  fetch(request: Request): Promise<Response>;
  admin: Pick<Admin, 'putClient' | 'revokeClientTokens' | 'setClock' | 'clock' | 'revokedTokens'>;
  /** The servers' log entry for an answer (its steps say which secret matched). */
  serverLog?(requestId: string): { steps: readonly Step[] } | undefined;
  issuer: string;
  apiOrigin: string;
  /** Makes a secret (default: random). */
  makeSecret?: (name: SecretName) => string;
}

export interface RotationSettings {
  client: string;
  everyMinutes: number;
  tokenTtl: number;
}

interface MintedToken {
  jti: string;
  exp: number;
  secret: SecretName;
}

const SCOPE = 'read:users';

function randomSecret(name: SecretName): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `${name}-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function claimsOf(token: string): { jti?: unknown; exp?: unknown } {
  try {
    const part = token.split('.')[1] ?? '';
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

/** The job, the server's secrets and the timeline. `setUp()` before anything else. */
export class RotationJob {
  readonly secrets: Record<SecretName, string>;
  private serverSecrets: SecretName[] = ['old'];
  private jobSecret: SecretName = 'old';
  private events: RotationEvent[] = [];
  private minted: MintedToken[] = [];
  private runs = 0;
  private startSeconds = 0;
  private client: TokenClient;
  /** Order of the rotation steps, for the outcome: when each was last done (job minutes). */
  private done: Partial<Record<RotationAction, number>> = {};
  private revokedOld = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: RotationDeps,
    readonly settings: RotationSettings,
  ) {
    const make = deps.makeSecret ?? randomSecret;
    this.secrets = { old: make('old'), new: make('new') };
    this.client = this.newClient();
  }

  /** Job time in epoch seconds. */
  private jobSeconds(): number {
    return this.startSeconds + this.at() * 60;
  }

  /** Job time, minutes from the start: the last run's (0 before the first). */
  at(): number {
    return Math.max(0, this.runs - 1) * this.settings.everyMinutes;
  }

  private newClient(): TokenClient {
    const { client } = this.settings;
    return createTokenClient({
      tokenRequest: () => this.tokenRequest(),
      fetch: (request) => this.observe(request),
      now: () => this.jobSeconds() * 1000,
      refreshMarginSeconds: 60,
      retryOn401: true,
      onEvent: (event) => {
        if (event.type === 'token_discarded' && event.reason === 'api_401') this.retried = true;
      },
      queryClient: new QueryClient(),
      queryKey: accessTokenQueryKey(client, SCOPE),
    });
  }

  private tokenRequest(): HttpRequestModel {
    return {
      method: 'POST',
      url: `${this.deps.issuer}/oauth/token`,
      headers: [
        [
          'Authorization',
          `Basic ${basicCredentials(this.settings.client, this.secrets[this.jobSecret])}`,
        ],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      body: `grant_type=client_credentials&scope=${encodeURIComponent(SCOPE)}`,
    };
  }

  /** Every request of the job: sent at job time, token requests written on the timeline. */
  private async observe(request: Request): Promise<Response> {
    const isToken = new URL(request.url).pathname.endsWith('/oauth/token');
    const secret = this.jobSecret;
    const response = await this.deps.fetch(request);
    if (isToken) {
      const requestId = response.headers.get('x-request-id');
      const note = requestId
        ? this.deps.serverLog?.(requestId)?.steps.find((s) => s.name === 'checkClientSecret')?.note
        : undefined;
      if (response.ok) {
        const body = (await response
          .clone()
          .json()
          .catch(() => undefined)) as { access_token?: unknown } | undefined;
        const claims = typeof body?.access_token === 'string' ? claimsOf(body.access_token) : {};
        if (typeof claims.jti === 'string' && typeof claims.exp === 'number') {
          this.minted.push({ jti: claims.jti, exp: claims.exp, secret });
        }
      }
      this.events.push({
        kind: 'token',
        at: this.at(),
        ok: response.ok,
        status: response.status,
        secret,
        ...(note !== undefined && { note }),
      });
    }
    return response;
  }

  /**
   * Run `work` with the server clock at the job's time, then put the clock back by the same
   * amount, whatever it was doing (running or frozen).
   */
  private async atJobTime<T>(work: () => Promise<T>): Promise<T> {
    const delta = this.jobSeconds() - this.deps.admin.clock().now;
    await this.deps.admin.setClock({ advance: delta });
    try {
      return await work();
    } finally {
      await this.deps.admin.setClock({ advance: -delta });
    }
  }

  /** One thing at a time: a click during a run waits for it. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.busy.then(work, work);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private put(secrets: SecretName[]): Promise<unknown> {
    this.serverSecrets = secrets;
    return this.deps.admin.putClient(this.settings.client, {
      client_secrets: secrets.map((name) => this.secrets[name]),
      scopes: [SCOPE],
      access_token_ttl: this.settings.tokenTtl,
    });
  }

  /** (Re)create the job's client with the old secret only, at the server's present. */
  setUp(): Promise<void> {
    return this.serial(async () => {
      this.startSeconds = this.deps.admin.clock().now;
      this.runs = 0;
      this.events = [];
      this.minted = [];
      this.done = {};
      this.revokedOld = 0;
      this.jobSecret = 'old';
      this.client = this.newClient();
      await this.put(['old']);
    });
  }

  /** One run of the job: one API call, with a token from the cache or a new one. */
  runOnce(): Promise<RotationEvent> {
    return this.serial(async () => {
      this.runs++;
      const event = await this.atJobTime(() => this.call());
      this.events.push(event);
      return event;
    });
  }

  private async call(): Promise<RotationEvent> {
    const at = this.at();
    const request: HttpRequestModel = {
      method: 'GET',
      url: `${this.deps.apiOrigin}/api/v1/users`,
      headers: [],
      body: '',
    };
    const before = this.events.length;
    this.retried = false;
    try {
      const exchange = await this.client.callApi(request);
      const ok = exchange.status >= 200 && exchange.status < 300;
      const retried = this.retried;
      return {
        kind: 'call',
        at,
        ok,
        status: exchange.status,
        retried,
        detail: ok
          ? retried
            ? 'the API refused the cached token (401); a new token, and the retry worked'
            : 'done'
          : `the API answered ${exchange.status}${retried ? ', even after a new token' : ''}`,
      };
    } catch (error) {
      const failedToken = this.events
        .slice(before)
        .find((e): e is Extract<RotationEvent, { kind: 'token' }> => e.kind === 'token' && !e.ok);
      return {
        kind: 'call',
        at,
        ok: false,
        status: failedToken?.status ?? 0,
        retried: this.retried,
        detail: failedToken
          ? `the token endpoint refused the ${failedToken.secret} secret (${failedToken.status} invalid_client), so the call could not be made`
          : error instanceof Error
            ? error.message
            : String(error),
      };
    }
  }

  /** Set by the token client when the call in progress needed its one retry after a 401. */
  private retried = false;

  /** Do one of the learner's steps. Answers what happened, for the lab's status line. */
  act(action: RotationAction): Promise<string> {
    return this.serial(async () => {
      const text = await this.perform(action);
      this.done[action] = this.at();
      this.events.push({ kind: 'action', at: this.at(), action, text });
      return text;
    });
  }

  private async perform(action: RotationAction): Promise<string> {
    const has = (name: SecretName) => this.serverSecrets.includes(name);
    switch (action) {
      case 'add-new':
        if (has('new')) return 'The server already has the new secret.';
        await this.put([...this.serverSecrets, 'new']);
        return `The server now accepts ${this.serverSecrets.length === 2 ? 'both secrets: the old one is secret 1 of 2, the new one secret 2 of 2' : 'the new secret'}.`;
      case 'deploy-new':
        if (this.jobSecret === 'new') return 'The job already has the new secret.';
        this.jobSecret = 'new';
        // A deploy restarts the job: its cached token goes with the old process.
        this.client.invalidate();
        return has('new')
          ? 'The job restarted with the new secret: its next token request uses it.'
          : 'The job restarted with a secret the server does not know yet.';
      case 'drop-old':
        if (!has('old')) return 'The server does not have the old secret any more.';
        if (!has('new'))
          return 'The old secret is the only one: a client needs a secret. Add the new one first (or replace it in one step and see what happens).';
        await this.put(['new']);
        return this.jobSecret === 'old'
          ? 'The server dropped the old secret, which the job still uses.'
          : 'The server dropped the old secret: only the new one works now.';
      case 'revoke-all': {
        const liveOld = this.liveTokens('old').length;
        const { revoked } = await this.atJobTime(() =>
          this.deps.admin.revokeClientTokens(this.settings.client),
        );
        if (liveOld > 0 && !has('old')) this.revokedOld += liveOld;
        return `Revoked ${revoked} token${revoked === 1 ? '' : 's'}${liveOld > 0 ? `, ${liveOld} of them minted with the old secret` : ''}. The job's cached token, if it had one, now fails once at the API.`;
      }
      case 'replace':
        await this.put(['new']);
        return this.jobSecret === 'new'
          ? 'The server now knows only the new secret.'
          : 'The server now knows only the new secret; the job still has the old one.';
    }
  }

  private liveTokens(secret: SecretName): MintedToken[] {
    const revoked = new Set(this.deps.admin.revokedTokens());
    const now = this.jobSeconds();
    return this.minted.filter((t) => t.secret === secret && t.exp > now && !revoked.has(t.jti));
  }

  snapshot(): RotationSnapshot {
    const calls = this.events.filter((e) => e.kind === 'call');
    const tokens = this.events.filter((e) => e.kind === 'token');
    const tally: RotationTally = {
      calls: calls.length,
      failedCalls: calls.filter((e) => !e.ok).length,
      tokenRequests: {
        old: tokens.filter((e) => e.secret === 'old').length,
        new: tokens.filter((e) => e.secret === 'new').length,
      },
      refusedTokenRequests: tokens.filter((e) => !e.ok).length,
      liveOldTokens: this.liveTokens('old').length,
    };
    return {
      at: this.at(),
      serverSecrets: [...this.serverSecrets],
      jobSecret: this.jobSecret,
      events: [...this.events],
      tally,
      outcomes: this.judge(tally),
    };
  }

  private judge(tally: RotationTally): RotationOutcomes {
    const { done } = this;
    const inOrder =
      done['add-new'] !== undefined &&
      done['deploy-new'] !== undefined &&
      done['drop-old'] !== undefined &&
      done['revoke-all'] !== undefined &&
      done.replace === undefined &&
      this.orderOf('add-new') < this.orderOf('deploy-new') &&
      this.orderOf('deploy-new') < this.orderOf('drop-old') &&
      this.orderOf('drop-old') < this.orderOf('revoke-all');
    const lastRevoke = this.lastIndex('action', 'revoke-all');
    const okAfter = this.events.some((e, index) => index > lastRevoke && e.kind === 'call' && e.ok);
    const firstAction = this.events.findIndex((e) => e.kind === 'action');
    const ranBefore = this.events.some(
      (e, index) => e.kind === 'call' && e.ok && (firstAction === -1 || index < firstAction),
    );
    const rotated =
      inOrder &&
      tally.failedCalls === 0 &&
      tally.liveOldTokens === 0 &&
      ranBefore &&
      okAfter &&
      this.jobSecret === 'new' &&
      this.serverSecrets.join() === 'new';
    const refused = this.events.find(
      (e): e is Extract<RotationEvent, { kind: 'call' }> =>
        e.kind === 'call' && !e.ok && e.status === 401,
    );
    return {
      rotatedWithoutDowntime: {
        ok: rotated,
        detail: rotated
          ? `Rotated while the job ran: ${tally.calls} calls, none failed; the old secret is gone and nothing it minted still works.`
          : tally.failedCalls > 0
            ? `${tally.failedCalls} call${tally.failedCalls === 1 ? '' : 's'} failed: start over and rotate in the order that keeps the job working.`
            : !ranBefore
              ? 'Start the job before you rotate: the point is to rotate while it runs.'
              : !inOrder
                ? 'Add the new secret, deploy it, drop the old one, then revoke what the old one minted: all four, in that order.'
                : !okAfter
                  ? 'Let the job run once more after the revocation, to see it still works.'
                  : `${tally.liveOldTokens} token${tally.liveOldTokens === 1 ? '' : 's'} minted with the old secret still work.`,
      },
      downtimeSeen: {
        ok: refused !== undefined,
        detail: refused
          ? `At minute ${refused.at} the job could not get a token: ${refused.detail}.`
          : 'No call has failed yet.',
      },
      oldTokensRevoked: {
        ok: this.revokedOld > 0,
        detail:
          this.revokedOld > 0
            ? `Revoked ${this.revokedOld} token${this.revokedOld === 1 ? '' : 's'} the old secret had minted.`
            : 'No token of the old secret was revoked after the old secret was dropped.',
      },
    };
  }

  private orderOf(action: RotationAction): number {
    return this.lastIndex('action', action);
  }

  private lastIndex(kind: 'action', action: RotationAction): number {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e?.kind === kind && e.action === action) return i;
    }
    return -1;
  }
}
