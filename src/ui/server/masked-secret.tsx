import { useState } from 'react';

/**
 * A client secret, masked until asked for. The seeded secrets are public lesson data, but a
 * screen that shows secrets in the clear teaches the wrong habit.
 */
export function MaskedSecret({ secret, clientId }: { secret: string; clientId: string }) {
  const [revealed, setRevealed] = useState(false);
  return (
    <span className="masked-secret">
      <code className="masked-secret__value">
        {revealed ? secret : '•'.repeat(Math.min(12, Math.max(8, secret.length)))}
      </code>
      <button
        type="button"
        className="btn btn--ghost btn--small"
        aria-pressed={revealed}
        aria-label={`${revealed ? 'Hide' : 'Reveal'} the secret of ${clientId}`}
        onClick={() => setRevealed((value) => !value)}
      >
        {revealed ? 'Hide' : 'Reveal'}
      </button>
    </span>
  );
}
