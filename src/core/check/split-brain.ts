// Split brain, for a service built to have one writer at a time: how long two
// or more of its nodes acknowledged writes at once, which nodes, and what the
// writes acknowledged meanwhile became. It is read from the clients' own
// records of which node answered each write.
import type { OpRecord } from '../history.js';
import type { SplitBrainResult } from './loss-types.js';
import type { DownInterval } from './rto.js';

export interface SplitBrainInput {
  /** Every op of one service. */
  ops: readonly OpRecord[];
  /** 1 at the position in ops of each write present in the final state. */
  present: Uint8Array;
  /** A node's name from the address a client recorded (unknown addresses are kept as they are). */
  nodeName: (recorded: string) => string;
  /** When IDCs went down and came back: a client's run never spans its own IDC's outage. */
  down: readonly DownInterval[];
}

interface Run {
  node: string;
  fromMs: number;
  toMs: number;
}

/**
 * A client's run on a node: its consecutive writes (in the order it sent
 * them) that the node acknowledged, from the first acknowledgement to the
 * last. A write that failed or ended unknown, one answered by another node,
 * or its own IDC going down or coming back ends the run: the node is shown
 * taking writes only while the client kept being answered by it. The
 * service is split while runs on two or more nodes overlap: a failover hands
 * clients from one node to the next, so clean runs follow each other, and any
 * overlap is time in which both nodes took writes. A run of a single
 * acknowledgement has no length and adds no time.
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
  const byClient = new Map<string, OpRecord[]>();
  for (const op of input.ops) {
    if (op.kind !== 'write') continue;
    const list = byClient.get(op.client);
    if (list === undefined) byClient.set(op.client, [op]);
    else list.push(op);
  }
  const runs: Run[] = [];
  for (const writes of byClient.values()) {
    writes.sort((a, b) => a.invokeMs - b.invokeMs);
    const idc = writes[0]!.idc;
    const boundaries = input.down.filter((d) => d.idc === idc).flatMap((d) => (d.toMs === null ? [d.fromMs] : [d.fromMs, d.toMs]));
    let run: Run | null = null;
    for (const op of writes) {
      if (op.outcome !== 'ok' || op.completeMs === null || op.node === undefined) {
        run = null;
        continue;
      }
      const node = input.nodeName(op.node);
      const at = op.completeMs;
      const crossesOutage = run !== null && boundaries.some((t) => t > run!.toMs && t <= at);
      if (run !== null && run.node === node && !crossesOutage) {
        run.toMs = Math.max(run.toMs, at);
        continue;
      }
      run = { node, fromMs: at, toMs: at };
      runs.push(run);
    }
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
