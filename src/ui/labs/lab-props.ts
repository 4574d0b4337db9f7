import type { LabBlock, LabName } from '../../lessons/lesson-types.ts';

/** What a lab component receives: its block, with the config its lab's schema output. */
export interface LabProps<N extends LabName = LabName> {
  block: LabBlock<N>;
}
