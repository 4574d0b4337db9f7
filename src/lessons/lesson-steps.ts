import type { FlowStep, LessonBlock, MarkdownNode } from './lesson-types.ts';

/** Every interactive block of a lesson body, in reading order (inside quotes and lists too). */
export function lessonBlocks(nodes: readonly MarkdownNode[]): LessonBlock[] {
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

/** A step that counts towards a lesson's progress. */
export interface LessonStep {
  /** The progress key: a request id, `negatives-id#index`, or an exercise id. */
  key: string;
  label: string;
  kind: 'request' | 'negative' | 'exercise' | 'code-exercise';
}

/**
 * The steps of a lesson body, in reading order: each request block (but one an exercise judges
 * and that expects nothing itself), each case of a negatives block that has an id
 * (`<id>#<index>`, index from 0), and each exercise and code exercise. Runs in the page and in
 * the lessons plugin (which ships the keys with the lesson list, so the home page needs no body).
 */
export function lessonSteps(body: readonly MarkdownNode[]): LessonStep[] {
  const steps: LessonStep[] = [];
  const blocks = lessonBlocks(body);
  // A request an exercise judges is the exercise's step, not one of its own: its answer may be
  // meant to fail (a 403 the learner provokes), which a request step without `expect` would
  // never count as done.
  const judged = new Set(
    blocks.flatMap((b) =>
      b.kind === 'exercise' && b.check.response?.request ? [b.check.response.request] : [],
    ),
  );
  for (const block of blocks) {
    if (block.kind === 'request' && judged.has(block.id) && block.expect === undefined) continue;
    if (block.kind === 'request') {
      steps.push({ key: block.id, label: block.title ?? block.id, kind: 'request' });
    } else if (block.kind === 'negatives' && block.id !== undefined) {
      block.cases.forEach((negative, index) => {
        steps.push({ key: `${block.id}#${index}`, label: negative.name, kind: 'negative' });
      });
    } else if (block.kind === 'exercise') {
      steps.push({ key: block.id, label: block.title ?? block.goal, kind: 'exercise' });
    } else if (block.kind === 'code-exercise') {
      steps.push({ key: block.id, label: block.title ?? block.goal, kind: 'code-exercise' });
    }
  }
  return steps;
}

/** The progress keys of a lesson body, in reading order. */
export function lessonStepKeys(body: readonly MarkdownNode[]): string[] {
  return lessonSteps(body).map((step) => step.key);
}

/** The flow step a request URL belongs to: token, api, introspect or revoke. */
export function flowStepOf(url: string): FlowStep | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  if (path.endsWith('/workload-token')) return 'workload';
  if (path.endsWith('/oauth/token')) return 'token';
  if (path.endsWith('/oauth/introspect')) return 'introspect';
  if (path.endsWith('/oauth/revoke')) return 'revoke';
  if (path.startsWith('/api/')) return 'api';
  return undefined;
}
