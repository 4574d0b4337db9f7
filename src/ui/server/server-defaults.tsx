import { queryOptions, useQuery } from '@tanstack/react-query';
import { formatOffset } from '../../client/describe-time.ts';
import { defaultSettings, profileOf } from '../../protocol/data.ts';
import type { MockServer } from '../../protocol/index.ts';
import { useMockServerStatus } from '../shared/mock-server-context.tsx';
import { Link } from '../shared/router.tsx';
import { adminRequest, serverKeys, useServerChange } from './server-queries.ts';

/**
 * How the server differs from its defaults (real time, the strict-RFC profile's settings), in
 * a few words each: `clock frozen`, `clock +1 h`, `profile down-scoping`, `leeway 300 s`. Empty
 * when it is on its defaults.
 */
export function serverDifferences(server: MockServer): string[] {
  const out: string[] = [];
  const clock = server.admin.clock();
  if (clock.frozen) out.push('clock frozen');
  else if (clock.offset !== 0) out.push(`clock ${formatOffset(clock.offset)}`);
  const settings = server.admin.settings();
  const defaults = defaultSettings();
  const profile = profileOf(settings);
  if (profile && profile.id !== profileOf(defaults)?.id) out.push(`profile ${profile.id}`);
  else if (!profile) out.push('a hand-made behaviour mix');
  if (settings.leewaySeconds !== defaults.leewaySeconds) {
    out.push(`leeway ${settings.leewaySeconds} s`);
  }
  if (settings.signingAlg !== defaults.signingAlg) out.push(`signing ${settings.signingAlg}`);
  return out;
}

function defaultsQueryOptions(server: MockServer) {
  return queryOptions({
    queryKey: [...serverKeys.all, 'defaults'] as const,
    queryFn: async () => serverDifferences(server),
    refetchInterval: 2000,
  });
}

/**
 * In the header, beside the status pill: a link to the Server page that says the server is not
 * on its defaults, and how (a lesson froze the clock, a lab changed the profile...).
 */
export function ServerDefaultsBadge() {
  const status = useMockServerStatus();
  if (status.state !== 'ready') return null;
  return <DefaultsBadge server={status.server} />;
}

function DefaultsBadge({ server }: { server: MockServer }) {
  const { data: differences = [] } = useQuery(defaultsQueryOptions(server));
  if (differences.length === 0) return null;
  const text = `Not on its defaults: ${differences.join(', ')}`;
  return (
    <Link to="/server" className="defaults-badge" title={text} aria-label={`Server: ${text}`}>
      <span aria-hidden="true" className="defaults-badge__icon">
        ≠
      </span>
      <span className="defaults-badge__label">{differences.join(' · ')}</span>
    </Link>
  );
}

/** On the Server page: how the server differs from its defaults, and the way back. */
export function ServerDefaultsNotice({ server }: { server: MockServer }) {
  const { data: differences = [] } = useQuery(defaultsQueryOptions(server));
  const back = useServerChange(() =>
    adminRequest(server, 'POST', '/reset', { only: ['clock', 'settings'] }),
  );
  if (differences.length === 0) return null;
  return (
    <div className="callout callout--warning server-defaults" role="status">
      <p className="callout__title">The server is not on its defaults</p>
      <p>
        {differences.join('; ')}. A lesson that travels in time freezes the clock, and labs change
        the profile; each lesson sets up what it needs when you open it.
      </p>
      <p>
        <button
          type="button"
          className="btn btn--small"
          disabled={back.isPending}
          onClick={() => back.mutate(undefined)}
        >
          Back to real time and the default settings
        </button>
      </p>
    </div>
  );
}
