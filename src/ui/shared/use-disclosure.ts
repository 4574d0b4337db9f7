import { useId, useState } from 'react';

/**
 * A button that shows and hides a panel: spread `toggle` on the button and `panel` on what it
 * reveals (the button says whether the panel is open, and which one it controls).
 */
export function useDisclosure() {
  const [shown, setShown] = useState(false);
  const panelId = useId();
  return {
    shown,
    toggle: {
      type: 'button',
      'aria-expanded': shown,
      'aria-controls': panelId,
      onClick: () => setShown((s) => !s),
    } as const,
    panel: { id: panelId, hidden: !shown },
  };
}
