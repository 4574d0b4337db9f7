/**
 * The token endpoint's checks on a client assertion, in the order it runs them, by the step name
 * its log records and a short name for outcomes (`rejected-at-audience`). A client's own
 * assertion (`private_key_jwt`, RFC 7523 as draft-ietf-oauth-rfc7523bis updates it) and a
 * workload platform's token (federated credentials) share the first four; the assertion lab and
 * the lessons list the same checks from here.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
const FIRST_CHECKS = [
  { name: 'checkAssertionType', short: 'type' },
  { name: 'checkAssertionFormat', short: 'format' },
  { name: 'checkAssertionAlg', short: 'alg' },
  { name: 'identifyClient', short: 'client' },
] as const;

export const ASSERTION_CHECKS = [
  ...FIRST_CHECKS,
  { name: 'checkAssertionSignature', short: 'signature' },
  { name: 'checkAssertionAudience', short: 'audience' },
  { name: 'checkAssertionExpiry', short: 'expiry' },
  { name: 'checkAssertionReplay', short: 'replay' },
] as const;

export type AssertionCheckName = (typeof ASSERTION_CHECKS)[number]['name'];

/** The checks on a workload token presented by a client with federated credentials, in order. */
export const FEDERATED_CHECKS = [
  ...FIRST_CHECKS,
  { name: 'checkFederatedIssuer', short: 'issuer' },
  { name: 'checkFederatedSignature', short: 'signature' },
  { name: 'checkFederatedSubject', short: 'subject' },
  { name: 'checkFederatedAudience', short: 'audience' },
  { name: 'checkFederatedExpiry', short: 'expiry' },
] as const;

export type FederatedCheckName = (typeof FEDERATED_CHECKS)[number]['name'];
