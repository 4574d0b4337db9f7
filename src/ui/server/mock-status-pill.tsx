import { useMockServerStatus } from '../shared/mock-server-context';
import './server-controls.css';

/** The header's one-glance answer to "are the mock servers up?" (a live status region). */
export function MockStatusPill() {
  const status = useMockServerStatus();
  const { label, tone } =
    status.state === 'ready' && status.reconnecting
      ? { label: 'Reconnecting mock servers…', tone: 'neutral' }
      : status.state === 'ready'
        ? {
            label: 'Mock servers ready',
            tone: status.notice || status.storage ? 'warning' : 'success',
          }
        : status.state === 'failed'
          ? { label: 'Mock servers failed', tone: 'danger' }
          : { label: 'Starting mock servers…', tone: 'neutral' };
  return (
    <span className={`mock-pill mock-pill--${tone}`} role="status" title={label}>
      <span className="mock-pill__dot" aria-hidden="true" />
      <span className="mock-pill__label">{label}</span>
    </span>
  );
}
