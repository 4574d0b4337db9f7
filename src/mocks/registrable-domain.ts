/**
 * Stands in for `tldts` in the page's build (vite.config.ts, `resolve.alias`): msw's cookie jar
 * (tough-cookie) asks it for a host's registrable domain to scope the cookies of mocked
 * responses. tldts answers from the whole public-suffix list, about 110 kB of the mock server's
 * 165 kB (gzip) that a learner downloads before the first Send is answered. The page mocks only
 * the `example.com` hosts (src/protocol/hosts.ts), whose answers set no cookies, so the last two
 * labels are the registrable domain for every host it ever asks about. Node (npm run server, the
 * tests) keeps the real tldts. docs/decisions/mock-server-download.md says why.
 */

interface Options {
  allowIcannDomains?: boolean;
  allowPrivateDomains?: boolean;
}

/** `auth.example.com` -> `example.com`; an IP address, `localhost` or a bare label -> null. */
export function getDomain(hostname: string, _options?: Options): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (/^[\d.]+$/.test(host) || host.includes(':')) return null;
  const labels = host.split('.').filter((label) => label !== '');
  return labels.length >= 2 ? labels.slice(-2).join('.') : null;
}
