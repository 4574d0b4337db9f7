import { z } from 'zod';
import type { LabSpec } from './index.ts';

/** The profiles lab: build-time spec (config schema and outcomes). */
export const profilesLab: LabSpec = {
  summary: 'The profiles lab.',
  outcomes: {},
  config: z.strictObject({}),
};
