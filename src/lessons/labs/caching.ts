import { z } from 'zod';
import type { LabSpec } from './index.ts';

/** The caching lab: build-time spec (config schema and outcomes). */
export const cachingLab: LabSpec = {
  summary: 'The caching lab.',
  outcomes: {},
  config: z.strictObject({}),
};
