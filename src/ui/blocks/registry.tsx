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
import type { BlockProps } from '../shared/block-props.ts';
import { useMockServerStatus } from '../shared/mock-server-context.tsx';
import { retryImport } from '../shared/retry-import.ts';
// Request blocks are in a prerendered lesson's HTML, live (see FIRST_PAINT_KINDS): their styles
// must be in the page's stylesheet, not arrive later with their code.
import './request-block/request-block.css';

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
  'code-exercise': () =>
    import('./code-exercise-block/code-exercise-block.tsx').then((m) => ({
      default: m.CodeExerciseBlockView,
    })),
  lab: () => import('../labs/lab-block.tsx').then((m) => ({ default: m.LabBlockView })),
};

/** One import per kind, shared by `preloadBlocks` and the lazy component (retried after a failure). */
const loading = new Map<LessonBlockKind, Promise<unknown>>();

/**
 * Components whose code has arrived, rendered directly. A `lazy` component suspends on its first
 * render even when its module is already loaded, and React may then hold the revealed content
 * back for up to 300 ms (its Suspense throttling): a learner would wait for nothing.
 */
const loadedComponents = new Map<LessonBlockKind, ComponentType<{ block: LessonBlock }>>();

function loadBlock<K extends LessonBlockKind>(kind: K): Promise<BlockModule<K>> {
  let promise = loading.get(kind) as Promise<BlockModule<K>> | undefined;
  if (!promise) {
    const loader = blockLoaders[kind] as (() => Promise<BlockModule<K>>) | undefined;
    if (!loader) return Promise.reject(new Error(`No component for ${kind} blocks.`));
    promise = retryImport(loader).then((module) => {
      loadedComponents.set(kind, module.default as ComponentType<{ block: LessonBlock }>);
      return module;
    });
    promise.catch(() => loading.delete(kind));
    loading.set(kind, promise);
  }
  return promise;
}

/**
 * Start fetching the code of these block kinds now (a lesson's kinds are known before its body
 * arrives: `blockKindsOf(slug)`). Resolves when each has loaded or failed (a failure is shown
 * by the block itself, which tries again as it renders).
 */
export function preloadBlocks(kinds: Iterable<LessonBlockKind>): Promise<void> {
  const loads = [...kinds]
    .filter((kind) => blockLoaders[kind] !== undefined)
    .map((kind) =>
      loadBlock(kind).then(
        () => undefined,
        () => undefined,
      ),
    );
  return Promise.all(loads).then(() => undefined);
}

/**
 * Kinds rendered live from a lesson's first render when their code is already in (a prerendered
 * page waits for it before hydrating): the learner's Send shows at once. The other kinds first
 * show their static fallbacks and turn live after the first paint (`renderLessonBlock`).
 */
export const FIRST_PAINT_MODULES: Readonly<Partial<Record<LessonBlockKind, string>>> = {
  // The module its loader above imports, relative to the project root: the build preloads its
  // chunk with each prerendered page that shows such a block.
  request: 'src/ui/blocks/request-block/request-block.tsx',
};
export const FIRST_PAINT_KINDS: ReadonlySet<LessonBlockKind> = new Set(
  Object.keys(FIRST_PAINT_MODULES) as LessonBlockKind[],
);

/** Load the code of the first-paint kinds among `kinds`; rejects if one failed to load. */
export function loadFirstPaintBlocks(kinds: Iterable<LessonBlockKind>): Promise<void> {
  const loads = [...kinds].filter((kind) => FIRST_PAINT_KINDS.has(kind)).map(loadBlock);
  return Promise.all(loads).then(() => undefined);
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
const NEEDS_SERVER: ReadonlySet<LessonBlockKind> = new Set([
  'negatives',
  'exercise',
  'code-exercise',
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
  const View =
    loadedComponents.get(block.kind) ??
    (blockComponents[block.kind] as
      | LazyExoticComponent<ComponentType<{ block: LessonBlock }>>
      | undefined);
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

/**
 * A block in the lesson's first render: live if it is a first-paint kind whose code is in,
 * otherwise its static fallback (MarkdownView's `renderBlock` until the blocks turn live).
 */
export function renderFirstPaintBlock(block: LessonBlock): ReactNode {
  return FIRST_PAINT_KINDS.has(block.kind) && loadedComponents.has(block.kind) ? (
    renderLessonBlock(block)
  ) : (
    <BlockFallback block={block} />
  );
}
