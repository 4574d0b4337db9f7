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

type BlockModule<K extends LessonBlockKind> = { default: ComponentType<BlockProps<K>> };
type BlockLoaders = { [K in LessonBlockKind]?: () => Promise<BlockModule<K>> };
type BlockComponents = {
  [K in LessonBlockKind]?: LazyExoticComponent<ComponentType<BlockProps<K>>>;
};

/** Where each block kind's component lives: one chunk per kind, fetched on first use. */
const blockLoaders: BlockLoaders = {
  request: () =>
    import('./request-block/request-block.tsx').then((m) => ({ default: m.RequestBlockView })),
  curl: () => import('./curl-block/curl-block.tsx').then((m) => ({ default: m.CurlBlockView })),
  jwt: () => import('./jwt-block/jwt-block.tsx').then((m) => ({ default: m.JwtBlockView })),
  negatives: () =>
    import('./negatives-block/negatives-block.tsx').then((m) => ({
      default: m.NegativesBlockView,
    })),
  flow: () => import('./flow-block/flow-block.tsx').then((m) => ({ default: m.FlowBlockView })),
  exercise: () =>
    import('./exercise-block/exercise-block.tsx').then((m) => ({
      default: m.ExerciseBlockView,
    })),
  lab: () => import('../labs/lab-block.tsx').then((m) => ({ default: m.LabBlockView })),
};

/** One import per kind, shared by `preloadBlocks` and the lazy component (retried after a failure). */
const loading = new Map<LessonBlockKind, Promise<unknown>>();

function loadBlock<K extends LessonBlockKind>(kind: K): Promise<BlockModule<K>> {
  let promise = loading.get(kind) as Promise<BlockModule<K>> | undefined;
  if (!promise) {
    const loader = blockLoaders[kind] as (() => Promise<BlockModule<K>>) | undefined;
    if (!loader) return Promise.reject(new Error(`No component for ${kind} blocks.`));
    promise = loader();
    promise.catch(() => loading.delete(kind));
    loading.set(kind, promise);
  }
  return promise;
}

/**
 * Start fetching the code of these block kinds now (a lesson's kinds are known before its body
 * arrives: `blockKindsOf(slug)`), so body and blocks load side by side, not one after the other.
 */
export function preloadBlocks(kinds: Iterable<LessonBlockKind>): void {
  for (const kind of kinds) {
    if (blockLoaders[kind]) loadBlock(kind).catch(() => undefined);
  }
}

/**
 * THE block registry: one entry per block kind, each loaded lazily so a lesson's first paint
 * carries no block code. Until a component arrives (and for a kind with no entry) the block
 * shows as its static fallback, the code as written in the lesson.
 */
export const blockComponents: BlockComponents = Object.fromEntries(
  (Object.keys(blockLoaders) as LessonBlockKind[]).map((kind) => [
    kind,
    lazy(() => loadBlock(kind)),
  ]),
) as BlockComponents;

/**
 * Kinds that wait for the mock servers before they turn interactive (their static fallback
 * until then). Request blocks do not: their Send is what a learner reaches for first, and the
 * lesson runtime's `send` holds a request until the servers answer (after a hard reload a request
 * sent earlier would reach the real network). The others wait so that rendering them does not
 * compete with the servers' start-up for the main thread: labs use the servers' objects
 * directly, and a replay table or an exercise is not the first thing pressed.
 */
const NEEDS_SERVER: ReadonlySet<LessonBlockKind> = new Set(['negatives', 'exercise', 'lab']);

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
