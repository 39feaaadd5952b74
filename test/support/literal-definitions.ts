// The definitions in docs/measurements.md of RTO per client, split brain and the RPO window,
// read literally and computed the slow, obvious way, with no code shared with
// the checker: randomized unit tests and end-to-end drills compare the
// checker's answers with these.

export interface LiteralWrite {
  id: string;
  client: string;
  idc: string;
  invokeMs: number;
  completeMs: number | null;
  outcome: 'ok' | 'failed' | 'unknown';
  node?: string;
  error?: string;
}

export interface LiteralDown {
  idc: string;
  fromMs: number;
  toMs: number | null;
}

export interface LiteralClientRto {
  client: string;
  measured: boolean;
  recovered: boolean;
  rtoMs: number | null;
  gaps: { startMs: number; endMs: number | null }[];
}

/**
 * One client: writes whose outcome came at or after the period start and
 * whose flight did not overlap a time its IDC was down are measured. A gap
 * opens at the first measured write that was not durable (at the period
 * start if it was sent before), and closes at the first later durable write
 * W such that the measured writes invoked in [W, W + window] are all durable
 * and at least two, or W alone still in flight at W + window, and the
 * client's history reaches W + window; a gap still open when the client's IDC
 * goes down ends there.
 */
export function literalClientRto(client: string, all: LiteralWrite[], durable: (id: string) => boolean, periodStartMs: number, down: LiteralDown[], windowMs: number): LiteralClientRto {
  // A write refused because another's write to its key won certification says nothing of being served: left out.
  const mine = all.filter((w) => w.client === client && !(w.outcome === 'failed' && (w.error ?? '').startsWith('ER_LOCK_DEADLOCK'))).sort((a, b) => a.invokeMs - b.invokeMs);
  const myDown = down.filter((d) => mine.length > 0 && d.idc === mine[0]!.idc);
  const overlapsDown = (w: LiteralWrite): boolean => myDown.some((d) => w.invokeMs < (d.toMs ?? Infinity) && (w.completeMs ?? Infinity) >= d.fromMs);
  const measured = mine.filter((w) => (w.completeMs ?? Infinity) >= periodStartMs && !overlapsDown(w));
  if (measured.length === 0) return { client, measured: false, recovered: true, rtoMs: null, gaps: [] };
  const reach = Math.max(...mine.map((w) => w.invokeMs), ...mine.filter((w) => durable(w.id) && w.completeMs !== null).map((w) => w.completeMs!));
  const good = (w: LiteralWrite): boolean => w.outcome === 'ok' && durable(w.id);

  const gaps: { startMs: number; endMs: number | null }[] = [];
  let from = 0;
  for (;;) {
    const b = measured.findIndex((w, i) => i >= from && !good(w));
    if (b === -1) break;
    const bad = measured[b]!;
    const startMs = Math.max(periodStartMs, bad.invokeMs);
    const downStarts = myDown.map((d) => d.fromMs).filter((t) => t > bad.invokeMs);
    const cut = downStarts.length === 0 ? Infinity : Math.min(...downStarts);
    let end = -1;
    for (let w = b + 1; w < measured.length && measured[w]!.invokeMs < cut; w++) {
      const cand = measured[w]!;
      if (!good(cand)) continue;
      const windowEnd = cand.invokeMs + windowMs;
      const inside = measured.filter((x) => x.invokeMs >= cand.invokeMs && x.invokeMs <= windowEnd);
      const sustained = inside.length >= 2 || (cand.completeMs ?? -Infinity) >= windowEnd;
      if (reach >= windowEnd && sustained && inside.every(good)) {
        end = w;
        break;
      }
    }
    if (end !== -1) {
      gaps.push({ startMs, endMs: measured[end]!.invokeMs });
      from = end;
    } else if (cut !== Infinity) {
      gaps.push({ startMs, endMs: cut });
      from = measured.findIndex((w) => w.invokeMs >= cut);
      if (from === -1) break;
    } else {
      gaps.push({ startMs, endMs: null });
      break;
    }
  }
  const open = gaps.some((g) => g.endMs === null);
  const longest = Math.max(0, ...gaps.filter((g) => g.endMs !== null).map((g) => g.endMs! - g.startMs));
  return { client, measured: true, recovered: !open, rtoMs: open ? null : longest, gaps };
}

/**
 * The service: the worst measured client; not recovered if any measured
 * client is not, or none was measured although some write's outcome came in
 * the period (or never came); not measured (null, recovered) when none did.
 */
export function literalServiceRto(all: LiteralWrite[], durable: (id: string) => boolean, periodStartMs: number, down: LiteralDown[], windowMs: number): { rtoMs: number | null; recovered: boolean; clients: LiteralClientRto[] } {
  const clients = [...new Set(all.map((w) => w.client))].sort().map((c) => literalClientRto(c, all, durable, periodStartMs, down, windowMs));
  const refused = (w: LiteralWrite): boolean => w.outcome === 'failed' && (w.error ?? '').startsWith('ER_LOCK_DEADLOCK');
  if (!all.some((w) => !refused(w) && (w.completeMs ?? Infinity) >= periodStartMs)) return { rtoMs: null, recovered: true, clients };
  const measured = clients.filter((c) => c.measured);
  const recovered = measured.length > 0 && measured.every((c) => c.recovered);
  return { rtoMs: recovered ? Math.max(...measured.map((c) => c.rtoMs!)) : null, recovered, clients };
}

/**
 * Runs: each client's writes in the order it sent them, cut at every write
 * that was not acknowledged, where the answering node changes, and where the
 * client's IDC went down or came back between two acknowledgements; a run
 * spans its first to its last acknowledgement. Split-brain time: the total
 * length of the stretches between consecutive run ends in which runs on two
 * or more nodes cover the whole stretch.
 */
export function literalSplitBrainMs(all: LiteralWrite[], down: LiteralDown[] = []): number {
  const runs: { node: string; from: number; to: number }[] = [];
  for (const client of new Set(all.map((w) => w.client))) {
    const mine = all.filter((w) => w.client === client).sort((a, b) => a.invokeMs - b.invokeMs);
    const edges = down.filter((d) => d.idc === mine[0]!.idc).flatMap((d) => [d.fromMs, d.toMs ?? Infinity]);
    let open: { node: string; from: number; to: number } | null = null;
    for (const w of mine) {
      if (w.outcome !== 'ok' || w.completeMs === null || w.node === undefined) {
        open = null;
        continue;
      }
      const at = w.completeMs;
      if (open !== null && open.node === w.node && !edges.some((t) => t > open!.to && t <= at)) open.to = at;
      else runs.push((open = { node: w.node, from: at, to: at }));
    }
  }
  const points = [...new Set(runs.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i]!, points[i + 1]!];
    const nodes = new Set(runs.filter((r) => r.from <= a && r.to >= b).map((r) => r.node));
    if (nodes.size >= 2) total += b - a;
  }
  return total;
}

/** Oldest to newest acknowledgement of the acknowledged writes that are not durable; null when none. */
export function literalRpoWindowMs(all: LiteralWrite[], durable: (id: string) => boolean): number | null {
  const acks = all.filter((w) => w.outcome === 'ok' && !durable(w.id)).map((w) => w.completeMs ?? w.invokeMs);
  return acks.length === 0 ? null : Math.max(...acks) - Math.min(...acks);
}
