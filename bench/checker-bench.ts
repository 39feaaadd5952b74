// How fast the checker is on a drill-sized history, next to the obvious
// quadratic ways of doing the same job. `npm run bench`.
import { performance } from 'node:perf_hooks';
import type { CheckInput } from '../src/core/check/check-types.js';
import { checkAll, measureRto } from '../src/core/check/checker.js';
import { mergeHistory, parseHistoryJsonl } from '../src/core/check/merge-history.js';
import type { FinalState, HistoryLine, OpRecord, Outcome, ServiceName } from '../src/core/history.js';
import { prng } from '../test/support/prng.js';

const TOTAL_OPS = 1_000_000;
const LIMIT_MS = 2000;
const RTO_WINDOW_MS = 1000;
const T0 = 1_700_000_000_000;

interface Generated {
  files: HistoryLine[][];
  finalState: FinalState;
  outageStartMs: number;
  outageIdcs: string[];
  lost: number;
}

/**
 * Six clients (two per IDC, alternating services) write back to back. Halfway
 * through, idc-a loses power: its clients see unknowns and die, the others
 * fail for a few seconds and then succeed again. About 0.1% of acknowledged
 * writes are missing from the final state.
 */
function generate(totalOps: number, seed: number): Generated {
  const rand = prng(seed);
  const idcs = ['idc-a', 'idc-b', 'idc-c'];
  const clients = Array.from({ length: 6 }, (_, i) => ({
    name: `client-${i}`,
    idc: idcs[Math.floor(i / 2)]!,
    service: (i % 2 === 0 ? 'mysql' : 'redis') as ServiceName,
    clock: T0 + rand() * 5,
    alive: true,
    n: 0,
  }));
  const files: HistoryLine[][] = clients.map(() => []);
  const present: Record<ServiceName, string[]> = { mysql: [], redis: [] };
  // Each client runs at roughly 500 ops/s, so the midpoint in ops is about this instant.
  const outageStartMs = T0 + (totalOps / clients.length / 2) * 2;
  const recoveryMs = outageStartMs + 4000 + rand() * 2000;
  let ops = 0;
  let lost = 0;
  while (ops < totalOps) {
    for (let c = 0; c < clients.length && ops < totalOps; c++) {
      const cl = clients[c]!;
      if (!cl.alive) continue;
      const id = `${cl.service}-${cl.name}-${cl.n++}`;
      const at = cl.clock;
      let outcome: Outcome;
      let latency = 1 + rand() * 2;
      if (at >= outageStartMs && cl.idc === 'idc-a') {
        outcome = 'unknown';
        cl.alive = rand() < 0.9;
      } else if (at >= outageStartMs && at < recoveryMs) {
        outcome = rand() < 0.7 ? 'failed' : 'unknown';
        latency = 50 + rand() * 200;
      } else outcome = rand() < 0.999 ? 'ok' : 'failed';
      files[c]!.push({ t: 'invoke', id, service: cl.service, kind: 'write', client: cl.name, idc: cl.idc, at });
      if (cl.alive) files[c]!.push({ t: 'complete', id, at: at + latency, outcome });
      if (outcome === 'ok') {
        if (rand() < 0.001) lost++;
        else present[cl.service].push(id);
      } else if (outcome === 'unknown' && rand() < 0.5) present[cl.service].push(id);
      cl.clock = at + latency + rand();
      ops++;
    }
  }
  const finalState: FinalState = {
    readAtMs: Math.max(...clients.map((c) => c.clock)) + 1000,
    services: (['mysql', 'redis'] as const).map((service) => ({
      service,
      authoritativeNode: `${service}-b1`,
      nodes: [
        { node: `${service}-b1`, idc: 'idc-b', role: 'primary', ids: present[service] },
        { node: `${service}-c1`, idc: 'idc-c', role: 'replica', ids: present[service].slice(0, -3) },
      ],
      unreadable: [{ node: `${service}-a1`, reason: 'power off' }],
    })),
  };
  return { files, finalState, outageStartMs, outageIdcs: ['idc-a'], lost };
}

