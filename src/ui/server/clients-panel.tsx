import { useQuery } from '@tanstack/react-query';
import type { MockServer } from '../../protocol';
import { MaskedSecret } from './masked-secret';
import { type ClientView, clientsQueryOptions } from './server-queries';

/** The registered method, plus the body variant every secret client may also use. */
function authMethods(client: ClientView): string[] {
  return client.token_endpoint_auth_method === 'client_secret_basic'
    ? ['client_secret_basic', 'client_secret_post']
    : [client.token_endpoint_auth_method];
}

function formatTtl(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** The registered clients: who may ask for which scopes, and what they get. */
export function ClientsPanel({ server }: { server: MockServer }) {
  const { data: clients, error } = useQuery(clientsQueryOptions(server));
  return (
    <section className="card server-clients" aria-labelledby="clients-heading">
      <div className="card__header">
        <div className="card__title">
          <h2 id="clients-heading">Clients</h2>
          {clients && <span className="badge">{clients.length}</span>}
        </div>
        <p className="card__subtitle">Restored by Reset server</p>
      </div>
      {error && <p className="card__body panel-error">{error.message}</p>}
      {clients && (
        <div className="table-scroll">
          <table className="table clients-table">
            <caption className="visually-hidden">
              Registered clients with their authentication method, allowed scopes and token settings
            </caption>
            <thead>
              <tr>
                <th scope="col">Client ID</th>
                <th scope="col">Credentials</th>
                <th scope="col">Auth method</th>
                <th scope="col">Allowed scopes</th>
                <th scope="col">Token</th>
                <th scope="col">TTL</th>
                <th scope="col">Rate limit</th>
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr key={client.client_id}>
                  <th scope="row">
                    <code className="client-id">{client.client_id}</code>
                  </th>
                  <td data-label="Credentials">
                    {client.client_secret !== undefined ? (
                      <MaskedSecret secret={client.client_secret} clientId={client.client_id} />
                    ) : (
                      <span className="muted">
                        {client.jwks?.keys.length ?? 0} public key
                        {client.jwks?.keys.length === 1 ? '' : 's'}
                      </span>
                    )}
                  </td>
                  <td data-label="Auth method">
                    <ul className="method-list">
                      {authMethods(client).map((method) => (
                        <li key={method} className="mono">
                          {method}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Scopes">
                    <ul className="scope-list" aria-label={`Scopes of ${client.client_id}`}>
                      {client.scopes.map((scope) => (
                        <li key={scope} className="badge badge--accent">
                          {scope}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label="Token">
                    <span className={`badge ${client.token_format === 'jwt' ? 'badge--info' : ''}`}>
                      {client.token_format === 'jwt' ? 'JWT' : 'opaque'}
                    </span>
                  </td>
                  <td data-label="TTL" className="nowrap">
                    {formatTtl(client.access_token_ttl)}
                  </td>
                  <td data-label="Rate limit" className="nowrap">
                    {client.rate_limit_per_minute === null ? (
                      <span className="muted">none</span>
                    ) : (
                      `${client.rate_limit_per_minute} / min`
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
