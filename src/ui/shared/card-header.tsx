import type { ReactNode } from 'react';

export interface CardHeaderProps {
  /** The heading's id: the card's `aria-labelledby` names it. */
  headingId: string;
  /** What kind of block this is ("JWT inspector"), shown as a tag before the title. */
  kind: string;
  /** The lesson's title for the block, if any. */
  title: ReactNode | undefined;
  /** What the header shows beside the heading: a subtitle, a badge, a button. */
  children?: ReactNode;
}

/** A block card's header: its kind and title as the card's heading, then what goes beside it. */
export function CardHeader({ headingId, kind, title, children }: CardHeaderProps) {
  return (
    <header className="card__header">
      <h3 className="card__heading" id={headingId}>
        <span className="block-kind">{kind}</span>
        {title ? (
          <>
            {' '}
            <span>{title}</span>
          </>
        ) : null}
      </h3>
      {children}
    </header>
  );
}
