// Stale-read age: how out of date the answers of reads from a client's local
// node were, judged against that same client's own acknowledged writes. Using
// the reader's own writes means one clock (the agent's) times both the write's
// acknowledgement and the read, so no clock offset between agents enters the
// number.
import type { OpRecord } from '../history.js';
import type { LatencyStats } from './latency-types.js';
import type { ReadResult } from './read-types.js';

/** The read side of one phase (before, during, after the outage). */
export interface PhaseReads {
  reads: number;
  readErrors: number;
  latencies: number[];
  /** Stale-read ages of its explained ok reads. */
  ages: number[];
  stale: number;
}

export interface StaleReadInput {
  /** Every op of the service, in invoke order. */
  ops: readonly OpRecord[];
  /** Positions in ops of the reads, in invoke order. */
  readPositions: readonly number[];
  /** 1 at the position in ops of each write present in the final state. */
  present: Uint8Array;
  outageStartMs: number | null;
  /** Phase of an invoke instant: 0 before the outage, 1 during it, 2 after recovery. */
  phaseOf: (invokeMs: number) => 0 | 1 | 2;
  /** Nearest-rank p50/p99/max of a list of values. */
  stats: (values: number[]) => LatencyStats;
}

export interface StaleReadOutcome {
  result: ReadResult;
  phases: [PhaseReads, PhaseReads, PhaseReads];
}

/**
 * For each ok read: find the write it observed among the reading client's
 * writes, then the oldest-acknowledged write of that client that is newer
 * (invoked later), was acknowledged before the read was sent, and counts
 * (any write before the outage; after it, only writes that survived). The
 * read's age is the time from that write's acknowledgement to the read's
 * invoke, or 0 when there is none.
 */
export function checkStaleReads(input: StaleReadInput): StaleReadOutcome {
  const { ops, readPositions, present, outageStartMs } = input;
  const phases: [PhaseReads, PhaseReads, PhaseReads] = [emptyPhase(), emptyPhase(), emptyPhase()];
  if (readPositions.length === 0) return { result: emptyReadResult(), phases };

  const { clients, writesOf } = writesByClient(ops);
  const finders = writesOf.map((writes) => new ObservedFinder(ops, writes));
  const idcs: IdcReads[] = [];
  const ages: number[] = [];
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let stale = 0;
  let unexplained = 0;
  for (const position of readPositions) {
    const read = ops[position]!;
    const idc = idcReadsOf(idcs, read.idc);
    idc.attempted++;
    if (read.node !== undefined) idc.nodes.add(read.node);
    const phase = phases[input.phaseOf(read.invokeMs)];
    phase.reads++;
    if (read.outcome !== 'ok' || read.completeMs === null || read.observed === undefined) {
      failed++;
      idc.failed++;
      phase.readErrors++;
      continue;
    }
    ok++;
    idc.ok++;
    const latency = read.completeMs - read.invokeMs;
    latencies.push(latency);
    phase.latencies.push(latency);

    const k = clients.indexOf(read.client);
    const writes = k === -1 ? [] : writesOf[k]!;
    let seen = -1;
    if (read.observed !== null) {
      seen = k === -1 ? -1 : finders[k]!.find(read.observed);
      if (seen === -1) {
        unexplained++;
        continue;
      }
    }
    const judgedAgainstAll = outageStartMs === null || read.invokeMs < outageStartMs;
    const oldestMissedAck = oldestMissedAckOf(read, ops, writes, seen, judgedAgainstAll ? null : present);
    const age = oldestMissedAck === Infinity ? 0 : read.invokeMs - oldestMissedAck;
    if (oldestMissedAck !== Infinity) {
      stale++;
      idc.stale++;
      phase.stale++;
    }
    ages.push(age);
    idc.ages.push(age);
    phase.ages.push(age);
  }
  return { result: readResult({ attempted: readPositions.length, ok, failed, stale, unexplained }, ages, latencies, idcs, input.stats), phases };
}

/** The reads of one client IDC, while they are counted. */
interface IdcReads {
  idc: string;
  nodes: Set<string>;
  attempted: number;
  ok: number;
  failed: number;
  stale: number;
  ages: number[];
}

function idcReadsOf(idcs: IdcReads[], name: string): IdcReads {
  let idc = idcs.find((d) => d.idc === name);
  if (idc === undefined) {
    idc = { idc: name, nodes: new Set(), attempted: 0, ok: 0, failed: 0, stale: 0, ages: [] };
    idcs.push(idc);
  }
  return idc;
}

