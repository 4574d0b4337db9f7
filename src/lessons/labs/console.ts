import { z } from 'zod';
import type { LabSpec } from './index.ts';

/** The console lab: build-time spec (config schema and outcomes). */
export const consoleLab: LabSpec = {
  summary: 'The console lab.',
  outcomes: {},
  config: z.strictObject({}),
};
