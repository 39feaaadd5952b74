// RTO per client, counted in durable writes. A write acknowledged by a node
// whose writes were later discarded (split brain, a minority that kept
// accepting) did not serve its client, so only writes that are acknowledged
// and present in the final state end an outage; and each client is judged on
// its own, so a client stalled behind timeouts is not hidden by another that
// kept writing.
import type { OpRecord } from '../history.js';
import type { ClientRto, IdcRto, RtoGap } from './rto-types.js';

/** While an IDC is down (power, freeze, isolation), its clients are not measured. */
export interface DownInterval {
  idc: string;
  fromMs: number;
  /** null: never healed. */
  toMs: number | null;
}

export interface RtoInput {
  /** Every op of one service (reads are skipped). */
  ops: readonly OpRecord[];
  /** 1 at the position in ops of each write present in the final state. */
  present: Uint8Array;
  /** The first fault that can stop writes took effect here; null: no RTO is measured. */
  periodStartMs: number;
  down: readonly DownInterval[];
  windowMs: number;
}

export interface RtoMeasure {
  byClient: ClientRto[];
  byIdc: IdcRto[];
  /** The client whose longest gap is the service's RTO (an unrecovered one first), null when no client was measured. */
  worst: ClientRto | null;
  /** When the last client recovered from its last gap (the end of the "during" phase; the period start when none stopped); null when one never did. */
  lastRecoveryMs: number | null;
  /** Writes whose outcome came in the period (or never came), wherever their IDC was: none means there was nothing to measure. */
  periodWrites: number;
}

/**
 * A write a multi-writer group refused because another node's write to the
 * same key won certification (Galera's ER_LOCK_DEADLOCK): the node was there
 * and answered, so the refusal says nothing of the client being served, and
 * takes no part in its gaps. It is still a failed write, counted under
 * failures.
 */
export function refusedByConflict(op: OpRecord): boolean {
  return op.outcome === 'failed' && op.error !== undefined && op.error.startsWith('ER_LOCK_DEADLOCK');
}

/**
 * For each client, its gaps without durable writes from the period start on:
 * a gap opens at the first write that failed, ended unknown or was later lost
 * (no earlier than the period start), and closes at the invoke of the first
 * durable write that starts a window of `windowMs` (both ends included) in
 * which every write the client sent was durable, that shows the client served
 * throughout (at least two writes sent in it, or that write still in flight at
 * its end: slower than the window, however slow, and durable), and that the
 * client's history reaches the end of. Writes whose flight overlaps a time the
 * client's IDC was down are not measured; a gap still open when the IDC goes
 * down ends there, marked interrupted.
 */
export function measureRtoByClient(input: RtoInput): RtoMeasure {
  const byClient = new Map<string, { idc: string; writes: OpRecord[]; durable: boolean[] }>();
  const { ops, present } = input;
  let periodWrites = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind !== 'write' || refusedByConflict(op)) continue;
    if ((op.completeMs ?? Infinity) >= input.periodStartMs) periodWrites++;
    let c = byClient.get(op.client);
    if (c === undefined) byClient.set(op.client, (c = { idc: op.idc, writes: [], durable: [] }));
    c.writes.push(op);
    c.durable.push(op.outcome === 'ok' && present[i] === 1);
  }
  const clients: ClientRto[] = [];
  for (const [client, c] of [...byClient.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const down = input.down.filter((d) => d.idc === c.idc);
    clients.push({ client, idc: c.idc, ...clientGaps(c.writes, c.durable, input.periodStartMs, down, input.windowMs) });
  }
  return { ...summarize(clients, input.periodStartMs), periodWrites };
}

