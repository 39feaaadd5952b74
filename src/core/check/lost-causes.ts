// Why each lost write was lost. A count says how much a drill cost; a cause
// says whether the HA design did what it promises (async replication loses
// what it had not shipped, a cold backup what came after it) or something
// else happened that nobody designed for: those are "unexplained", and are
// the ones worth a bug report. Every cause is decided from facts the drill
// recorded: the node that acknowledged the write, the failover machinery's
// promotions, the split-brain intervals measured from the clients, the
// backup the machinery restored, and which nodes still hold the write now.
import type { FaultEvent } from '../faults.js';
import { describeFault } from '../faults.js';
import type { NodeState, OpRecord, ServiceFinalState } from '../history.js';
import type { BackupEvent } from '../plan/runtime-configs.js';
import type { LostCause, LostCauseGroup, SplitBrainResult } from './loss-types.js';

export interface LostCauseInput {
  /** The service's lost writes: acknowledged, absent from its final state. */
  lost: readonly OpRecord[];
  /** A node's name from the address a client recorded. */
  nodeName: (recorded: string) => string;
  state: ServiceFinalState | undefined;
  /** Promotions after the first fault, node names resolved. */
  promotions: readonly { atMs: number; node: string }[];
  splitBrain: SplitBrainResult | null;
  /** The service's backup and restore log, for a cold-backup group. */
  backups: readonly BackupEvent[] | undefined;
  faults: readonly FaultEvent[];
  /** Each node's IDC, by node name. */
  nodeIdcs: Readonly<Record<string, string>>;
  /** The group the service is: a planned switchover of another group did not reach its nodes. */
  group?: string;
}

interface Decided {
  cause: LostCause;
  node: string | null;
  replacedBy: string | null;
  faults: string[];
  stillOn: string[];
}

