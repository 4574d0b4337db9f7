import { lazy, Suspense, useCallback } from 'react';
import { type ConsoleReporter, ConsoleReporterContext } from '../../server/console-outcomes.tsx';
import { useLessonRuntime } from '../../shared/lesson-runtime-context.ts';
import { useMockServer } from '../../shared/mock-server-context.tsx';
import { Link } from '../../shared/router.tsx';
import { defineLab, type LabBodyProps } from '../lab-card.tsx';

const ServerConsole = lazy(() =>
  import('../../server/server-console.tsx').then((m) => ({ default: m.ServerConsole })),
);

/** The server console inside a lesson: the Server page's panels, reporting lab outcomes. */
export const ConsoleLab = defineLab<'console'>(
  {
    className: 'console-lab',
    defaultTitle: 'Server console',
    subtitle: () => (
      <>
        The same panels as the <Link to="/server">Server</Link> page.
      </>
    ),
  },
  Console,
);

function Console({ labId, config }: LabBodyProps<'console'>) {
  const panels = config.panels;
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
