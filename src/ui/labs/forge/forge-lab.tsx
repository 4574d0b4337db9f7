import type { LabProps } from '../lab-block.tsx';

/** The forge lab (being built: see issue 4). */
export function ForgeLab({ block }: LabProps) {
  return <p>The {block.lab} lab is being built.</p>;
}
