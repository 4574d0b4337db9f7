import type { LessonBlock, MarkdownNode } from '../lesson-types.ts';

/** Every interactive block of a lesson body, in reading order (inside quotes and lists too). */
export function lessonBlocks(nodes: MarkdownNode[]): LessonBlock[] {
  const out: LessonBlock[] = [];
  for (const node of nodes) {
    if (node.type === 'block') out.push(node.block);
    else if (node.type === 'blockquote' || node.type === 'callout')
      out.push(...lessonBlocks(node.children));
    else if (node.type === 'list')
      for (const item of node.items) out.push(...lessonBlocks(item.children));
  }
  return out;
}
