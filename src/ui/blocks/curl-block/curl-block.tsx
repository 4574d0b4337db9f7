import { BlockFallback } from '../../markdown/block-fallback.tsx';
import type { BlockProps } from '../registry.tsx';

export function CurlBlockView({ block }: BlockProps<'curl'>) {
  return <BlockFallback block={block} />;
}