/** Lost writes grouped by what lost them, largest group first; the groups' counts add up to the lost writes. */
export function explainLostWrites(input: LostCauseInput): LostCauseGroup[] {
  if (input.lost.length === 0) return [];
  const holders = holdersOf(new Set(input.lost.map((w) => w.id)), input.state);
  const restored = restoredBackup(input.backups);
  const inService = new Set((input.state?.nodes ?? []).map((n) => n.node));
  // Sorted once: every lost write looks up the promotions around it.
  const sorted = { ...input, promotions: [...input.promotions].sort((a, b) => a.atMs - b.atMs) };
  const decisions = input.lost.map((write) => ({ write, decided: decide(write, sorted, restored, inService, holders.get(write.id) ?? []) }));
  // A node that lost writes it acknowledged itself lost its data (a restart without it): what it had taken
  // over from a node it replaced may have reached it and gone with the rest. Which, nothing recorded can tell.
  const droppedData = new Set(decisions.filter((d) => d.decided.cause === 'dropped-by-its-node').map((d) => d.decided.node));
  for (const d of decisions) {
    if (d.decided.cause === 'unreplicated' && d.decided.replacedBy !== null && droppedData.has(d.decided.replacedBy)) d.decided = { ...d.decided, cause: 'lost-with-successor' };
  }
  const groups = new Map<string, LostCauseGroup>();
  for (const { write, decided } of decisions) {
    const ackMs = write.completeMs ?? write.invokeMs;
    const key = JSON.stringify([decided.cause, decided.node, decided.replacedBy, decided.faults, decided.stillOn]);
    const group = groups.get(key);
    if (group) {
      group.count++;
      group.ids.push(write.id);
      group.firstAckMs = Math.min(group.firstAckMs, ackMs);
      group.lastAckMs = Math.max(group.lastAckMs, ackMs);
    } else {
      const backup = decided.cause === 'after-restored-backup' ? restored!.name : null;
      groups.set(key, { cause: decided.cause, node: decided.node, replacedBy: decided.replacedBy, faults: decided.faults, backup, stillOn: decided.stillOn, count: 1, ids: [write.id], firstAckMs: ackMs, lastAckMs: ackMs });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.firstAckMs - b.firstAckMs);
}

function decide(write: OpRecord, input: LostCauseInput, restored: RestoredBackup | null, inService: Set<string>, stillOn: string[]): Decided {
  if (write.node === undefined) return { cause: 'unexplained', node: null, replacedBy: null, faults: [], stillOn };
  const node = input.nodeName(write.node);
  const ackMs = write.completeMs ?? write.invokeMs;
  // A restore brings back the backup's copy and nothing after it: writes acknowledged since its copy began are gone by design.
  if (restored !== null && ackMs >= restored.stoppedAt && node !== restored.onto) {
    return { cause: 'after-restored-backup', node, replacedBy: restored.onto, faults: faultsOf([node, restored.onto], ackMs, restored.promotedMs, input), stillOn };
  }
  const promotion = input.promotions.find((p) => p.atMs >= ackMs && p.node !== node) ?? null;
  const replacedBy = promotion?.node ?? null;
  const faults = faultsOf(replacedBy === null ? [node] : [node, replacedBy], ackMs, promotion?.atMs ?? Infinity, input);
  // A one-writer service with two writers: acknowledged while another node took writes too, or after another
  // was promoted in this one's place (a deposed writer that went on accepting). The side that lost was discarded.
  if (input.splitBrain !== null && (insideSplit(input.splitBrain, ackMs, node) || deposedBefore(input.promotions, ackMs, node))) {
    return { cause: 'split-brain', node, replacedBy, faults, stillOn };
  }
  // The node that acknowledged it was replaced (another promoted after it, or it is out of service now)
  // before its replication shipped the write: asynchronous replication's loss.
  if (replacedBy !== null || !inService.has(node)) return { cause: 'unreplicated', node, replacedBy, faults, stillOn };
  // The node still serves, was never replaced, and no longer holds what it acknowledged.
  if (input.state?.authority === 'writer' && input.state.authoritativeNode === node) return { cause: 'dropped-by-its-node', node, replacedBy: null, faults, stillOn };
  return { cause: 'unexplained', node, replacedBy: null, faults, stillOn };
}

/** The newest promotion up to the acknowledgement (promotions in time order) made another node the writer. */
function deposedBefore(promotions: LostCauseInput['promotions'], ackMs: number, node: string): boolean {
  for (let i = promotions.length - 1; i >= 0; i--) if (promotions[i]!.atMs <= ackMs) return promotions[i]!.node !== node;
  return false;
}

function insideSplit(split: SplitBrainResult, ackMs: number, node: string): boolean {
  return split.intervals.some((iv) => iv.startMs <= ackMs && ackMs <= iv.endMs && iv.nodes.includes(node));
}

/**
 * The faults that had a part in the loss: those touching the node that acknowledged the write or the node
 * that replaced it (their IDC's power, freeze or isolation, a cut, partition or degraded link of their IDC,
 * their own crash or replication stop), in force at the acknowledgement or begun after it and before the
 * loss was sealed (the promotion that replaced the node). What was healed before the write had no part.
 */
function faultsOf(nodes: readonly string[], ackMs: number, sealedMs: number, input: LostCauseInput): string[] {
  const inPlay = input.faults.filter((f) => (f.healedMs === null || f.healedMs >= ackMs) && f.requestedMs <= sealedMs);
  return inPlay
    .filter((f) => (f.spec.kind === 'switchover' ? f.spec.group === input.group : nodes.some((n) => touches(f, n, input.nodeIdcs[n]))))
    .sort((a, b) => a.requestedMs - b.requestedMs)
    .map((f) => describeFault(f.spec));
}

function touches(fault: FaultEvent, node: string, idc: string | undefined): boolean {
  const spec = fault.spec;
  switch (spec.kind) {
    case 'crash':
    case 'replication-stop':
      return spec.node === node;
    case 'cut':
      return idc !== undefined && (spec.from === idc || spec.to === idc);
    case 'partition':
      return idc !== undefined && spec.groups.some((g) => g.includes(idc));
    case 'degrade':
      return idc !== undefined && (spec.a === idc || spec.b === idc);
    case 'switchover':
      // Decided by group, before (see faultsOf).
      return false;
    default:
      return spec.idc === idc;
  }
}

interface RestoredBackup {
  name: string;
  stoppedAt: number;
  onto: string;
  promotedMs: number;
}

/** The backup the restore manager last restored, from its own log, with when the copy began. */
function restoredBackup(events: readonly BackupEvent[] | undefined): RestoredBackup | null {
  if (events === undefined) return null;
  const promoted = events.filter((e): e is Extract<BackupEvent, { t: 'promoted' }> => e.t === 'promoted' && e.backup !== null).at(-1);
  if (!promoted) return null;
  const taken = events.find((e): e is Extract<BackupEvent, { t: 'backup' }> => e.t === 'backup' && e.name === promoted.backup);
  return taken ? { name: taken.name, stoppedAt: taken.stoppedAt, onto: promoted.node, promotedMs: promoted.at } : null;
}

/** For each lost id, the nodes that still hold it (in service or not): where it could be recovered from. */
function holdersOf(lost: Set<string>, state: ServiceFinalState | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const nodes: NodeState[] = [...(state?.nodes ?? []), ...(state?.outOfService ?? [])];
  for (const n of nodes) {
    for (const id of n.ids) {
      if (!lost.has(id)) continue;
      const list = out.get(id) ?? [];
      if (!list.includes(n.node)) list.push(n.node);
      out.set(id, list);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}
