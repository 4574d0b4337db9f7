import { type ComponentType, type LazyExoticComponent, lazy, Suspense } from 'react';
import type { LabName } from '../../lessons/lesson-types.ts';
import { BlockFallback } from '../markdown/block-fallback.tsx';
import type { BlockProps } from '../shared/block-props.ts';
import { retryImport } from '../shared/retry-import.ts';
import type { LabProps } from './lab-props.ts';

/** One lazy chunk per lab: a lesson with the forge does not load the caching lab. */
const labs: { [N in LabName]: LazyExoticComponent<ComponentType<LabProps<N>>> } = {
  caching: lazy(() =>
    retryImport(() => import('./caching/caching-lab.tsx')).then((m) => ({ default: m.CachingLab })),
  ),
  forge: lazy(() =>
    retryImport(() => import('./forge/forge-lab.tsx')).then((m) => ({ default: m.ForgeLab })),
  ),
  console: lazy(() =>
    retryImport(() => import('./console/console-lab.tsx')).then((m) => ({ default: m.ConsoleLab })),
  ),
  profiles: lazy(() =>
    retryImport(() => import('./profiles/profiles-lab.tsx')).then((m) => ({
      default: m.ProfilesLab,
    })),
  ),
  rotation: lazy(() =>
    retryImport(() => import('./rotation/rotation-lab.tsx')).then((m) => ({
      default: m.RotationLab,
    })),
  ),
  assertion: lazy(() =>
    retryImport(() => import('./assertion/assertion-lab.tsx')).then((m) => ({
      default: m.AssertionLab,
    })),
  ),
  failures: lazy(() =>
    retryImport(() => import('./failures/failures-lab.tsx')).then((m) => ({
      default: m.FailuresLab,
    })),
  ),
};

/** The `lab` block: picks the lab by name and loads it. */
export function LabBlockView({ block }: BlockProps<'lab'>) {
  // Each lab's component takes its own block type; `block.lab` picked it.
  const Lab = labs[block.lab] as ComponentType<LabProps>;
  return (
    <Suspense fallback={<BlockFallback block={block} />}>
      <Lab block={block} />
    </Suspense>
  );
}