function checkInput(history: OpRecord[], g: Generated): CheckInput {
  return {
    history,
    finalState: g.finalState,
    faults: [],
    outageStartMs: g.outageStartMs,
    outageEndMs: null,
    outageIdcs: g.outageIdcs,
    rtoWindowMs: RTO_WINDOW_MS,
  };
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Set semantics the way a first draft writes them: arrays, find and includes. */
function naiveLost(lines: HistoryLine[], finalState: FinalState): number {
  const invokes = lines.filter((l) => l.t === 'invoke');
  let lost = 0;
  for (const inv of invokes) {
    const done = lines.find((l) => l.t === 'complete' && l.id === inv.id);
    if (done === undefined || done.t !== 'complete' || done.outcome !== 'ok') continue;
    const svc = finalState.services.find((s) => s.service === inv.service)!;
    const ids = svc.nodes.find((n) => n.node === svc.authoritativeNode)!.ids;
    if (!ids.includes(inv.id)) lost++;
  }
  return lost;
}

/** The RTO definition read literally: every candidate rescans the whole history. */
function naiveRto(ops: readonly OpRecord[], start: number, outageIdcs: readonly string[], windowMs: number): number | null {
  const s = ops.filter((o) => o.invokeMs >= start && !outageIdcs.includes(o.idc));
  if (s.length === 0) return null;
  const lastInvoke = Math.max(...s.map((o) => o.invokeMs));
  for (const c of [...s].sort((a, b) => a.invokeMs - b.invokeMs)) {
    if (c.outcome !== 'ok') continue;
    const end = c.invokeMs + windowMs;
    const inWindow = s.filter((o) => o.invokeMs >= c.invokeMs && o.invokeMs <= end);
    const covered = lastInvoke >= end || s.some((o) => o.invokeMs === lastInvoke && o.outcome === 'ok' && (o.completeMs ?? -Infinity) >= end);
    if (inWindow.length >= 2 && inWindow.every((o) => o.outcome === 'ok') && covered) return c.invokeMs - start;
  }
  return null;
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number): string => (n >= 100 ? fmtInt(n) : n.toFixed(1));

function table(rows: string[][], right: Set<number>): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('   ').trimEnd()).join('\n');
}

