import { useQuery } from '@tanstack/react-query';
import { formatSpan } from '../../client/describe-time.ts';
import type { MockServer } from '../../protocol';
import { adminCall, type Send, tokenState } from './console-model';
import { useConsoleReporter } from './console-outcomes';
import { ServerPanel } from './server-panel.tsx';
import { clockQueryOptions, tokensQueryOptions, useServerChange } from './server-queries';

const send: Send = (request) => fetch(request);

const STATE_BADGE = { live: 'badge--success', expired: '', revoked: 'badge--danger' } as const;

/** The tokens the server issued (what it remembers of them, never the tokens themselves). */
export function TokensPanel({ server }: { server: MockServer }) {
  const { data, error } = useQuery(tokensQueryOptions(server));
  const { data: clock } = useQuery(clockQueryOptions(server));
  const report = useConsoleReporter();
  const revoke = useServerChange((jti: string) =>
    adminCall(server, send, 'POST', '/tokens/revoke', { jti }),
  );
  const now = clock?.now ?? Math.floor(Date.now() / 1000);
  const tokens = data?.tokens ?? [];

  return (
    <ServerPanel name="tokens" badge={tokens.length}>
      {error && <p className="card__body panel-error">{error.message}</p>}
      {revoke.error && (
        <p className="card__body panel-error" role="alert">
          {revoke.error.message}
        </p>
      )}
      {tokens.length === 0 ? (
        <p className="card__body muted">
          No live tokens. Get one in a lesson (or run the key-rotation drill) and it shows here.
        </p>
      ) : (
        <div className="table-scroll console-tokens">
          <table className="table table--compact">
            <caption className="visually-hidden">Issued tokens, newest first</caption>
            <thead>
              <tr>
                <th scope="col">jti</th>
                <th scope="col">Client</th>
                <th scope="col">Scope</th>
                <th scope="col">Format</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => {
                const state = tokenState(
                  token,
                  now,
                  data?.leewaySeconds ?? 60,
                  data?.revoked ?? new Set(),
                );
                const left = token.exp - now;
                return (
                  <tr key={token.jti}>
                    <td>
                      <code className="kid" title={token.jti}>
                        {token.jti}
                      </code>
                    </td>
                    <td className="mono">{token.client_id}</td>
                    <td className="mono">{token.scope}</td>
                    <td>{token.format === 'jwt' ? 'JWT' : 'opaque'}</td>
                    <td className="nowrap">
                      {left > 0 ? `in ${formatSpan(left)}` : `${formatSpan(left)} ago`}
                    </td>
                    <td>
                      <span className={`badge ${STATE_BADGE[state]}`}>{state}</span>
                    </td>
                    <td>
                      <button
                        type="button"
                        className="btn btn--small btn--ghost btn--danger"
                        aria-label={`Revoke token ${token.jti}`}
                        disabled={state === 'revoked' || revoke.isPending}
                        onClick={() =>
                          revoke.mutate(token.jti, {
                            onSuccess: () =>
                              report('token-revoked', {
                                ok: true,
                                detail: `${token.client_id} ${token.jti}`,
                              }),
                          })
                        }
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </ServerPanel>
  );
}
