import { type ComponentType, type ReactNode, useId } from 'react';
import type { LabConfig, LabName } from '../../lessons/labs/index.ts';
import { CardHeader } from '../shared/card-header.tsx';
import { MockServerGate } from '../shared/mock-server-context.tsx';
import type { LabProps } from './lab-props.ts';

/** How a lab presents itself in its card. */
export interface LabFrame<N extends LabName> {
  /** The lab's class name (`caching-lab`), for its own styles. */
  className: string;
  /** The heading when the lesson gives no `title=`. */
  defaultTitle: string;
  /** One line under the heading: what the lab does, from the lesson's config. */
  subtitle: (config: LabConfig<N>) => ReactNode;
}

/** What a lab's body receives once the mock servers are up. */
export interface LabBodyProps<N extends LabName> {
  /** The block's id: the key a lab reports its outcomes and keeps its state under. */
  labId: string;
  config: LabConfig<N>;
}

/**
 * A lab's component: its body in the frame every lab shares, a card titled "Lab …" whose body
 * renders behind the mock-server gate.
 */
export function defineLab<N extends LabName>(
  frame: LabFrame<N>,
  Body: ComponentType<LabBodyProps<N>>,
): ComponentType<LabProps<N>> {
  return function LabCard({ block }: LabProps<N>) {
    const headingId = useId();
    return (
      <section className={`card lab ${frame.className}`} aria-labelledby={headingId}>
        <CardHeader headingId={headingId} kind="Lab" title={block.title ?? frame.defaultTitle}>
          <span className="card__subtitle">{frame.subtitle(block.config)}</span>
        </CardHeader>
        <div className="card__body">
          <MockServerGate>
            <Body labId={block.id} config={block.config} />
          </MockServerGate>
        </div>
      </section>
    );
  };
}
