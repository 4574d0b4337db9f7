/**
 * The assertion lab's preset ids, in the order the lab shows them: one list for the client's
 * presets (`ASSERTION_PRESETS` in assertion-builder.ts) and the lab's build-time config schema
 * (src/lessons/labs/assertion.ts). No imports, so the build-time side pulls in nothing else.
 */
export const ASSERTION_PRESET_IDS = [
  'typed-issuer',
  'untyped-issuer',
  'attack-untyped',
  'attack-typed',
  'array-audience',
  'expired',
  'too-long-lived',
  'stranger-key',
  'sub-mismatch',
  'alg-none',
] as const;
export type AssertionPresetId = (typeof ASSERTION_PRESET_IDS)[number];
