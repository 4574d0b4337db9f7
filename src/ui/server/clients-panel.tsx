import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { MockServer } from '../../protocol';
import { ClientForm } from './client-form';
import {
  adminCall,
  emptyClientForm,
  exampleFederatedCredentials,
  formFromClient,
  type Send,
} from './console-model';
import { useConsoleReporter } from './console-outcomes';
import { MaskedSecret } from './masked-secret';
import { ServerPanel } from './server-panel.tsx';
import { type ClientView, clientsQueryOptions, useServerChange } from './server-queries';

const send: Send = (request) => fetch(request);

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

/** The registered clients: who may ask for which scopes, and what they get; add, edit, delete. */
export function ClientsPanel({ server }: { server: MockServer }) {
  const { data: clients, error } = useQuery(clientsQueryOptions(server));
  const report = useConsoleReporter();
  /** The form: closed, adding, or editing one client. */
  const [form, setForm] = useState<{ editing?: ClientView } | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const save = useServerChange(({ id, body }: { id: string; body: Record<string, unknown> }) =>
    adminCall(server, send, 'PUT', `/clients/${encodeURIComponent(id)}`, body),
  );
  const remove = useServerChange((id: string) =>
    adminCall(server, send, 'DELETE', `/clients/${encodeURIComponent(id)}`),
  );
  const revokeAll = useServerChange((id: string) =>
    adminCall(server, send, 'POST', `/clients/${encodeURIComponent(id)}/revoke-tokens`),
  );
  return (
    <ServerPanel
      name="clients"
      badge={clients?.length}
      aside={
        <div className="console-actions">
          <p className="card__subtitle">Restored by Reset server</p>
          <button
            type="button"
            className="btn btn--small"
            disabled={form !== undefined && form.editing === undefined}
            onClick={() => {
              save.reset();
              setNotice(undefined);
              setForm({});
            }}
          >
            Add a client
          </button>
        </div>
      }
    >
      {error && <p className="card__body panel-error">{error.message}</p>}
      {notice && (
        <p className="card__body console-notice" role="status">
          {notice}
        </p>
      )}
      {form && (
        <div className="card__body">
          <ClientForm
            key={form.editing?.client_id ?? 'new'}
            initial={form.editing ? formFromClient(form.editing) : emptyClientForm()}
            editing={form.editing !== undefined}
            saving={save.isPending}
            serverError={save.error?.message}
            federatedExample={(id) => exampleFederatedCredentials(server, id)}
            onCancel={() => setForm(undefined)}
            onRevokeTokens={async () => {
              const id = form.editing?.client_id ?? '';
              const result = (await revokeAll.mutateAsync(id)) as { revoked?: number };
              const n = result.revoked ?? 0;
              report('client-tokens-revoked', { ok: true, detail: `${n} token(s) of ${id}` });
              return n === 0
                ? `${id} holds no live token: nothing to revoke.`
                : `Revoked ${n} token${n === 1 ? '' : 's'} of ${id}: each now fails at the API's revoked check.`;
            }}
            onSave={(id, body) => {
              const existed = clients?.some((c) => c.client_id === id) ?? false;
              if (!form.editing && existed) {
                setNotice(`A client ${id} exists already: use its Edit button to change it.`);
                return;
              }
              setNotice(undefined);
              save.mutate(
                { id, body },
                {
                  onSuccess: () => {
                    setForm(undefined);
                    setNotice(`${existed ? 'Saved' : 'Added'} ${id}.`);
                    report('client-saved', {
                      ok: true,
                      detail: `${existed ? 'edited' : 'added'} ${id}`,
                    });
                  },
                  onError: (e) => report('client-refused', { ok: true, detail: e.message }),
                },
              );
            }}
          />
        </div>
      )}
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
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {clients.map((client) => (
                <tr key={client.client_id}>
                  <th scope="row">
                    <code className="client-id">{client.client_id}</code>
                  </th>
                  <td data-label="Credentials">
                    {client.client_secrets !== undefined ? (
                      client.client_secrets.length === 1 ? (
                        <MaskedSecret
                          secret={client.client_secrets[0] ?? ''}
                          clientId={client.client_id}
                        />
                      ) : (
                        <ol className="secret-list" aria-label={`Secrets of ${client.client_id}`}>
                          {client.client_secrets.map((secret, index) => (
                            <li key={secret}>
                              <MaskedSecret
                                secret={secret}
                                clientId={`${client.client_id} (secret ${index + 1} of ${client.client_secrets?.length})`}
                              />
                            </li>
                          ))}
                        </ol>
                      )
                    ) : client.federated_credentials ? (
                      <ul
                        className="federated-list"
                        aria-label={`Workloads ${client.client_id} trusts`}
                      >
                        {client.federated_credentials.map((f) => (
                          <li key={`${f.issuer} ${f.subject} ${f.audience}`} className="mono">
                            {f.subject}
                          </li>
                        ))}
                      </ul>
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
                  <td className="nowrap console-row-actions">
                    {confirmDelete === client.client_id ? (
                      <>
                        <button
                          type="button"
                          className="btn btn--small btn--danger-solid"
                          disabled={remove.isPending}
                          onClick={() =>
                            remove.mutate(client.client_id, {
                              onSuccess: () => {
                                setConfirmDelete(undefined);
                                setNotice(
                                  `Deleted ${client.client_id}: its tokens keep working until they expire.`,
                                );
                                report('client-deleted', { ok: true, detail: client.client_id });
                              },
                              onError: (e) => setNotice(e.message),
                            })
                          }
                        >
                          Confirm delete {client.client_id}
                        </button>
                        <button
                          type="button"
                          className="btn btn--small btn--ghost"
                          onClick={() => setConfirmDelete(undefined)}
                        >
                          Keep
                        </button>
                      </>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="btn btn--small btn--ghost"
                          aria-label={`Edit ${client.client_id}`}
                          onClick={() => {
                            save.reset();
                            setNotice(undefined);
                            setForm({ editing: client });
                          }}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          className="btn btn--small btn--ghost btn--danger"
                          aria-label={`Delete ${client.client_id}`}
                          onClick={() => setConfirmDelete(client.client_id)}
                        >
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ServerPanel>
  );
}
