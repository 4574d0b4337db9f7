import { z } from 'zod';
import { BEHAVIOUR_PROFILES, type BehaviourProfileId } from '../../protocol/data.ts';
import type { LabSpec } from './lab-spec.ts';

const profileIds = BEHAVIOUR_PROFILES.map((p) => p.id) as [
  BehaviourProfileId,
  ...BehaviourProfileId[],
];

/** The profiles lab: the same request replayed under each server behaviour profile. */
export const profilesLab = {
  summary:
    'Replays one request under several server behaviour profiles (strict RFC, down-scoping, server-side cache), side by side.',
  outcomes: {
    'scope-compared':
      'the out-of-scope token request was replayed under profiles that answer it differently',
    'reuse-compared':
      'the same-second token request was replayed under profiles that answer it differently',
  },
  config: z.strictObject({
    profiles: z
      .array(z.enum(profileIds))
      .min(2)
      .max(profileIds.length)
      .default(profileIds)
      .describe('the profiles shown side by side'),
    case: z
      .enum(['unauthorized-scope', 'same-second-token'])
      .default('unauthorized-scope')
      .describe('the case selected first'),
  }),
} satisfies LabSpec;
