import { z } from 'zod';
import { ASSERTION_PRESET_IDS } from '../../client/assertion-preset-ids.ts';
import type { LabSpec } from './lab-spec.ts';

/** Checks an outcome can name: `rejected-at-<check>` (ASSERTION_CHECKS' short names). */
export const ASSERTION_CHECK_SHORTS = [
  'alg',
  'client',
  'signature',
  'audience',
  'expiry',
  'replay',
] as const;

const outcomes: Record<string, string> = {
  'typed-accepted':
    'A typed client-authentication+jwt assertion whose aud is the issuer identifier was accepted.',
  'attack-refused':
    'An assertion whose aud names an endpoint URL (the 2025 audience attack’s shape) was refused at the audience check.',
  'attack-accepted':
    'An untyped assertion whose aud is the token endpoint was accepted: what a legacy server does.',
  'every-preset-replayed':
    'Every preset shown was replayed and each ended as expected under the setting it was sent with.',
};
for (const check of ASSERTION_CHECK_SHORTS) {
  outcomes[`rejected-at-${check}`] = `An assertion was refused at the ${check} check.`;
}

/** The assertion lab: build-time spec (config schema and outcomes). */
export const assertionLab = {
  summary:
    'Build a private_key_jwt client assertion field by field, sign it in the page, send it to the token endpoint, and see the server’s checks in order, under either audience rule.',
  outcomes,
  config: z.strictObject({
    /** Which presets to offer, in this order (default: all). */
    presets: z.array(z.enum(ASSERTION_PRESET_IDS)).min(1).optional(),
    /** The server's `assertionAudience` the lab sends with at first. */
    mode: z.enum(['legacy', 'strict']).default('legacy'),
  }),
} satisfies LabSpec;
