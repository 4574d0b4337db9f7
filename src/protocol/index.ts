export {
  type Admin,
  type ClientView,
  type ClockChange,
  type ClockView,
  type MintInput,
  RESET_PARTS,
  type ResetPart,
  type RotateResult,
} from './admin.ts';
export {
  type AuthenticatedClient,
  type ClientAuthMethod,
  JWT_BEARER_ASSERTION_TYPE,
  parseBasicCredentials,
  timingSafeEqual,
} from './authenticate-client.ts';
export { BufferedRequest } from './buffered-request.ts';
export { type Clock, createClock } from './clock.ts';
export { authorizationServerMetadata } from './discovery.ts';
export {
  BearerError,
  challengeValue,
  errorBody,
  InsufficientScope,
  InvalidBearerRequest,
  InvalidClient,
  InvalidToken,
  MethodNotAllowed,
  MissingToken,
  NotFound,
  OAUTH_ERROR_CODES,
  OAuthError,
  type OAuthErrorCode,
  RFC_ERROR_CODES,
  type RfcErrorCode,
  TooManyRequests,
} from './errors.ts';
export { BROWSER_HOSTS, BROWSER_MOCK_ORIGINS, LOCAL_SERVER_ORIGIN } from './hosts.ts';
export type { SerializedResponse } from './http.ts';
export type { IntrospectionResponse } from './introspection-endpoint.ts';
export type { AccessTokenSigner } from './keys.ts';
export { type EndpointName, LOG_CAPACITY, type LogEntry } from './log.ts';
export { createMockServer, type MockServer } from './mock-server.ts';
export type { MockServerOptions } from './options.ts';
export { MAX_BODY_BYTES } from './parse-body.ts';
export {
  applyProfile,
  BEHAVIOUR_PROFILES,
  type BehaviourCase,
  type BehaviourProfile,
  type BehaviourProfileId,
  behaviourProfile,
  type ProfileReference,
  type ProfileView,
  profileOf,
  profileView,
} from './profiles.ts';
export { REDACTED } from './redact.ts';
export {
  CHECK_SHORT_NAMES,
  RESOURCE_CHECKS,
  type ResourceCheckName,
  type TimeProblem,
  TOKEN_CHECK_NAMES,
  type TokenCheckName,
  tokenTimeProblem,
} from './resource-checks.ts';
export { ACCESS_TOKEN_ALGS, scopesOf, type VerifiedToken } from './resource-server.ts';
export { allowedMethods, matchRoute } from './router.ts';
export { API_SCOPES, DEFAULT_ACCESS_TOKEN_TTL, SAMPLE_USERS, SEEDED_CLIENTS } from './seed.ts';
export {
  type ClientRecord,
  defaultSettings,
  type IssuedToken,
  memoryStore,
  type Order,
  type ScopePolicy,
  type ServerSettings,
  type ServerSnapshot,
  type SigningAlg,
  type StateStore,
  type StoredKey,
  type TokenReuse,
  type User,
} from './state.ts';
export { SCOPE_SYNTAX, type TokenResponse } from './token-endpoint.ts';
export type { Step } from './trace.ts';
