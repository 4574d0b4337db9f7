/**
 * The profiles lab's logic: replay one case under several server behaviour profiles and say
 * whether the answers differ. Plain TypeScript; the tests run it against the core in-process.
 */
import { basicCredentials, type HttpRequestModel } from '../../../client/http-request.ts';
import { type RecordedExchange, sendRequest } from '../../../client/send-request.ts';
import type { ServerSettings } from '../../../protocol/index.ts';
import {
  BEHAVIOUR_PROFILES,
  type BehaviourCase,
  type BehaviourProfile,
} from '../../../protocol/index.ts';

export const CASES: Record<BehaviourCase, { title: string; question: string }> = {
  'unauthorized-scope': {
    title: 'A scope the client may not have',
    question:
      'demo-client may have read:users only. It asks for read:users and write:orders. Error, or a token for less?',
  },
  'same-second-token': {
    title: 'The same token request twice in one second',
    question: 'demo-client asks for a token, then at once again. A new token, or the same one?',
  },
};

/** The request(s) a case sends: one for the scope case, the same one twice for the other. */
export function caseRequests(c: BehaviourCase, issuer: string): HttpRequestModel[] {
  const request: HttpRequestModel = {
    method: 'POST',
    url: `${issuer}/oauth/token`,
    headers: [
      ['Authorization', `Basic ${basicCredentials('demo-client', 'demo-secret')}`],
      ['Content-Type', 'application/x-www-form-urlencoded'],
    ],
    body:
      c === 'unauthorized-scope'
        ? 'grant_type=client_credentials&scope=read%3Ausers+write%3Aorders'
        : 'grant_type=client_credentials',
  };
  return c === 'unauthorized-scope' ? [request] : [request, request];
}

export interface ProfileRun {
  profile: BehaviourProfile;
  exchanges: RecordedExchange[];
  /** One line: what this profile did. */
  verdict: string;
  /** The fact compared across profiles ("400 invalid_scope", "same token", ...). */
  key: string;
}

export interface ReplayDeps {
  settings(): ServerSettings;
  updateSettings(input: unknown): Promise<ServerSettings>;
  /** Moves the server clock to the start of its next whole second (epoch seconds). */
  toNextSecond(): Promise<void>;
  fetch?: (request: Request) => Promise<Response>;
  issuer: string;
}

const errorOf = (e: RecordedExchange) => {
  const json = e.json as { error?: unknown; error_description?: unknown } | undefined;
  return typeof json?.error === 'string' ? json.error : undefined;
};
const fieldOf = (e: RecordedExchange | undefined, name: string) => {
  const json = e?.json as Record<string, unknown> | undefined;
  const v = json?.[name];
  return typeof v === 'string' ? v : undefined;
};

/** What one profile's exchanges show, as a line and as a comparable key. */
export function summarize(c: BehaviourCase, exchanges: readonly RecordedExchange[]) {
  const [first, second] = exchanges;
  if (!first) return { verdict: 'No answer.', key: 'none' };
  if (c === 'unauthorized-scope') {
    if (first.status === 200) {
      const scope = fieldOf(first, 'scope') ?? '(none)';
      return {
        verdict: `200: a token for "${scope}" only. The refused scope was dropped without an error.`,
        key: `200 ${scope}`,
      };
    }
    const error = errorOf(first) ?? 'no error code';
    return {
      verdict: `${first.status} ${error}: no token at all.`,
      key: `${first.status} ${error}`,
    };
  }
  const a = fieldOf(first, 'access_token');
  const b = fieldOf(second, 'access_token');
  if (!a || !b) {
    return { verdict: `Got ${first.status} and ${second?.status ?? 'nothing'}.`, key: 'error' };
  }
  return a === b
    ? {
        verdict: 'The same access_token both times: the server answered from its cache.',
        key: 'same',
      }
    : { verdict: 'Two different access tokens: a new one per request.', key: 'different' };
}

/**
 * Replay a case under each profile, restoring the server's settings afterwards. Each replay
 * starts at the top of a server second, so the same-second case really is in one second.
 */
export async function replayUnderProfiles(
  deps: ReplayDeps,
  c: BehaviourCase,
  profiles: readonly BehaviourProfile[],
): Promise<ProfileRun[]> {
  const before = deps.settings();
  const runs: ProfileRun[] = [];
  try {
    for (const profile of profiles) {
      await deps.updateSettings(profile.settings);
      await deps.toNextSecond();
      const exchanges: RecordedExchange[] = [];
      for (const request of caseRequests(c, deps.issuer)) {
        exchanges.push(await sendRequest(request, deps.fetch ? { fetch: deps.fetch } : {}));
      }
      runs.push({ profile, exchanges, ...summarize(c, exchanges) });
    }
  } finally {
    await deps.updateSettings({ scopePolicy: before.scopePolicy, tokenReuse: before.tokenReuse });
  }
  return runs;
}

/** Did the profiles answer differently? Then the learner has seen the difference. */
export function sawDifference(runs: readonly ProfileRun[]): boolean {
  return new Set(runs.map((r) => r.key)).size > 1;
}

/** Profiles by id, in the order the lab lists them (unknown ids are dropped). */
export function profilesById(ids: readonly string[]): BehaviourProfile[] {
  return BEHAVIOUR_PROFILES.filter((p) => ids.includes(p.id));
}
