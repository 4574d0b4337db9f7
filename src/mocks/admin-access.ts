/**
 * Who may use the Node server's control API (`/__admin`): the rules the HTTP adapter applies
 * before a request reaches the core, and the CORS headers it answers with. The page never needs
 * them (its admin calls go through the service worker, inside the page), so they live here, not
 * in the core. See docs/decisions/log-and-cors.md.
 *
 * - A person at a terminal, a test suite or a script sends no `Origin`: served as before, so
 *   `curl -X POST http://localhost:8787/__admin/reset` keeps working.
 * - A web page is recognised by `Origin` (or `Sec-Fetch-Site`, for what a page sends without
 *   one). Only localhost origins, and those given with `--admin-origin`, may call `/__admin`, and
 *   they are the only ones its answers name in `Access-Control-Allow-Origin`.
 * - A state-changing call from a page must say `Content-Type: application/json`: neither an HTML
 *   form nor a `no-cors` fetch can send that type, so neither can reset the server or rotate its
 *   keys, from any origin.
 * - The `Host` must be local (or named with `--host` / `--admin-origin`): a page whose own name
 *   was rebound to 127.0.0.1 (DNS rebinding) is "same-origin" to the browser and sends no
 *   `Origin` on a GET.
 * - With an admin token (`--admin-token`, made up by `--host 0.0.0.0`), other machines must send
 *   `Authorization: Bearer <token>`.
 *
 * The OAuth endpoints and the API stay open to any origin (`Access-Control-Allow-Origin: *`, no
 * cookies involved), with preflights answered, so a browser app in development can use them.
 */
import { timingSafeEqual } from '../protocol/index.ts';

export interface AdminAccessOptions {
  /** Origins, besides localhost ones, whose pages may call `/__admin` (e.g. `https://app.test:3000`). */
  adminOrigins?: readonly string[];
  /** When set, `/__admin` answers other machines only with `Authorization: Bearer <token>`. */
  adminToken?: string | undefined;
  /** Host names, besides localhost and IP addresses, that requests to `/__admin` may name. */
  hostNames?: readonly string[];
}

/** What the adapter knows of a request before reading its body. */
export interface RequestFacts {
  method: string;
  /** The URL path on our origin. */
  path: string;
  headers: Headers;
  /** The peer's IP address (`socket.remoteAddress`). */
  remoteAddress: string | undefined;
}

/** An answer the policy gives instead of the core's. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Admission =
  | {
      ok: true;
      /** Set the CORS headers of the core's answer (lower-case names), in place. */
      finish(headers: Record<string, string>): void;
    }
  | { ok: false; refusal: Refusal };

const ADMIN = /^\/__admin(\/|$)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Request headers a page may send to the OAuth endpoints and the API, and to `/__admin`. */
const ADMIN_REQUEST_HEADERS = 'authorization, content-type';
const PREFLIGHT_MAX_AGE = '600';

/** Is this peer address this machine? */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return true; // not a socket (tests, in-process calls)
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function hostnameOf(origin: string): string | undefined {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

function isLocalName(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    hostname === '::1'
  );
}

/** An IPv4 or IPv6 literal: a name no one can rebind. */
function isIpLiteral(hostname: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.includes(':');
}

