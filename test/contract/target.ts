/**
 * How a runner points the contract suite at one runtime.
 *
 * Web APIs only (fetch, Request, Response, Headers): this file is bundled into the Playwright page
 * as well as imported by the Node runners.
 */

/** What a contract case sees of an HTTP answer. Header names are lowercase. */
export interface ContractResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when it is JSON (by content type) and non-empty; otherwise undefined. */
  json?: unknown;
}

/** One runtime under test: where its hosts are and how to reach them. */
export interface ContractTarget {
  /** Authorization server origin, e.g. `https://auth.example.com` or `http://localhost:8787`. */
  issuer: string;
  /** Resource API origin. */
  api: string;
  /** The `aud` the server puts in access tokens. */
  audience: string;
  /** The workload platform's issuer, e.g. `https://ci.example.com` or `http://localhost:8787/ci`. */
  ci: string;
  fetch(url: string, init?: RequestInit): Promise<ContractResponse>;
  /** `POST /__admin/reset` (or the core's `admin.reset()`): back to the seeded state. */
  adminReset(): Promise<void>;
}

/** Reads a `Response` into the plain shape the cases assert on. */
export async function toContractResponse(response: Response): Promise<ContractResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const text = await response.text();
  const result: ContractResponse = { status: response.status, headers, text };
  const type = headers['content-type'] ?? '';
  if (text !== '' && /^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    // A body that claims JSON but does not parse is a contract failure: let it throw.
    result.json = JSON.parse(text);
  }
  return result;
}

export interface FetchTargetOptions {
  issuer: string;
  api: string;
  audience: string;
  ci: string;
  /** The fetch to use: the global one (patched by msw's setupServer, or the page's), or a custom one. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

/** A target that speaks HTTP through `fetch` and resets through `POST /__admin/reset`. */
export function fetchTarget(options: FetchTargetOptions): ContractTarget {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    issuer: options.issuer,
    api: options.api,
    audience: options.audience,
    ci: options.ci,
    async fetch(url, init) {
      return toContractResponse(await doFetch(url, { redirect: 'manual', ...init }));
    },
    async adminReset() {
      const response = await doFetch(`${options.issuer}/__admin/reset`, { method: 'POST' });
      await response.arrayBuffer();
      if (response.status >= 300) {
        throw new Error(`POST /__admin/reset answered ${response.status}`);
      }
    },
  };
}
