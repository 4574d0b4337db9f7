import type { JSONWebKeySet } from 'jose';
import type { ClientRecord, Order, User } from './state.ts';

/** Every scope the API knows. */
export const API_SCOPES = ['read:users', 'read:orders', 'write:orders'] as const;

/** Seconds an access token lives unless the client says otherwise. */
export const DEFAULT_ACCESS_TOKEN_TTL = 3600;

/** The seeded clients' ids and secrets, as the contract fixes them. */
export const SEEDED_CLIENTS = {
  demo: { client_id: 'demo-client', client_secret: 'demo-secret' },
  orders: { client_id: 'orders-service', client_secret: 'orders-secret' },
  reporting: { client_id: 'reporting-job', client_secret: 'reporting-secret' },
  cron: { client_id: 'cron-sync', client_secret: 'cron-secret' },
  signing: { client_id: 'signing-client' },
  warehouse: { client_id: 'warehouse-sync' },
  dpop: { client_id: 'dpop-client', client_secret: 'dpop-secret' },
} as const;

/** The workload (the CI job on main) the seeded `warehouse-sync` trusts instead of a secret. */
export const WAREHOUSE_SYNC_SUBJECT = 'repo:acme/warehouse-sync:ref:refs/heads/main';

/** What the seed depends on: signing-client's public keys and the hosts federation names. */
export interface SeedHosts {
  signingClientJwks: JSONWebKeySet | undefined;
  /** The authorization server's issuer: the audience warehouse-sync's credential expects. */
  issuer: string;
  /** The workload platform's issuer: the one warehouse-sync's credential trusts. */
  ciIssuer: string;
}

/** The client registry after a reset. */
export function seedClients(seed: SeedHosts): Record<string, ClientRecord> {
  const clients: Record<string, ClientRecord> = Object.create(null);
  const add = (client: ClientRecord) => {
    clients[client.client_id] = client;
  };
  const base = {
    token_format: 'jwt',
    access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
    rate_limit_per_minute: null,
  } as const;
  const secret = ({ client_id, client_secret }: { client_id: string; client_secret: string }) => ({
    client_id,
    client_secrets: [client_secret],
  });
  add({ ...base, ...secret(SEEDED_CLIENTS.demo), scopes: ['read:users'] });
  add({ ...base, ...secret(SEEDED_CLIENTS.orders), scopes: ['read:orders', 'write:orders'] });
  add({
    ...base,
    ...secret(SEEDED_CLIENTS.reporting),
    scopes: ['read:users', 'read:orders'],
    token_format: 'opaque',
  });
  add({
    ...base,
    ...secret(SEEDED_CLIENTS.cron),
    scopes: ['read:users'],
    rate_limit_per_minute: 5,
  });
  add({
    ...base,
    ...SEEDED_CLIENTS.signing,
    jwks: { keys: structuredClone(seed.signingClientJwks?.keys ?? []) },
    scopes: ['read:users', 'read:orders'],
  });
  add({
    ...base,
    ...SEEDED_CLIENTS.warehouse,
    federated_credentials: [
      { issuer: seed.ciIssuer, subject: WAREHOUSE_SYNC_SUBJECT, audience: seed.issuer },
    ],
    scopes: ['read:orders'],
  });
  // The DPoP lesson's client: every token request must carry a proof (RFC 9449 §5.2).
  add({
    ...base,
    ...secret(SEEDED_CLIENTS.dpop),
    scopes: ['read:users', 'read:orders'],
    require_dpop: true,
  });
  return clients;
}

/** The API's sample users. */
export const SAMPLE_USERS: readonly User[] = [
  { id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  { id: 'usr_2', name: 'Alan Turing', email: 'alan@example.com' },
  { id: 'usr_3', name: 'Grace Hopper', email: 'grace@example.com' },
];

/** The API's orders after a reset. */
export function seedOrders(): Order[] {
  return [
    {
      id: 'ord_1001',
      item: 'Keyboard',
      quantity: 1,
      status: 'shipped',
      created_by: 'orders-service',
      created_at: 1767225600,
    },
    {
      id: 'ord_1002',
      item: 'Monitor',
      quantity: 2,
      status: 'pending',
      created_by: 'orders-service',
      created_at: 1767312000,
    },
  ];
}
