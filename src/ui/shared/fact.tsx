import type { ReactNode } from 'react';

const asCode = (value: string) => <code>{value}</code>;

/**
 * One term and its value in a `<dl>`, or nothing when there is no value. The value shows as code
 * unless `show` says otherwise; `hideTerm` keeps the term for screen readers only.
 */
export function Fact({
  term,
  value,
  show = asCode,
  hideTerm = false,
}: {
  term: string;
  value: string | number | undefined;
  show?: (value: string) => ReactNode;
  hideTerm?: boolean;
}) {
  if (value === undefined || value === '') return null;
  return (
    <>
      <dt className={hideTerm ? 'visually-hidden' : undefined}>{term}</dt>
      <dd>{show(String(value))}</dd>
    </>
  );
}
