import { type ReactNode, useId } from 'react';
import type { LabBlock } from '../../lessons/lesson-types.ts';
import { MockServerGate } from '../shared/mock-server-context.tsx';
import './lab-card.css';

export interface LabCardProps {
  block: LabBlock;
  /** The lab's class name (`caching-lab`), for its own styles. */
  className: string;
  /** The heading when the lesson gives no `title=`. */
  defaultTitle: string;
  /** One line under the heading: what the lab does. */
  subtitle: ReactNode;
  /** The lab itself; it renders once the mock servers are up. */
  children: ReactNode;
}

/** The frame every lab shares: a card titled "Lab …", its body behind the mock-server gate. */
export function LabCard({ block, className, defaultTitle, subtitle, children }: LabCardProps) {
  const headingId = useId();
  return (
    <section className={`card lab ${className}`} aria-labelledby={headingId}>
      <header className="card__header">
        <h3 id={headingId} className="lab__title">
          <span className="block-kind">Lab</span> {block.title ?? defaultTitle}
        </h3>
        <span className="card__subtitle">{subtitle}</span>
      </header>
      <div className="card__body">
        <MockServerGate>{children}</MockServerGate>
      </div>
    </section>
  );
}
