// Turns a path inside a parsed YAML document into file:line:col, so that every
// scenario error points at the place to fix.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Location {
  line: number;
  column: number;
}

/**
 * Finds the deepest node along `segments`; when a segment is missing (a
 * required key), the location of its parent is the best place to point at.
 * With `atKey`, points at the key of the last segment rather than its value.
 */
export function locate(doc: Document, counter: LineCounter, segments: (string | number)[], atKey = false): Location | null {
  let node: unknown = doc.contents;
  let best: Node | null = isNode(node) ? node : null;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (last && atKey && isNode(pair.key)) {
        best = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      break;
    }
    if (isNode(node)) best = node;
    else break;
  }
  if (!best?.range) return null;
  const pos = counter.linePos(best.range[0]);
  return { line: pos.line, column: pos.col };
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

/** "mysql.nodes[1].idc" from ["mysql", "nodes", 1, "idc"]. */
export function formatPath(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** ["mysql", "nodes", 1, "idc"] from the JSON pointer "/mysql/nodes/1/idc". */
export function pointerToSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
