import type { LabProps } from '../lab-block.tsx';

/** The profiles lab (being built: see issue 4). */
export function ProfilesLab({ block }: LabProps) {
  return <p>The {block.lab} lab is being built.</p>;
}
