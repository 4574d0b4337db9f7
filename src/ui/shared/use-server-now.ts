import { useEffect, useState } from 'react';
import type { MockServer } from '../../protocol/index.ts';

/**
 * The mock server's clock in epoch seconds, ticking. Lessons move that clock (expiry and skew
 * demos), so countdowns read it rather than the page's `Date.now()`. Reading it is an in-page
 * function call; the state changes once a second at most.
 */
export function useServerNow(server: MockServer | undefined): number | undefined {
  const [now, setNow] = useState(() => server?.admin.clock().now);
  useEffect(() => {
    if (!server) return;
    const read = () => setNow(server.admin.clock().now);
    read();
    // Four reads a second keep the shown second within 250 ms of the server's.
    const timer = window.setInterval(read, 250);
    return () => window.clearInterval(timer);
  }, [server]);
  return server ? now : undefined;
}
