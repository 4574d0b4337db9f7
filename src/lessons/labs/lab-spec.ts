import type { z } from 'zod';

/** What a lab declares for authors and the build: its options' schema and the outcomes it reports. */
export interface LabSpec<
  Config extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>,
> {
  /** One line for the authoring reference. */
  summary: string;
  /** Outcome name -> what reaching it means (for `check.lab.outcome` and the docs). */
  outcomes: Record<string, string>;
  /**
   * The block body's YAML (absent body = `{}`); its output must be plain JSON. The lab's component
   * receives exactly this schema's output type (see `LabConfig` in ./index.ts).
   */
  config: Config;
}
