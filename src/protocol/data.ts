/**
 * The protocol's facts without its server: the hosts, the error codes, the resource server's
 * checks, the scope syntax, the behaviour profiles and default settings. Pages and tools that only
 * name or show these import them from here; `index.ts` is the whole core (createMockServer and
 * everything it needs, jose included). Importing a fact through the index put the core, about
 * 30 kB of it (gzip), among the modules the app's entry loads before it goes live.
 */
export {
  OAUTH_ERROR_CODES,
  type OAuthErrorCode,
  RFC_ERROR_CODES,
  type RfcErrorCode,
} from './errors.ts';
export {
  BROWSER_HOSTS,
  BROWSER_MOCK_ORIGINS,
  LOCAL_SERVER_ORIGIN,
  toLocalServerUrl,
} from './hosts.ts';
export {
  BEHAVIOUR_PROFILES,
  type BehaviourCase,
  type BehaviourProfile,
  type BehaviourProfileId,
  behaviourProfile,
  profileOf,
} from './profiles.ts';
export {
  CHECK_SHORT_NAMES,
  RESOURCE_CHECKS,
  type ResourceCheckName,
  TOKEN_CHECK_NAMES,
  type TokenCheckName,
  tokenTimeProblem,
} from './resource-checks.ts';
export { isScopeToken, SCOPE_SYNTAX, scopesOf } from './scope.ts';
export { defaultSettings, type ServerSettings } from './state.ts';
