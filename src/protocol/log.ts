import type { Step } from './trace.ts';

/** Which part of the server answered. */
export type EndpointName =
  | 'token'
  | 'introspection'
  | 'revocation'
  | 'discovery'
  | 'jwks'
  | 'api'
  | 'admin'
  | 'unknown';

/**
 * One request and its answer, redacted, with the named steps the endpoint ran and the private
 * detail the client never saw. `id` equals the response's `x-request-id`.
 */
export interface LogEntry {
  id: string;
  /** Server time, epoch milliseconds. */
  time: number;
  endpoint: EndpointName;
  clientId?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body?: string };
  steps: Step[];
  /** For errors: the code, the public description, and what the server knew. */
  error?: { error: string; error_description: string; detail?: string };
  /** For successes, an optional note of what the server knew. */
  detail?: string;
  durationMs: number;
}

/** How many entries the log keeps. */
export const LOG_CAPACITY = 200;