/** The host name a `Host` header names (no port, no brackets), lower case. */
function hostHeaderName(host: string | null): string | undefined {
  // A Host is host[:port]; anything URL syntax would read as more (user@, a path) is no name.
  if (host === null || host === '' || /[@/\\?#\s]/.test(host)) return undefined;
  return hostnameOf(`http://${host}`);
}

function refusal(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): { ok: false; refusal: Refusal } {
  return {
    ok: false,
    refusal: {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
      body: JSON.stringify({ error, error_description: description }),
    },
  };
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * The adapter's gate: admits a request (with a function that sets its CORS headers) or refuses
 * it with a JSON error that says what to do instead.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @see https://www.w3.org/TR/fetch-metadata/
 */
export function createAdminAccess(options: AdminAccessOptions = {}) {
  const allowedOrigins = new Set(
    (options.adminOrigins ?? []).map((o) => new URL(o).origin.toLowerCase()),
  );
  const allowedHosts = new Set(
    [...(options.hostNames ?? []), ...allowedOrigins]
      .map((h) => (h.includes('://') ? hostnameOf(h) : h.toLowerCase()))
      .filter((h): h is string => h !== undefined && h !== ''),
  );
  const token = options.adminToken;

  const originAllowed = (origin: string) => {
    if (allowedOrigins.has(origin.toLowerCase())) return true;
    const hostname = hostnameOf(origin);
    return hostname !== undefined && /^https?:\/\//i.test(origin) && isLocalName(hostname);
  };

  return function admit(request: RequestFacts): Admission {
    const { method, path, headers } = request;
    const origin = headers.get('origin');
    const preflight =
      method === 'OPTIONS' && origin !== null && headers.has('access-control-request-method');

    if (!ADMIN.test(path)) {
      // OAuth endpoints and the API: any origin (the core's `*`), preflights answered.
      return {
        ok: true,
        finish(out) {
          if (!preflight) return;
          if (out.allow !== undefined) out['access-control-allow-methods'] = out.allow;
          const asked = headers.get('access-control-request-headers');
          if (asked !== null) out['access-control-allow-headers'] = asked;
          out['access-control-max-age'] = PREFLIGHT_MAX_AGE;
        },
      };
    }

    // A page is known by its Origin; what a page sends without one (a no-cors GET, a
    // navigation) still says where it came from in Sec-Fetch-Site. `none`: the user typed it.
    const site = headers.get('sec-fetch-site');
    const fromPage = origin !== null || (site !== null && site !== 'none');
    if (origin !== null ? !originAllowed(origin) : site === 'cross-site' || site === 'same-site') {
      return refusal(
        403,
        'access_denied',
        `/__admin answers web pages only from localhost origins${origin === null ? '' : `, not ${origin}`}: it holds client secrets and resets the server. Start the server with --admin-origin <origin> to allow another one.`,
      );
    }

    if (!preflight) {
      const presented = /^bearer +(\S+) *$/i.exec(headers.get('authorization') ?? '')?.[1];
      const tokenOk =
        token !== undefined && presented !== undefined && timingSafeEqual(presented, token);
      if (token !== undefined && !isLoopbackAddress(request.remoteAddress) && !tokenOk) {
        return refusal(
          401,
          presented === undefined ? 'missing_token' : 'invalid_token',
          presented === undefined
            ? '/__admin needs the admin token from other machines. Send Authorization: Bearer <token> (the server printed it when it started).'
            : 'The admin token is wrong. Send the one the server printed when it started, as Authorization: Bearer <token>.',
          { 'www-authenticate': 'Bearer realm="__admin"' },
        );
      }
      const host = hostHeaderName(headers.get('host'));
      if (
        !tokenOk &&
        (host === undefined || !(isLocalName(host) || isIpLiteral(host) || allowedHosts.has(host)))
      ) {
        return refusal(
          403,
          'access_denied',
          `/__admin answers requests addressed to localhost or an IP address, not to ${host ?? 'no Host at all'}: a web page can point any name of its own at this machine (DNS rebinding). Use http://localhost:<port>; if ${host ?? 'the name'} is this machine's own name, start the server with --host ${host ?? '<name>'}.`,
        );
      }
      if (fromPage && !SAFE_METHODS.has(method) && mediaType(headers) !== 'application/json') {
        return refusal(
          403,
          'access_denied',
          `A web page's ${method} to /__admin must send Content-Type: application/json (an empty body is fine), which an HTML form or a no-cors fetch cannot: so no other site can change this server.`,
        );
      }
    }

    return {
      ok: true,
      finish(out) {
        if (origin !== null) {
          out['access-control-allow-origin'] = origin;
          if (preflight) {
            if (out.allow !== undefined) out['access-control-allow-methods'] = out.allow;
            out['access-control-allow-headers'] = ADMIN_REQUEST_HEADERS;
            out['access-control-max-age'] = PREFLIGHT_MAX_AGE;
          }
        } else {
          delete out['access-control-allow-origin'];
        }
        out.vary = out.vary ? `${out.vary}, Origin` : 'Origin';
      },
    };
  };
}

export type AdminAccess = ReturnType<typeof createAdminAccess>;
