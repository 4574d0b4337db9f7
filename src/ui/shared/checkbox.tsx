import type { ReactNode } from 'react';

/** A checkbox inside its label; `onChange` gets whether it is now checked. */
export function Checkbox({
  className,
  checked,
  onChange,
  disabled = false,
  describedBy,
  children,
}: {
  className: string;
  checked: boolean;
  onChange(checked: boolean): void;
  disabled?: boolean;
  /** The id of a hint that explains it. */
  describedBy?: string;
  children: ReactNode;
}) {
  return (
    <label className={className}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.checked)}
      />{' '}
      {children}
    </label>
  );
}
