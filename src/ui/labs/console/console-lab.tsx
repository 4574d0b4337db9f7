import { lazy, Suspense, useCallback, useId } from 'react';
import { Link } from '../../layout/router.tsx';
import { useLessonRuntime } from '../../lesson/lesson-runtime.tsx';
import { type ConsoleReporter, ConsoleReporterContext } from '../../server/console-outcomes.tsx';
import { MockServerGate, useMockServer } from '../../server/mock-server-context.tsx';
import type { ConsolePanel } from '../../server/server-console.tsx';
import type { LabProps } from '../lab-block.tsx';

const ServerConsole = lazy(() =>
  import('../../server/server-console.tsx').then((m) => ({ default: m.ServerConsole })),
);

const PANELS = new Set<string>(['clients', 'keys', 'tokens', 'log', 'clock']);

/** The server console inside a lesson: the Server page's panels, reporting lab outcomes. */
export function ConsoleLab({ block }: LabProps) {
  const headingId = useId();
  const panels = Array.isArray(block.config.panels)
    ? (block.config.panels.filter((p) => typeof p === 'string' && PANELS.has(p)) as ConsolePanel[])
    : undefined;
  return (
    <section className="card lab console-lab" aria-labelledby={headingId}>
      <header className="card__header">
        <h3 id={headingId} className="forge-lab__title">
          <span className="block-kind">Lab</span> {block.title ?? 'Server console'}
        </h3>
        <span className="card__subtitle">
          The same panels as the <Link to="/server">Server</Link> page.
        </span>
      </header>
      <div className="card__body">
        <MockServerGate>
          <Console labId={block.id} panels={panels} />
        </MockServerGate>
      </div>
    </section>
  );
}

function Console({ labId, panels }: { labId: string; panels: ConsolePanel[] | undefined }) {
  const server = useMockServer();
  const runtime = useLessonRuntime();
  const { reportLabOutcome } = runtime;
  const report = useCallback<ConsoleReporter>(
    (outcome, result) => reportLabOutcome(labId, outcome, result),
    [reportLabOutcome, labId],
  );
  return (
    <ConsoleReporterContext.Provider value={report}>
      <Suspense fallback={<p className="muted">Loading the console…</p>}>
        <ServerConsole server={server} {...(panels ? { panels } : {})} />
      </Suspense>
    </ConsoleReporterContext.Provider>
  );
}
