import type { ReactNode } from 'react';

/**
 * A case to start from: its name, why it matters and what it should end in; once replayed, a
 * badge says whether it did. Shared by the forge and the assertion lab (forge-lab.css).
 */
export function PresetButton({
  label,
  why,
  expected,
  replayed,
  pressed,
  disabled,
  onPick,
}: {
  label: string;
  why: string;
  /** What follows "expected" (the lab words it). */
  expected: ReactNode;
  /** The last replay's status, and whether it ended as expected. */
  replayed: { status: number; ok: boolean } | undefined;
  pressed: boolean;
  disabled: boolean;
  onPick(): void;
}) {
  return (
    <li>
      <button
        type="button"
        className="forge-preset"
        aria-pressed={pressed}
        disabled={disabled}
        onClick={onPick}
      >
        <span className="forge-preset__label">{label}</span>
        <span className="forge-preset__why">{why}</span>
        <span className="forge-preset__expect">
          {expected}
          {replayed ? (
            <span className={`badge ${replayed.ok ? 'badge--success' : 'badge--danger'}`}>
              {replayed.ok ? 'replayed ✓' : `got ${replayed.status}`}
            </span>
          ) : null}
        </span>
      </button>
    </li>
  );
}
