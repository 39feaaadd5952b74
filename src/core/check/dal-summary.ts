// What the data access layer did in a run, from its routers' and
// controller's event logs and the writes' routes in the history: each
// router's decisions, each move of shards (how long they were write
// protected), the share of writes forwarded to another zone and what it cost
// in latency, and the one promise routing makes: a user is written in one
// home at a time, and a home changes only with a newer epoch of the table.
import type { OpRecord } from '../history.js';

/** A router's counters: its routing decisions and what became of them. */
export interface RouterCounters {
  /** Writes of its zone's clients executed on its zone's node. */
  local: number;
  /** Writes it forwarded to another zone's router. */
  forwarded: number;
  /** Writes another router forwarded to it, executed here. */
  received: number;
  /** Writes of global data sent to the master zone's writer. */
  global: number;
  /** Reads served from the zone's own copy. */
  reads: number;
  /** Writes it refused, by reason (write protection, a stale table, a misrouted forward). */
  refused: Record<string, number>;
  /** Writes that failed or ended unknown at the node or the next router. */
  failed: number;
}

/** A router's counters, summed over its incarnations (a crash starts them again). */
export interface RouterSummary extends RouterCounters {
  zone: string;
}

export interface ShardMove {
  zone: string;
  shards: number[];
  to: Record<string, number[]>;
  protectedAt: number;
  movedAt: number | null;
  /** How long the shards took no writes: from protection to the flip. */
  protectedMs: number | null;
  epoch: number | null;
  /** Within the protection: until every router had stopped writing them, and until the new homes had applied what they received. */
  routersStoppedMs: number | null;
  caughtUpMs: number | null;
}

export interface HomeViolation {
  user: string;
  reason: string;
}

export interface DalSummary {
  shardedGroup: string;
  routers: RouterSummary[];
  moves: ShardMove[];
  /** Acknowledged writes of the sharded group, and those written in a zone other than the one the client wrote to. */
  acknowledged: number;
  forwarded: number;
  /** Median write latency of acknowledged sharded writes, written in the client's own zone and forwarded. */
  p50LocalMs: number | null;
  p50ForwardedMs: number | null;
  /** Users written in two homes at once, or in a new home without a newer epoch: 0 is the promise. */
  homeViolations: HomeViolation[];
  /** Users whose writes were acknowledged in more than one home over the run (moved users). */
  movedUsers: number;
}

type RawEvent = { t: string; at: number; [k: string]: unknown };

export function summarizeDal(input: { shardedGroup: string; routerEvents: Record<string, RawEvent[]>; controllerEvents: RawEvent[]; ops: readonly OpRecord[] }): DalSummary {
  const routers = Object.entries(input.routerEvents).map(([zone, events]) => routerSummary(zone, events));
  const moves: ShardMove[] = [];
  for (const e of input.controllerEvents) {
    if (e.t === 'protected') moves.push({ zone: String(e['zone']), shards: (e['shards'] as number[]) ?? [], to: {}, protectedAt: e.at, movedAt: null, protectedMs: null, epoch: null, routersStoppedMs: null, caughtUpMs: null });
    const current = moves[moves.length - 1];
    if (current && current.movedAt === null) {
      if (e.t === 'routers-stopped') current.routersStoppedMs = e.at - current.protectedAt;
      if (e.t === 'caught-up') current.caughtUpMs = Math.max(current.caughtUpMs ?? 0, e.at - current.protectedAt);
    }
    if (e.t === 'moved') {
      const open = [...moves].reverse().find((m) => m.zone === e['zone'] && m.movedAt === null);
      if (!open) continue;
      open.movedAt = e.at;
      open.protectedMs = e.at - open.protectedAt;
      open.epoch = Number(e['epoch']);
      for (const { shard, to } of (e['moves'] as { shard: number; to: string }[]) ?? []) (open.to[to] ??= []).push(shard);
    }
  }
  const sharded = input.ops.filter((op) => op.service === input.shardedGroup && op.kind === 'write' && op.outcome === 'ok' && op.route !== undefined && op.completeMs !== null);
  const local = sharded.filter((op) => !op.route!.forwarded).map((op) => op.completeMs! - op.invokeMs);
  const forwarded = sharded.filter((op) => op.route!.forwarded).map((op) => op.completeMs! - op.invokeMs);
  const { violations, moved } = checkHomes(sharded);
  return {
    shardedGroup: input.shardedGroup,
    routers,
    moves,
    acknowledged: sharded.length,
    forwarded: forwarded.length,
    p50LocalMs: median(local),
    p50ForwardedMs: median(forwarded),
    homeViolations: violations,
    movedUsers: moved,
  };
}

function routerSummary(zone: string, events: RawEvent[]): RouterSummary {
  const last = new Map<string, Record<string, unknown>>();
  for (const e of events) if (e.t === 'metrics') last.set(String(e['incarnation']), e['metrics'] as Record<string, unknown>);
  const sum: RouterSummary = { zone, local: 0, forwarded: 0, received: 0, global: 0, reads: 0, refused: {}, failed: 0 };
  for (const m of last.values()) {
    for (const k of ['local', 'forwarded', 'received', 'global', 'reads', 'failed'] as const) sum[k] += Number(m[k] ?? 0);
    for (const [code, n] of Object.entries((m['refused'] as Record<string, number>) ?? {})) sum.refused[code] = (sum.refused[code] ?? 0) + n;
  }
  return sum;
}

/**
 * One home at a time, per user: its acknowledged writes, in the order they
 * completed, fall into runs of one zone; a run must end before the next one
 * begins (no write of the next home invoked before the last of the previous
 * home completed), and every run must carry a newer epoch than the runs
 * before it.
 */
export function checkHomes(writes: readonly OpRecord[]): { violations: HomeViolation[]; moved: number } {
  const byUser = new Map<string, OpRecord[]>();
  for (const op of writes) if (op.key !== undefined && op.route) (byUser.get(op.key) ?? byUser.set(op.key, []).get(op.key)!).push(op);
  const violations: HomeViolation[] = [];
  let moved = 0;
  for (const [user, ops] of byUser) {
    ops.sort((a, b) => a.completeMs! - b.completeMs!);
    const runs: { zone: string; minEpoch: number; maxEpoch: number; firstInvoke: number; lastComplete: number }[] = [];
    for (const op of ops) {
      const r = op.route!;
      const run = runs[runs.length - 1];
      if (run && run.zone === r.zone) {
        run.minEpoch = Math.min(run.minEpoch, r.epoch);
        run.maxEpoch = Math.max(run.maxEpoch, r.epoch);
        run.firstInvoke = Math.min(run.firstInvoke, op.invokeMs);
        run.lastComplete = op.completeMs!;
      } else runs.push({ zone: r.zone, minEpoch: r.epoch, maxEpoch: r.epoch, firstInvoke: op.invokeMs, lastComplete: op.completeMs! });
    }
    if (new Set(runs.map((r) => r.zone)).size > 1) moved++;
    for (let i = 1; i < runs.length; i++) {
      const [before, after] = [runs[i - 1]!, runs[i]!];
      if (after.minEpoch <= before.maxEpoch) {
        violations.push({ user, reason: `written in ${before.zone} at epoch ${before.maxEpoch} and then in ${after.zone} at epoch ${after.minEpoch}: a new home without a newer epoch` });
        break;
      }
      if (after.firstInvoke < before.lastComplete) {
        violations.push({ user, reason: `a write in ${after.zone} began before one in ${before.zone} completed: two homes at once` });
        break;
      }
    }
  }
  return { violations, moved };
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
