/**
 * Places in a lesson's source that the compiled tree does not keep: an option in a block's info
 * string, a key inside a block's YAML body. The checker uses them to point at the exact spot.
 */
import { LineCounter, parseDocument } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

export function sourceLines(source: string): string[] {
  return source
    .replace(/\r\n?/g, '\n')
    .replace(/^\uFEFF/, '')
    .split('\n');
}

/** The info string's start (after the fence), or of `key=` in it, on the block's first line. */
export function optionPosition(lines: string[], blockLine: number, key?: string): Position {
  const text = lines[blockLine - 1] ?? '';
  const fence = /^(\s*)(`{3,}|~{3,})\s*/.exec(text);
  const infoColumn = (fence?.[0].length ?? 0) + 1;
  if (key === undefined) return { line: blockLine, column: infoColumn };
  const match = new RegExp(`(^|\\s)${key}=`).exec(text.slice(infoColumn - 1));
  if (!match) return { line: blockLine, column: infoColumn };
  return { line: blockLine, column: infoColumn + match.index + (match[1] ?? '').length };
}

/** The body of the fenced block that opens on `blockLine` (lines up to the closing fence). */
function blockBody(lines: string[], blockLine: number): string {
  const open = /^(\s*)(`{3,}|~{3,})/.exec(lines[blockLine - 1] ?? '');
  const marker = open?.[2] ?? '```';
  const closing = new RegExp(`^\\s*\\${marker[0]}{${marker.length},}\\s*$`);
  const body: string[] = [];
  for (let index = blockLine; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (closing.test(line)) break;
    body.push(line);
  }
  return body.join('\n');
}

/**
 * Where a node of a block's YAML body starts, in the file: the deepest existing node along
 * `path` (`[2, 'expect']` is the third case's `expect`). Falls back to the block's first line.
 */
export function yamlPosition(
  lines: string[],
  blockLine: number,
  path: (string | number)[],
): Position {
  const lineCounter = new LineCounter();
  const doc = parseDocument(blockBody(lines, blockLine), { lineCounter });
  for (let length = path.length; length >= 0; length--) {
    const node = doc.getIn(path.slice(0, length), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      const { line, col } = lineCounter.linePos(node.range[0] as number);
      return { line: blockLine + line, column: col };
    }
  }
  return { line: blockLine, column: 1 };
}
