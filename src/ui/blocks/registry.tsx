import {
  Component,
  type ComponentType,
  type ErrorInfo,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
} from 'react';
import type { LessonBlock, LessonBlockKind } from '../../lessons/lesson-types.ts';
import { BlockFallback } from '../markdown/block-fallback.tsx';
import { useMockServerStatus } from '../server/mock-server-context.tsx';

/** The props every block component receives: its compiled block, narrowed by kind. */
export interface BlockProps<K extends LessonBlockKind> {
  block: Extract<LessonBlock, { kind: K }>;
}

type BlockComponents = {
  [K in LessonBlockKind]?: LazyExoticComponent<ComponentType<BlockProps<K>>>;
};

/**
 * THE block registry: one entry per block kind, each loaded lazily so a lesson's first paint
 * carries no block code. Until a component arrives (and for a kind with no entry) the block
 * shows as its static fallback, the code as written in the lesson.
 */
export const blockComponents: BlockComponents = {
  request: lazy(() =>
    import('./request-block/request-block.tsx').then((m) => ({ default: m.RequestBlockView })),
  ),
  curl: lazy(() =>
    import('./curl-block/curl-block.tsx').then((m) => ({ default: m.CurlBlockView })),
  ),
  jwt: lazy(() => import('./jwt-block/jwt-block.tsx').then((m) => ({ default: m.JwtBlockView }))),
  negatives: lazy(() =>
    import('./negatives-block/negatives-block.tsx').then((m) => ({
      default: m.NegativesBlockView,
    })),
  ),
  flow: lazy(() =>
    import('./flow-block/flow-block.tsx').then((m) => ({ default: m.FlowBlockView })),
  ),
  exercise: lazy(() =>
    import('./exercise-block/exercise-block.tsx').then((m) => ({
      default: m.ExerciseBlockView,
    })),
  ),
  lab: lazy(() => import('../labs/lab-block.tsx').then((m) => ({ default: m.LabBlockView }))),
};

/**
 * Kinds that send requests: they render only once the mock servers answer (after a hard reload
 * a request sent earlier would reach the real network); before that, the static fallback.
 */
const NEEDS_SERVER: ReadonlySet<LessonBlockKind> = new Set([
  'request',
  'negatives',
  'exercise',
  'lab',
]);

function ServerReady({ block, children }: { block: LessonBlock; children: ReactNode }) {
  const status = useMockServerStatus();
  if (status.state === 'ready') return children;
  return (
    <div className="block-waiting">
      <BlockFallback block={block} />
      <p className="block-waiting-note" role={status.state === 'starting' ? 'status' : undefined}>
        {status.state === 'starting'
          ? 'Starting the mock servers… the Send button appears in a moment.'
          : 'The mock servers could not start (see the message at the top), so this block cannot send requests.'}
      </p>
    </div>
  );
}

interface BoundaryState {
  error?: Error;
}

/** One broken block shows its fallback and the error; the rest of the lesson keeps working. */
class BlockErrorBoundary extends Component<
  { block: LessonBlock; children: ReactNode },
  BoundaryState
> {
  override state: BoundaryState = {};

  static getDerivedStateFromError(error: Error): BoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(
      `[playground] the ${this.props.block.kind} block at ${this.props.block.source.file}:${this.props.block.source.line} failed`,
      error,
      info.componentStack,
    );
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="block-waiting">
        <BlockFallback block={this.props.block} />
        <p className="block-waiting-note block-waiting-note--error" role="alert">
          This block failed to load ({this.state.error.message}). Reload the page to try again.
        </p>
      </div>
    );
  }
}

/** Render one block through the registry (MarkdownView's `renderBlock`). */
export function renderLessonBlock(block: LessonBlock): ReactNode {
  const View = blockComponents[block.kind] as
    | LazyExoticComponent<ComponentType<{ block: LessonBlock }>>
    | undefined;
  if (!View) return <BlockFallback block={block} />;
  const view = (
    <BlockErrorBoundary block={block}>
      <Suspense fallback={<BlockFallback block={block} />}>
        <View block={block} />
      </Suspense>
    </BlockErrorBoundary>
  );
  return NEEDS_SERVER.has(block.kind) ? <ServerReady block={block}>{view}</ServerReady> : view;
}