function main(): void {
  const seed = process.env['HADRILL_SEED'] === undefined ? 42 : Number(process.env['HADRILL_SEED']);
  const g = generate(TOTAL_OPS, seed);
  const lines = g.files.flat();
  const texts = g.files.map((f) => f.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const mb = texts.reduce((n, t) => n + t.length, 0) / 1e6;

  // Only the count is kept: `hadrill check` drops the parsed lines once they
  // are merged, and two million of them left alive would make every garbage
  // collection below slower than the code it is timing.
  const parse = time(() => texts.reduce((n, t, i) => n + parseHistoryJsonl(t, `history/client-${i}.jsonl`).length, 0));
  const runs: { merge: number; check: number; total: number }[] = [];
  let results: ReturnType<typeof checkAll> = [];
  for (let i = 0; i < 5; i++) {
    const merge = time(() => mergeHistory(lines));
    const check = time(() => checkAll(checkInput(merge.value.ops, g)));
    results = check.value;
    runs.push({ merge: merge.ms, check: check.ms, total: merge.ms + check.ms });
  }
  const lost = results.reduce((n, s) => n + s.lost, 0);
  if (lost !== g.lost) throw new Error(`checker found ${lost} lost writes, the generator dropped ${g.lost}`);
  const total = median(runs.map((r) => r.total));

  // Baselines on a slice small enough to finish, extrapolated as the O(n^2) they are.
  const SMALL = 20_000;
  const small = generate(SMALL, seed);
  const smallLines = small.files.flat();
  const naiveSet = time(() => naiveLost(smallLines, small.finalState));
  const fastSmall = time(() => checkAll(checkInput(mergeHistory(smallLines).ops, small)));
  if (naiveSet.value !== fastSmall.value.reduce((n, s) => n + s.lost, 0)) throw new Error('naive and fast set checks disagree');
  const RTO_N = 10_000;
  const rtoGen = generate(RTO_N, seed + 1);
  const rtoOps = mergeHistory(rtoGen.files.flat()).ops;
  const naiveR = time(() => naiveRto(rtoOps, rtoGen.outageStartMs, rtoGen.outageIdcs, RTO_WINDOW_MS));
  const fastR = time(() => measureRto(rtoOps, rtoGen.outageStartMs, rtoGen.outageIdcs, RTO_WINDOW_MS));
  if (naiveR.value !== fastR.value) throw new Error(`naive and fast RTO disagree: ${naiveR.value} vs ${fastR.value}`);
  const scale = (n: number): number => (TOTAL_OPS / n) ** 2;

  // The checker's floor is hashing ids (pairing invokes with completions,
  // matching the final read), so the speed of this machine at exactly that
  // puts the figures above in proportion.
  const probeIds = JSON.parse(JSON.stringify(Array.from({ length: TOTAL_OPS }, (_, i) => `probe-client-${i % 6}-${i}`))) as string[];
  const probe = time(() => new Set(probeIds).size);

  const rtoByService = results.map((s) => `${s.name} ${s.rtoMs === null ? 'not recovered' : `${fmtInt(s.rtoMs)} ms`}`).join(', ');
  console.log(`hadrill checker benchmark, node ${process.version}, seed ${seed}`);
  console.log(
    `history: ${fmtInt(TOTAL_OPS)} ops (${fmtInt(lines.length)} lines, ${mb.toFixed(0)} MB of jsonl), 2 services, 6 clients in 3 IDCs; ` +
      `power loss of idc-a mid-run; lost ${fmtInt(lost)} (${((lost / TOTAL_OPS) * 100).toFixed(2)}%); RTO ${rtoByService}`,
  );
  console.log(`machine: inserting ${fmtInt(TOTAL_OPS)} distinct ids into a Set takes ${fmtMs(probe.ms)} ms here`);
  console.log('');
  console.log(
    table(
      [
        ['step (median of 5)', 'ops', 'ms', 'ops/s'],
        ['parseHistoryJsonl (once)', fmtInt(TOTAL_OPS), fmtMs(parse.ms), fmtInt(TOTAL_OPS / (parse.ms / 1000))],
        ['mergeHistory', fmtInt(TOTAL_OPS), fmtMs(median(runs.map((r) => r.merge))), fmtInt(TOTAL_OPS / (median(runs.map((r) => r.merge)) / 1000))],
        ['checkAll', fmtInt(TOTAL_OPS), fmtMs(median(runs.map((r) => r.check))), fmtInt(TOTAL_OPS / (median(runs.map((r) => r.check)) / 1000))],
        ['mergeHistory + checkAll', fmtInt(TOTAL_OPS), fmtMs(total), fmtInt(TOTAL_OPS / (total / 1000))],
      ],
      new Set([1, 2, 3]),
    ),
  );
  console.log(
    `\nmergeHistory + checkAll on ${fmtInt(TOTAL_OPS)} ops: ${fmtMs(total)} ms, ${total <= LIMIT_MS ? 'within' : 'OVER'} the ${LIMIT_MS} ms budget ` +
      `(${(total / probe.ms).toFixed(1)}x the Set fill above)\n`,
  );
  console.log(
    table(
      [
        ['baseline vs hadrill', 'ops', 'naive ms', 'hadrill ms', 'naive at 1M (x n^2)', 'hadrill at 1M'],
        ['set check: arrays + find/includes', fmtInt(SMALL), fmtMs(naiveSet.ms), fmtMs(fastSmall.ms), `~${fmtInt((naiveSet.ms * scale(SMALL)) / 60_000)} min`, `${fmtMs(total)} ms`],
        ['RTO: rescan history per candidate', fmtInt(RTO_N), fmtMs(naiveR.ms), fmtMs(fastR.ms), `~${fmtInt((naiveR.ms * scale(RTO_N)) / 60_000)} min`, `(in checkAll)`],
      ],
      new Set([1, 2, 3]),
    ),
  );
}

main();
