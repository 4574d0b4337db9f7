/**
 * The learner-side client: build, print, export and send requests, explain the answers,
 * inspect and verify tokens, cache them, and TanStack Query options and hooks on top.
 */
export * from './explain-error.ts';
export * from './export-request.ts';
export * from './http-request.ts';
export * from './jwt-inspect.ts';
export * from './oauth-response-error.ts';
export * from './parse-www-authenticate.ts';
export * from './placeholders.ts';
export * from './queries.ts';
export * from './send-request.ts';
export * from './token-cache.ts';
export * from './token-request.ts';
