import { type ComponentType, type LazyExoticComponent, lazy, Suspense } from 'react';
import type { LabName } from '../../lessons/lesson-types.ts';
import { BlockFallback } from '../markdown/block-fallback.tsx';
import type { BlockProps } from '../shared/block-props.ts';
import { retryImport } from '../shared/retry-import.ts';
import type { LabProps } from './lab-props.ts';

/** A lab's component, loaded on first render: the export `name` of the module `load` brings. */
function lazyLab<N extends LabName, K extends string>(
  load: () => Promise<Record<K, ComponentType<LabProps<N>>>>,
  name: K,
): LazyExoticComponent<ComponentType<LabProps<N>>> {
  return lazy(() => retryImport(load).then((m) => ({ default: m[name] })));
}

/** One lazy chunk per lab: a lesson with the forge does not load the caching lab. */
const labs: { [N in LabName]: LazyExoticComponent<ComponentType<LabProps<N>>> } = {
  caching: lazyLab(() => import('./caching/caching-lab.tsx'), 'CachingLab'),
  forge: lazyLab(() => import('./forge/forge-lab.tsx'), 'ForgeLab'),
  console: lazyLab(() => import('./console/console-lab.tsx'), 'ConsoleLab'),
  profiles: lazyLab(() => import('./profiles/profiles-lab.tsx'), 'ProfilesLab'),
  rotation: lazyLab(() => import('./rotation/rotation-lab.tsx'), 'RotationLab'),
  assertion: lazyLab(() => import('./assertion/assertion-lab.tsx'), 'AssertionLab'),
  failures: lazyLab(() => import('./failures/failures-lab.tsx'), 'FailuresLab'),
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
