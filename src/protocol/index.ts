// The facts a page may import without the core (see data.ts), then the core itself.

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
export * from './data.ts';
export { errorBody, MethodNotAllowed, NotFound, OAuthError } from './errors.ts';
export { defaultCiIssuer } from './hosts.ts';
export type { SerializedResponse } from './http.ts';
export type { AccessTokenSigner } from './keys.ts';
export type { LogEntry } from './log.ts';
export { createMockServer, type MockServer } from './mock-server.ts';
export type { MockServerOptions } from './options.ts';
export { readCapped } from './read-capped.ts';
export { DPOP_CHECK_NAMES, type DpopCheckName } from './resource-checks.ts';
export { allowedMethods, matchRoute } from './router.ts';
export {
  type AssertionAudience,
  type IssuedToken,
  memoryStore,
  type ServerSnapshot,
  type StateStore,
} from './state.ts';
export type { Step } from './trace.ts';
export type { SignatureVerifier } from './verify-signature.ts';
