export type { Admin, ClientView, ClockChange } from './admin.ts';
export {
  ASSERTION_CHECKS,
  type AssertionCheckName,
  FEDERATED_CHECKS,
  type FederatedCheckName,
} from './assertion-checks.ts';
export {
  type ClientAuthMethod,
  isTypedClientAssertion,
  timingSafeEqual,
} from './authenticate-client.ts';
export { BufferedRequest } from './buffered-request.ts';
export type { Clock } from './clock.ts';
export {
  errorBody,
  MethodNotAllowed,
  NotFound,
  OAUTH_ERROR_CODES,
  OAuthError,
  type OAuthErrorCode,
  RFC_ERROR_CODES,
  type RfcErrorCode,
} from './errors.ts';
export {
  BROWSER_HOSTS,
  BROWSER_MOCK_ORIGINS,
  defaultCiIssuer,
  LOCAL_SERVER_ORIGIN,
  toLocalServerUrl,
} from './hosts.ts';
export type { SerializedResponse } from './http.ts';
export type { AccessTokenSigner } from './keys.ts';
export type { LogEntry } from './log.ts';
export { createMockServer, type MockServer } from './mock-server.ts';
export type { MockServerOptions } from './options.ts';
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
  DPOP_CHECK_NAMES,
  type DpopCheckName,
  RESOURCE_CHECKS,
  type ResourceCheckName,
  TOKEN_CHECK_NAMES,
  type TokenCheckName,
  tokenTimeProblem,
} from './resource-checks.ts';
export { allowedMethods, matchRoute } from './router.ts';
export { isScopeToken } from './scope.ts';
export {
  type AssertionAudience,
  defaultSettings,
  type IssuedToken,
  memoryStore,
  type ServerSettings,
  type ServerSnapshot,
  type StateStore,
} from './state.ts';
export type { Step } from './trace.ts';
export type { SignatureVerifier } from './verify-signature.ts';
