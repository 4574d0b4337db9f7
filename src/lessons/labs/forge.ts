import { z } from 'zod';
import type { LabSpec } from './index.ts';

/** The forge lab: build-time spec (config schema and outcomes). */
export const forgeLab: LabSpec = {
  summary: 'The forge lab.',
  outcomes: {},
  config: z.strictObject({}),
};
