import { createContext, type ReactNode, useContext } from 'react';
import type { MockServer } from '../../protocol';

/** A start-up problem, explained for a person. */
export interface MockStartProblem {
  title: string;
  fix: string;
  /** What works differently meanwhile, when the servers run but not as usual. */
  differences?: string[];
}

/**
 * Where the in-page mock servers are in their start-up. The app fills this (it owns start-up);
 * panels that send requests read it and render only once the servers are `ready`.
 */
export type MockServerStatus =
  | { state: 'starting' }
  | {
      state: 'ready';
      server: MockServer;
      /** Set when requests are served without a service worker (msw's in-page fallback). */
      notice?: MockStartProblem;
      /**
       * The service worker went away (site data cleared, a new deploy, a restart) and is being
       * brought back. Requests are answered inside the page meanwhile, never by the network.
       */
      reconnecting?: boolean;
      /** Set when the servers' state cannot be saved (storage full or unavailable). */
      storage?: MockStartProblem;
    }
  | { state: 'failed'; problem: MockStartProblem };

export const MockServerStatusContext = createContext<MockServerStatus>({ state: 'starting' });

export function useMockServerStatus(): MockServerStatus {
  return useContext(MockServerStatusContext);
}

/** The running mock server. Only call below a {@link MockServerGate} (or after checking status). */
export function useMockServer(): MockServer {
  const status = useMockServerStatus();
  if (status.state !== 'ready') {
    throw new Error('useMockServer() was called before the mock servers were ready.');
  }
  return status.server;
}

/**
 * Render `children` only once the mock servers answer requests: after a hard reload the page
 * starts uncontrolled, and a request sent before `worker.start()` resolves would hit the
 * real network. Until then, a status message; on failure, what went wrong and how to fix it.
 */
export function MockServerGate({ children }: { children: ReactNode }) {
  const status = useMockServerStatus();
  if (status.state === 'ready') return children;
  if (status.state === 'failed') {
    // The app shows the full explanation once, above the page; here, only what it means.
    return (
      <p className="mock-gate mock-gate--failed">
        This needs the mock servers, which could not start: see the message above.
      </p>
    );
  }
  return (
    <div className="mock-gate" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>Starting the mock servers…</span>
    </div>
  );
}

export function MockStartFailure({ problem }: { problem: MockStartProblem }) {
  return (
    <div className="callout callout--danger mock-failure" role="alert">
      <p className="callout__title">The mock servers could not start</p>
      <p>{problem.title}</p>
      <p>
        <strong>How to fix it: </strong>
        {problem.fix}
      </p>
    </div>
  );
}
