import type { LabProps } from '../lab-block.tsx';

/** The console lab (being built: see issue 4). */
export function ConsoleLab({ block }: LabProps) {
  return <p>The {block.lab} lab is being built.</p>;
}
