/**
 * The labs a `lab` block can embed: per lab, what its YAML body may configure and which outcomes
 * it reports (the names an exercise's `check.lab.outcome` may use).
 *
 * Build-time only, like `blocks.ts` (zod). Each lab's UI lives in `src/ui/labs/<name>/`.
 */
import type { z } from 'zod';
import { assertionLab } from './assertion.ts';
import { cachingLab } from './caching.ts';
import { consoleLab } from './console.ts';
import { failuresLab } from './failures.ts';
import { forgeLab } from './forge.ts';
import type { LabSpec } from './lab-spec.ts';
import { profilesLab } from './profiles.ts';
import { rotationLab } from './rotation.ts';

export type { LabSpec } from './lab-spec.ts';

export const LABS = {
  caching: cachingLab,
  forge: forgeLab,
  console: consoleLab,
  profiles: profilesLab,
  rotation: rotationLab,
  assertion: assertionLab,
  failures: failuresLab,
} satisfies Record<string, LabSpec>;

/** The interactive labs a lesson can embed. */
export type LabName = keyof typeof LABS;

/** A lab's options as its schema outputs them: what its block carries and its component reads. */
export type LabConfig<N extends LabName> = z.output<(typeof LABS)[N]['config']>;

export const LAB_NAMES = Object.keys(LABS) as LabName[];