function clientGaps(
  writesIn: readonly OpRecord[],
  durableIn: readonly boolean[],
  periodStart: number,
  down: readonly DownInterval[],
  windowMs: number,
): Omit<ClientRto, 'client' | 'idc'> {
  const order = writesIn.map((_, i) => i);
  order.sort((a, b) => writesIn[a]!.invokeMs - writesIn[b]!.invokeMs || a - b);
  const all = order.map((i) => writesIn[i]!);
  const allDurable = order.map((i) => durableIn[i]!);
  // How far the client's history reaches: a window ending later was never seen whole.
  let reachMs = -Infinity;
  for (let i = 0; i < all.length; i++) {
    const w = all[i]!;
    reachMs = Math.max(reachMs, w.invokeMs);
    if (allDurable[i] && w.completeMs !== null) reachMs = Math.max(reachMs, w.completeMs);
  }
  const touchesDown = (w: OpRecord): boolean => down.some((d) => w.invokeMs < (d.toMs ?? Infinity) && (w.completeMs ?? Infinity) >= d.fromMs);
  // Measured: writes whose outcome was settled in the period, outside the client's own outages.
  const m: OpRecord[] = [];
  const good: boolean[] = [];
  for (let i = 0; i < all.length; i++) {
    const w = all[i]!;
    if ((w.completeMs ?? Infinity) < periodStart || touchesDown(w)) continue;
    m.push(w);
    good.push(allDurable[i]!);
  }
  const n = m.length;
  if (n === 0) return { rtoMs: null, recovered: true, measured: false, gaps: [] };
  // nextBad[i]: the first index >= i whose write is not durable (n if none).
  const nextBad = new Int32Array(n + 1);
  nextBad[n] = n;
  for (let i = n - 1; i >= 0; i--) nextBad[i] = good[i] ? nextBad[i + 1]! : i;
  const downStarts = down.map((d) => d.fromMs).sort((a, b) => a - b);

  const gaps: RtoGap[] = [];
  let k = nextBad[0]!;
  while (k < n) {
    const bad = m[k]!;
    const startMs = Math.max(periodStart, bad.invokeMs);
    const cutMs = downStarts.find((t) => t > bad.invokeMs) ?? Infinity;
    const end = recoveryWindow(m, nextBad, k, cutMs, windowMs, reachMs);
    if (end !== -1) {
      gaps.push({ startMs, endMs: m[end]!.invokeMs, lengthMs: m[end]!.invokeMs - startMs, interrupted: false });
      k = nextBad[end]!;
    } else if (cutMs !== Infinity) {
      gaps.push({ startMs, endMs: cutMs, lengthMs: cutMs - startMs, interrupted: true });
      let next = k;
      while (next < n && m[next]!.invokeMs < cutMs) next++;
      k = next < n ? nextBad[next]! : n;
    } else {
      gaps.push({ startMs, endMs: null, lengthMs: Math.max(0, reachMs - startMs), interrupted: false });
      break;
    }
  }
  const open = gaps.some((g) => g.endMs === null);
  const longest = gaps.reduce((max, g) => Math.max(max, g.lengthMs), 0);
  return { rtoMs: open ? null : longest, recovered: !open, measured: true, gaps };
}

/**
 * The index of the first durable write after position `bad` (and invoked
 * before cutMs) that starts a sustained window, or -1. Both window ends only
 * move forward, so the search is linear in the writes it passes. A write
 * alone in its window shows service throughout only when it was still in
 * flight at the window's end: a client kept waiting by a slow link, which
 * answered and kept the write, was served all along.
 */
function recoveryWindow(m: readonly OpRecord[], nextBad: Int32Array, bad: number, cutMs: number, windowMs: number, reachMs: number): number {
  const n = m.length;
  // Writes invoked at the same instant as a candidate are inside its window, whatever their order.
  let lo = bad;
  let hi = bad;
  for (let w = bad + 1; w < n && m[w]!.invokeMs < cutMs; w++) {
    if (nextBad[w] === w) continue;
    const t = m[w]!.invokeMs;
    while (m[lo]!.invokeMs < t) lo++;
    const end = t + windowMs;
    if (hi < w) hi = w;
    while (hi + 1 < n && m[hi + 1]!.invokeMs <= end) hi++;
    // Later windows end later still: none of them was seen whole either.
    if (reachMs < end) return -1;
    if (nextBad[lo]! <= hi) continue;
    if (hi === lo && (m[w]!.completeMs ?? -Infinity) < end) continue;
    return w;
  }
  return -1;
}

function summarize(clients: ClientRto[], periodStart: number): Omit<RtoMeasure, 'periodWrites'> {
  const measured = clients.filter((c) => c.measured);
  const worse = (a: ClientRto, b: ClientRto): boolean => (a.recovered !== b.recovered ? !a.recovered : (a.rtoMs ?? 0) > (b.rtoMs ?? 0));
  let worst: ClientRto | null = null;
  for (const c of measured) if (worst === null || worse(c, worst)) worst = c;
  const idcs = [...new Set(clients.map((c) => c.idc))].sort();
  const byIdc: IdcRto[] = idcs.map((idc) => {
    let w: ClientRto | null = null;
    for (const c of measured) if (c.idc === idc && (w === null || worse(c, w))) w = c;
    return { idc, rtoMs: w?.rtoMs ?? null, recovered: w?.recovered ?? true, measured: w !== null, client: w?.client ?? null };
  });
  let lastRecoveryMs: number | null = null;
  let open = false;
  for (const c of measured) {
    for (const g of c.gaps) {
      if (g.endMs === null) open = true;
      else if (!g.interrupted) lastRecoveryMs = Math.max(lastRecoveryMs ?? -Infinity, g.endMs);
    }
  }
  return { byClient: clients, byIdc, worst, lastRecoveryMs: open ? null : (lastRecoveryMs ?? periodStart) };
}
