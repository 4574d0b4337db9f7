import { BlockFallback } from '../../markdown/block-fallback.tsx';
import type { BlockProps } from '../registry.tsx';

export function RequestBlockView({ block }: BlockProps<'request'>) {
  return <BlockFallback block={block} />;
}
