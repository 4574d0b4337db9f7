import { type ComponentType, type LazyExoticComponent, lazy, Suspense } from 'react';
import type { LabBlock, LabName } from '../../lessons/lesson-types.ts';
import type { BlockProps } from '../blocks/registry.tsx';
import { BlockFallback } from '../markdown/block-fallback.tsx';

/** What every lab component receives: its block (name, id, title, validated config). */
export interface LabProps {
  block: LabBlock;
}

/** One lazy chunk per lab: a lesson with the forge does not load the caching lab. */
const labs: Record<LabName, LazyExoticComponent<ComponentType<LabProps>>> = {
  caching: lazy(() => import('./caching/caching-lab.tsx').then((m) => ({ default: m.CachingLab }))),
  forge: lazy(() => import('./forge/forge-lab.tsx').then((m) => ({ default: m.ForgeLab }))),
  console: lazy(() => import('./console/console-lab.tsx').then((m) => ({ default: m.ConsoleLab }))),
  profiles: lazy(() =>
    import('./profiles/profiles-lab.tsx').then((m) => ({ default: m.ProfilesLab })),
  ),
};

/** The `lab` block: picks the lab by name and loads it. */
export function LabBlockView({ block }: BlockProps<'lab'>) {
  const Lab = labs[block.lab];
  return (
    <Suspense fallback={<BlockFallback block={block} />}>
      <Lab block={block} />
    </Suspense>
  );
}
