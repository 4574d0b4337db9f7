/**
 * What the job labs (caching, failures) share: the two clients they run side by side, and the
 * job's two requests, built against the page's mock server.
 */
import type { HttpRequestModel } from '../../../client/http-request.ts';
import { buildTokenRequest } from '../../../client/token-request.ts';
import type { MockServer } from '../../../protocol/index.ts';

/** The two clients a job lab runs side by side. */
export type LaneId = 'naive' | 'yours';
export const LANES: readonly LaneId[] = ['naive', 'yours'];

/** A seeded client's token request for `read:users`, on this server's issuer. */
export function jobTokenRequest(
  server: Pick<MockServer, 'options'>,
  client: { id: string; secret: string },
): Promise<HttpRequestModel> {
  return buildTokenRequest(
    {
      grantType: 'client_credentials',
      clientId: client.id,
      clientSecret: client.secret,
      authMethod: 'client_secret_basic',
      scope: ['read:users'],
    },
    { issuer: server.options.issuer },
  );
}

/** The job's API call: the user list. */
export function jobApiRequest(server: Pick<MockServer, 'options'>): HttpRequestModel {
  return {
    method: 'GET',
    url: `${server.options.apiOrigin}/api/v1/users`,
    headers: [['Accept', 'application/json']],
    body: '',
  };
}
