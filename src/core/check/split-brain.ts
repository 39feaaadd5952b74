// Split brain, for a service built to have one writer at a time: how long two
// or more of its nodes acknowledged writes at once, which nodes, and what the
// writes acknowledged meanwhile became. It is read from the clients' own
// records of which node answered each write.
import type { OpRecord } from '../history.js';
import type { SplitBrainResult } from './check-types.js';

export interface SplitBrainInput {
  /** Every op of one service. */
  ops: readonly OpRecord[];
  /** 1 at the position in ops of each write present in the final state. */
  present: Uint8Array;
  /** A node's name from the address a client recorded (unknown addresses are kept as they are). */
  nodeName: (recorded: string) => string;
}

interface Run {
  node: string;
  fromMs: number;
  toMs: number;
}

/**
 * A client's run on a node lasts from the acknowledgement of its first write
 * there to that of its last write there before it was answered by another
 * node. The service is split while runs on two or more nodes overlap: a
 * failover hands clients from one node to the next, so clean runs follow each
 * other, and any overlap is time in which both nodes took writes. A run of a
 * single acknowledgement has no length and adds no time.
 */
export function measureSplitBrain(input: SplitBrainInput): SplitBrainResult {
  const runs = clientRuns(input);
  const intervals = overlaps(runs.filter((r) => r.toMs > r.fromMs));
  if (intervals.length === 0) return { ms: 0, intervals: [], nodes: [], acknowledged: 0, lost: 0, byNode: [] };

  const byNode = new Map<string, { acknowledged: number; lost: number }>();
  let acknowledged = 0;
  let lost = 0;
  const { ops, present } = input;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind !== 'write' || op.outcome !== 'ok' || op.completeMs === null || op.node === undefined) continue;
    if (!inside(intervals, op.completeMs)) continue;
    const node = input.nodeName(op.node);
    const counts = byNode.get(node) ?? { acknowledged: 0, lost: 0 };
    counts.acknowledged++;
    acknowledged++;
    if (present[i] !== 1) {
      counts.lost++;
      lost++;
    }
    byNode.set(node, counts);
  }
  return {
    ms: intervals.reduce((sum, iv) => sum + (iv.endMs - iv.startMs), 0),
    intervals,
    nodes: [...new Set(intervals.flatMap((iv) => iv.nodes))].sort(),
    acknowledged,
    lost,
    byNode: [...byNode.entries()].map(([node, c]) => ({ node, ...c })).sort((a, b) => (a.node < b.node ? -1 : 1)),
  };
}

function clientRuns(input: SplitBrainInput): Run[] {
  const current = new Map<string, Run>();
  const runs: Run[] = [];
  const acks = input.ops.filter((op) => op.kind === 'write' && op.outcome === 'ok' && op.completeMs !== null && op.node !== undefined);
  acks.sort((a, b) => a.completeMs! - b.completeMs!);
  for (const op of acks) {
    const node = input.nodeName(op.node!);
    const at = op.completeMs!;
    const run = current.get(op.client);
    if (run !== undefined && run.node === node) {
      run.toMs = Math.max(run.toMs, at);
      continue;
    }
    const fresh = { node, fromMs: at, toMs: at };
    runs.push(fresh);
    current.set(op.client, fresh);
  }
  return runs;
}

/** The instants covered by runs on two or more distinct nodes, as sorted, merged intervals. */
function overlaps(runs: readonly Run[]): SplitBrainResult['intervals'] {
  // Ends before starts at one instant: runs that only touch do not overlap.
  const events = runs.flatMap((r) => [
    { at: r.fromMs, delta: 1, node: r.node },
    { at: r.toMs, delta: -1, node: r.node },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const active = new Map<string, number>();
  const out: SplitBrainResult['intervals'] = [];
  let previous = -Infinity;
  for (const e of events) {
    if (e.at > previous && active.size >= 2) {
      const last = out.at(-1);
      const nodes = [...active.keys()].sort();
      if (last !== undefined && last.endMs === previous) {
        last.endMs = e.at;
        last.nodes = [...new Set([...last.nodes, ...nodes])].sort();
      } else out.push({ startMs: previous, endMs: e.at, nodes });
    }
    previous = e.at;
    const count = (active.get(e.node) ?? 0) + e.delta;
    if (count === 0) active.delete(e.node);
    else active.set(e.node, count);
  }
  return out;
}

function inside(intervals: SplitBrainResult['intervals'], t: number): boolean {
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const iv = intervals[mid]!;
    if (t < iv.startMs) hi = mid - 1;
    else if (t > iv.endMs) lo = mid + 1;
    else return true;
  }
  return false;
}
