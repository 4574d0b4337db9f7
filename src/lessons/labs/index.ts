/**
 * The labs a `lab` block can embed: per lab, what its YAML body may configure and which outcomes
 * it reports (the names an exercise's `check.lab.outcome` may use).
 *
 * Build-time only, like `blocks.ts` (zod). Each lab's UI lives in `src/ui/labs/<name>/`.
 */
import type { z } from 'zod';
import type { LabName } from '../lesson-types.ts';
import { cachingLab } from './caching.ts';
import { consoleLab } from './console.ts';
import { forgeLab } from './forge.ts';
import { profilesLab } from './profiles.ts';

export interface LabSpec {
  /** One line for the authoring reference. */
  summary: string;
  /** Outcome name -> what reaching it means (for `check.lab.outcome` and the docs). */
  outcomes: Record<string, string>;
  /** The block body's YAML (absent body = `{}`); its output must be plain JSON. */
  config: z.ZodType<Record<string, unknown>>;
}

export const LABS: Record<LabName, LabSpec> = {
  caching: cachingLab,
  forge: forgeLab,
  console: consoleLab,
  profiles: profilesLab,
};

export const LAB_NAMES = Object.keys(LABS) as LabName[];
