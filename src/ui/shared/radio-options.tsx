import type { ReactNode } from 'react';

export interface RadioOptionsProps<T extends string> {
  /** The group's name: radios sharing it are one choice. */
  name: string;
  /** The values, in order. */
  options: readonly T[];
  /** What each value reads as next to its radio. */
  label: (option: T) => ReactNode;
  value: T;
  onChange: (option: T) => void;
  /** Each option's `<label>` class (`segmented__option`). */
  className?: string;
  /** True for an option that cannot be picked now. */
  disabled?: (option: T) => boolean;
}

/**
 * One radio per option, each inside its label: the parts a `<fieldset>` of choices repeats. The
 * caller keeps the fieldset and legend, which differ in look and wording from group to group.
 */
export function RadioOptions<T extends string>({
  name,
  options,
  label,
  value,
  onChange,
  className,
  disabled,
}: RadioOptionsProps<T>) {
  return options.map((option) => (
    <label key={option} className={className}>
      <input
        type="radio"
        name={name}
        value={option}
        checked={value === option}
        disabled={disabled?.(option) ?? false}
        onChange={() => onChange(option)}
      />
      <span>{label(option)}</span>
    </label>
  ));
}
