import { z } from 'zod';
import { VARIABLE_NAME } from '../../client/placeholders.ts';
import type { LabSpec } from './lab-spec.ts';

/**
 * Preset ids, kept here (build time) in step with `FORGE_PRESETS` in src/client/forge.ts;
 * test/client/forge-lab-spec.test.ts checks that the two lists agree.
 */
export const FORGE_PRESET_IDS = [
  'valid',
  'other-issuer',
  'wrong-audience',
  'expired-beyond-skew',
  'expired-within-skew',
  'not-yet-valid',
  'alg-none',
  'tampered-payload',
  'hmac-public-key',
  'unknown-kid',
  'stranger-key',
  'wrong-typ',
  'insufficient-scope',
  'dpop-bound',
  'dpop-stolen-token',
  'dpop-replayed-proof',
  'dpop-other-url',
  'dpop-downgraded',
] as const;

/** Checks an outcome can name: `rejected-at-<check>`. */
export const FORGE_CHECK_NAMES = [
  'well-formed',
  'alg',
  'typ',
  'kid',
  'signature',
  'iss',
  'aud',
  'times',
  'revoked',
  'scope',
  'dpop-proof',
  'dpop-target',
  'dpop-freshness',
  'dpop-ath',
  'dpop-nonce',
  'dpop-replay',
  'dpop-binding',
] as const;

const outcomes: Record<string, string> = {
  'forged-rejected': 'A token the learner changed was sent and the API refused it.',
  'forged-accepted':
    'A token the learner changed was sent and the API accepted it (re-signed with the server key).',
  'every-preset-replayed':
    'Every preset shown was replayed and each ended where it should (the expected check or 200).',
};
for (const check of FORGE_CHECK_NAMES) {
  outcomes[`rejected-at-${check}`] = `A forged token was refused at the ${check} check.`;
}

/** The forge lab: build-time spec (config schema and outcomes). */
export const forgeLab = {
  summary:
    'The token forge: edit any header field or claim of a token, re-sign it (server key, stranger key, HMAC with the public key, original signature, none) and replay it against the API.',
  outcomes,
  config: z.strictObject({
    /** The lesson variable with the starting token; without it, the forge mints one. */
    from: z
      .string()
      .regex(VARIABLE_NAME, 'from must be a variable name like access_token')
      .default('access_token'),
    /** Which presets to offer, in this order (default: every bearer case; DPoP ones by name). */
    presets: z.array(z.enum(FORGE_PRESET_IDS)).min(1).optional(),
    /** The API route the forged token is sent to. */
    route: z.enum(['users', 'orders']).default('users'),
  }),
} satisfies LabSpec;