/** Each writing client's writes, in invoke order, as positions in ops. */
function writesByClient(ops: readonly OpRecord[]): { clients: string[]; writesOf: number[][] } {
  const clients: string[] = [];
  const writesOf: number[][] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind !== 'write') continue;
    let k = clients.indexOf(op.client);
    if (k === -1) {
      k = clients.push(op.client) - 1;
      writesOf.push([]);
    }
    writesOf[k]!.push(i);
  }
  return { clients, writesOf };
}

/**
 * The oldest acknowledgement among the writes the read missed: the reader's
 * writes after the one it saw (at seen in writes), acknowledged before the
 * read was sent; with survivors given, only those present. Infinity when it
 * missed none.
 */
function oldestMissedAckOf(read: OpRecord, ops: readonly OpRecord[], writes: readonly number[], seen: number, survivors: Uint8Array | null): number {
  // A write is acknowledged after it was invoked, so once writes are invoked
  // no earlier than the best acknowledgement so far, none can beat it.
  let oldestMissedAck = Infinity;
  for (let j = seen + 1; j < writes.length; j++) {
    const w = ops[writes[j]!]!;
    if (w.invokeMs >= oldestMissedAck || w.invokeMs > read.invokeMs) break;
    if (w.outcome !== 'ok' || w.completeMs === null || w.completeMs > read.invokeMs) continue;
    if (survivors !== null && survivors[writes[j]!] !== 1) continue;
    if (w.completeMs < oldestMissedAck) oldestMissedAck = w.completeMs;
  }
  return oldestMissedAck;
}

function readResult(
  counts: Pick<ReadResult, 'attempted' | 'ok' | 'failed' | 'stale' | 'unexplained'>,
  ages: number[],
  latencies: number[],
  idcs: IdcReads[],
  stats: (values: number[]) => LatencyStats,
): ReadResult {
  const ageStats = stats(ages);
  return {
    attempted: counts.attempted,
    ok: counts.ok,
    failed: counts.failed,
    stale: counts.stale,
    unexplained: counts.unexplained,
    staleAgeMs: ageStats,
    latency: stats(latencies),
    byIdc: idcs
      .sort((a, b) => (a.idc < b.idc ? -1 : a.idc > b.idc ? 1 : 0))
      .map((d) => {
        const s = stats(d.ages);
        return { idc: d.idc, nodes: [...d.nodes].sort(), attempted: d.attempted, ok: d.ok, failed: d.failed, stale: d.stale, p99AgeMs: s.p99Ms, maxAgeMs: s.maxMs };
      }),
  };
}

/** How far from the last find a read's answer is looked for before the client's writes are indexed. */
const NEAR = 64;

/**
 * Finds each read's answer among one client's writes. Successive reads of a
 * client mostly observe the same write, a later one, or (from a lagging
 * replica) one a little earlier, so the search walks outwards from where the
 * last answer was found; an answer farther away than that (or none at all)
 * indexes the client's writes by id once, so no read costs more than a few
 * dozen comparisons and a lookup.
 */
class ObservedFinder {
  private cursor = 0;
  private byId: Map<string, number> | undefined;

  constructor(
    private readonly ops: readonly OpRecord[],
    private readonly writes: readonly number[],
  ) {}

  /** Position in the client's writes of the write with this id, or -1. */
  find(observed: string): number {
    const { ops, writes } = this;
    const n = writes.length;
    for (let d = 0; d < NEAR; d++) {
      const ahead = this.cursor + d;
      if (ahead < n && ops[writes[ahead]!]!.id === observed) return (this.cursor = ahead);
      const behind = this.cursor - d - 1;
      if (behind >= 0 && ops[writes[behind]!]!.id === observed) return (this.cursor = behind);
      if (ahead >= n && behind < 0) return -1;
    }
    this.byId ??= new Map(writes.map((w, j) => [ops[w]!.id, j]));
    const at = this.byId.get(observed);
    if (at === undefined) return -1;
    return (this.cursor = at);
  }
}

function emptyPhase(): PhaseReads {
  return { reads: 0, readErrors: 0, latencies: [], ages: [], stale: 0 };
}

const NO_STATS: LatencyStats = { count: 0, p50Ms: null, p99Ms: null, maxMs: null };

export function emptyReadResult(): ReadResult {
  return { attempted: 0, ok: 0, failed: 0, stale: 0, unexplained: 0, staleAgeMs: { ...NO_STATS }, latency: { ...NO_STATS }, byIdc: [] };
}
