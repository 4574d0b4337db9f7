import { z } from 'zod';
import type { LabSpec } from './lab-spec.ts';

/** A client id the lab may create: the admin API's rule (printable ASCII, no edge spaces). */
const CLIENT_ID = /^(?! )[\x20-\x7E]{1,128}(?<! )$/;

/** The secret-rotation lab: build-time spec (config schema and outcomes). */
export const rotationLab = {
  summary:
    'A scheduled job keeps calling the API while the learner rotates its client secret: add the new secret, deploy it, drop the old one, revoke what the old one minted. The lab counts failed calls and draws the timeline.',
  outcomes: {
    'rotated-without-downtime':
      'The secret was rotated in order (add, deploy, drop, revoke) while the job ran, with zero failed calls, and the job called the API with the new secret afterwards.',
    'downtime-seen':
      'A call of the job failed because the server refused the secret the job had (a rotation in the wrong order).',
    'old-tokens-revoked':
      'Tokens the old secret had minted were revoked after the old secret was dropped.',
  },
  config: z.strictObject({
    /** The job's client: created (or replaced) by the lab with one secret when it starts. */
    client: z.string().regex(CLIENT_ID, 'client must be a client id').default('billing-job'),
    /** Simulated minutes between two runs of the job (one API call each). */
    everyMinutes: z.number().int().min(1).max(60).default(5),
    /** The access token lifetime the lab gives the job's client, seconds. */
    tokenTtl: z.number().int().min(300).max(86_400).default(3600),
  }),
} satisfies LabSpec;
