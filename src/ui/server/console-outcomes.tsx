import { createContext, useContext } from 'react';

/**
 * Where the console's panels report what the learner achieved (a client saved, the rotation
 * drill passed...). The console lab turns these into lab outcomes; on the Server page nobody
 * listens.
 */
export type ConsoleReporter = (outcome: string, result: { ok: boolean; detail: string }) => void;

export const ConsoleReporterContext = createContext<ConsoleReporter>(() => {});

export function useConsoleReporter(): ConsoleReporter {
  return useContext(ConsoleReporterContext);
}
