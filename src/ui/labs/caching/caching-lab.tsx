import type { LabProps } from '../lab-block.tsx';

/** The caching lab (being built: see issue 4). */
export function CachingLab({ block }: LabProps) {
  return <p>The {block.lab} lab is being built.</p>;
}
