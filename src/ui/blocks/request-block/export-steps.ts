import type { ExportStep } from '../../../client/export-request.ts';
import type { MarkdownNode, RequestBlock } from '../../../lessons/lesson-types.ts';

/** A request block as a step of an exported test. */
export function requestStep(block: RequestBlock): ExportStep {
  const { method, url, headers, body } = block.request;
  return {
    title: block.title ?? block.id,
    request: { method, url, headers, body },
    save: block.save,
    ...(block.expect && { expect: block.expect }),
  };
}

/**
 * The requests a lesson sends before the request block `id`, in reading order (inside quotes,
 * callouts and lists too): every request block and every negative case, as the lesson's text
 * has them. Undefined when the lesson has no such block (a draft in the editor, say).
 */
export function stepsBefore(nodes: readonly MarkdownNode[], id: string): ExportStep[] | undefined {
  const steps: ExportStep[] = [];
  const visit = (list: readonly MarkdownNode[]): boolean => {
    for (const node of list) {
      if (node.type === 'block') {
        const { block } = node;
        if (block.kind === 'request') {
          if (block.id === id) return true;
          steps.push(requestStep(block));
        } else if (block.kind === 'negatives') {
          for (const negative of block.cases) {
            const { method, url, headers, body } = negative.request;
            steps.push({
              title: `${block.title ?? 'Negative cases'}: ${negative.name}`,
              request: { method, url, headers, body },
              expect: negative.expect,
            });
          }
        }
      } else if (node.type === 'blockquote' || node.type === 'callout') {
        if (visit(node.children)) return true;
      } else if (node.type === 'list') {
        for (const item of node.items) if (visit(item.children)) return true;
      }
    }
    return false;
  };
  return visit(nodes) ? steps : undefined;
}
