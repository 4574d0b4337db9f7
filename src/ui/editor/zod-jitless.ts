/**
 * The lesson compiler's zod schemas run in the editor's page. By default zod probes, as each
 * object schema is built, whether it may compile parsers with `new Function`; the build's
 * Content-Security-Policy refuses eval and reports the probe as a violation
 * (docs/decisions/content-security-policy.md). Jitless, zod never asks. Imported first by the
 * editor, before any module that builds a schema.
 */
import { config } from 'zod';

config({ jitless: true });
