import { z } from 'zod';
import type { LabSpec } from './lab-spec.ts';

export const CONSOLE_PANELS = ['clients', 'keys', 'tokens', 'log', 'clock', 'faults'] as const;

/** A panel of the Server page a console lab can show. */
export type ConsolePanel = (typeof CONSOLE_PANELS)[number];

/** The console lab: build-time spec (config schema and outcomes). */
export const consoleLab = {
  summary:
    'The server console: the mock’s clients, signing keys, issued tokens, redacted request log and clock, visible and editable.',
  outcomes: {
    'client-saved': 'A client was added or edited through the console.',
    'client-deleted': 'A client was deleted.',
    'client-refused': 'The core refused an invalid client and said why.',
    'client-tokens-revoked':
      'Every token of one client was revoked from its form (“Revoke all its tokens”).',
    'keys-rotated': 'A new signing key was made.',
    'keys-retired': 'The previous signing keys were retired from the JWKS.',
    'rotation-drill':
      'The key-rotation drill ran: a token signed by the old key verified after the rotation and was refused at the kid check once the old key was retired.',
    'token-revoked': 'An issued token was revoked from the console.',
    'secret-not-logged':
      'A token request was sent with a client secret and the request log was shown not to contain it.',
    'clock-moved': 'The server clock was moved.',
    'fault-injected': 'A fault was injected (a status, a delay or a dropped connection).',
  },
  config: z.strictObject({
    /** Which panels to show (default: all but faults, which a lesson names when it uses them). */
    panels: z.array(z.enum(CONSOLE_PANELS)).min(1).optional(),
  }),
} satisfies LabSpec;
