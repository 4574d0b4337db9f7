import { useEffect, useState } from 'react';
import './request-block.css';

/** Copy text to the clipboard; falls back to a hidden textarea where the API is unavailable. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // permission refused (e.g. an unfocused document): try the old way below
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser did not allow copying.');
}

/**
 * A copy button with a visible, announced result. `getText` runs at click time so the copy has
 * the variables' current values.
 */
export function CopyButton({
  label,
  getText,
  className,
}: {
  label: string;
  getText: () => string | Promise<string>;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy-button">
      <button
        type="button"
        className={className ?? 'btn btn--small'}
        onClick={async () => {
          try {
            await copyText(await getText());
            setState('copied');
          } catch {
            setState('failed');
          }
        }}
      >
        {label}
      </button>
      <span role="status" className="copy-button__status" data-state={state}>
        {state === 'copied'
          ? 'Copied'
          : state === 'failed'
            ? 'Copy failed: select the text instead'
            : ''}
      </span>
    </span>
  );
}
