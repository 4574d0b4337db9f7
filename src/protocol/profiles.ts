import { OAuthError } from './errors.ts';
import type { ScopePolicy, ServerSettings, TokenReuse } from './state.ts';

/** The cases where real authorization servers are allowed to differ, and this mock can show it. */
export type BehaviourCase = 'unauthorized-scope' | 'same-second-token';

/** A documentation link a profile rests on. */
export interface ProfileReference {
  label: string;
  url: string;
}

/**
 * A named server behaviour: the settings it sets, and what a learner sees in each case.
 * Profiles change only `scopePolicy` and `tokenReuse`; leeway and signing stay as they are.
 */
export interface BehaviourProfile {
  id: BehaviourProfileId;
  name: string;
  summary: string;
  settings: { scopePolicy: ScopePolicy; tokenReuse: TokenReuse };
  behaviour: Record<BehaviourCase, string>;
  references: readonly ProfileReference[];
}

export type BehaviourProfileId = 'strict-rfc' | 'down-scoping' | 'server-side-cache';

const RFC6749_SCOPE: ProfileReference = {
  label: 'RFC 6749 §3.3 (access token scope)',
  url: 'https://www.rfc-editor.org/rfc/rfc6749#section-3.3',
};
const RFC6749_ERRORS: ProfileReference = {
  label: 'RFC 6749 §5.2 (invalid_scope)',
  url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2',
};
const RFC6749_CC: ProfileReference = {
  label: 'RFC 6749 §4.4.3 (client credentials response)',
  url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.4.3',
};

/**
 * The profiles the mock can switch between. Descriptive names, not vendors': we name a vendor
 * only where its documentation says it behaves so (docs/decisions/behaviour-profiles.md).
 */
export const BEHAVIOUR_PROFILES: readonly BehaviourProfile[] = [
  {
    id: 'strict-rfc',
    name: 'Strict RFC (default)',
    summary:
      'Refuses any scope the client may not have, and issues a new token for every request. What the contract promises.',
    settings: { scopePolicy: 'strict', tokenReuse: 'never' },
    behaviour: {
      'unauthorized-scope':
        '400 invalid_scope, naming the scope it refused: the client learns at once that it asked for too much.',
      'same-second-token':
        'Two requests, two tokens, each with its own jti, even within one second.',
    },
    references: [RFC6749_ERRORS, RFC6749_CC],
  },
  {
    id: 'down-scoping',
    name: 'Down-scoping',
    summary:
      'Grants the part of the requested scope the client may have and silently drops the rest; the response names the scope it granted.',
    settings: { scopePolicy: 'downscope', tokenReuse: 'never' },
    behaviour: {
      'unauthorized-scope':
        "200 with a token for fewer scopes. Only the response's scope field tells; the API answers 403 later.",
      'same-second-token': 'A new token for every request.',
    },
    references: [RFC6749_SCOPE],
  },
  {
    id: 'server-side-cache',
    name: 'Server-side token cache',
    summary:
      'Answers a repeated request from its own cache: the same client asking for the same scope within one second gets the token it was just given.',
    settings: { scopePolicy: 'strict', tokenReuse: 'same-second' },
    behaviour: {
      'unauthorized-scope': '400 invalid_scope, as strict RFC.',
      'same-second-token':
        'The same access_token (same jti) again, with expires_in counting down from the first answer.',
    },
    references: [RFC6749_CC],
  },
];

/** The profile with this id, or a 400 invalid_request naming the known ones. */
export function behaviourProfile(id: string): BehaviourProfile {
  const found = BEHAVIOUR_PROFILES.find((p) => p.id === id);
  if (found) return found;
  throw new OAuthError(
    'invalid_request',
    `Unknown behaviour profile ${JSON.stringify(id)}. Known: ${BEHAVIOUR_PROFILES.map((p) => p.id).join(', ')}.`,
    { detail: `profile ${JSON.stringify(id)}` },
  );
}

/** Which profile these settings are, if any (a hand-made mix is none of them). */
export function profileOf(
  settings: Pick<ServerSettings, 'scopePolicy' | 'tokenReuse'>,
): BehaviourProfile | undefined {
  return BEHAVIOUR_PROFILES.find(
    (p) =>
      p.settings.scopePolicy === settings.scopePolicy &&
      p.settings.tokenReuse === settings.tokenReuse,
  );
}

/** What `GET /__admin/profile` answers: the current profile (null for a hand-made mix). */
export interface ProfileView {
  profile: BehaviourProfileId | null;
  settings: ServerSettings;
  profiles: readonly BehaviourProfile[];
}

/** The current profile and every profile on offer. */
export function profileView(settings: ServerSettings): ProfileView {
  return { profile: profileOf(settings)?.id ?? null, settings, profiles: BEHAVIOUR_PROFILES };
}

/**
 * `PUT /__admin/profile` `{"profile": "<id>"}`: switch the server to a profile (its settings go
 * through the same validation as `PUT /__admin/settings`).
 */
export async function applyProfile(
  admin: { updateSettings(input: unknown): Promise<ServerSettings> },
  input: unknown,
): Promise<ProfileView> {
  const id =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? (input as Record<string, unknown>).profile
      : undefined;
  if (typeof id !== 'string') {
    throw new OAuthError(
      'invalid_request',
      `The body must be {"profile": "<id>"} with one of: ${BEHAVIOUR_PROFILES.map((p) => p.id).join(', ')}.`,
      { detail: 'profile missing or not a string' },
    );
  }
  const settings = await admin.updateSettings(behaviourProfile(id).settings);
  return profileView(settings);
}
