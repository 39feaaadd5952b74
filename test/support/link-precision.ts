// The link-precision measurements, one suite for every mechanism that shapes
// hadrill's links: per ordered IDC pair the round trip against the configured
// latency, jitter's spread, loss over enough probes to tell, bandwidth
// against a rate, cuts (both ways and one way), partitions and isolation
// (exactly the named directions blocked), and heals that bring back the
// router's exact state and the baseline. Every measurement is also recorded,
// for the precision table in docs/faults.md.
//
// Latencies are judged by medians and quartiles, not means: on a loaded
// machine the host now and then schedules the emulator late, and those
// probes are the machine's, not the link's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeFault, type FaultSpec } from '../../src/core/faults.js';
import { pairKey } from '../../src/core/links.js';
import { writePrecisionArtifact, type PrecisionRow } from './precision-artifact.js';
import { delivery, pingAll, quantile, roundTrips, tcpTransfer, trainRate, type HostDeltas } from './link-measure.js';
import type { WanLab } from './wan-lab.js';

export interface PrecisionOptions {
  /** Brings the lab up (the suite's before hook) and takes it down (its after hook). */
  open(): Promise<WanLab>;
  close(): Promise<void>;
  /** The largest accepted difference between a measured and a configured round trip. */
  rttToleranceMs(configuredMs: number): number;
}

const LOSS_PROBES = 1000;
const LOSS_PCT = 10;
const RATE_KBIT = 2000;
const RATE_SHARE = 0.1;
const JITTER = { latencyMs: 100, jitterMs: 20 };
const JITTER_PROBES = 400;
const TCP_BYTES = 2_000_000;
const PAIR = (a: string, b: string): string => `${a} -> ${b}`;

export function linkPrecisionTests(options: PrecisionOptions): void {
  let lab: WanLab;
  let baselineState = '';
  const rows: PrecisionRow[] = [];
  const record = (row: PrecisionRow): PrecisionRow => (rows.push(row), row);
  const idcs = (): string[] => lab.hosts.map((h) => h.idc);
  const ordered = (): [string, string][] => idcs().flatMap((a) => idcs().filter((b) => b !== a).map((b): [string, string] => [a, b]));
  const configuredRtt = (a: string, b: string): number => lab.baseline.find((l) => pairKey(l.a, l.b) === pairKey(a, b))?.shape.latencyMs ?? NaN;

  /** Round trips of several pairs, measured at the same time; each median must be the configured latency. */
  const expectRtts = async (quantity: string, pairs: { a: string; b: string; configuredMs: number }[]): Promise<void> => {
    // Spread over two seconds, so a moment's load on the machine cannot move a median.
    const runs = await Promise.all(pairs.map(({ a, b }) => roundTrips(lab, a, b, 20, 0.1)));
    pairs.forEach(({ a, b, configuredMs }, i) => {
      const run = runs[i] as (typeof runs)[number];
      assert.equal(run.received, 20, `${PAIR(a, b)}: every probe answered`);
      const row = record({ quantity, pair: PAIR(a, b), unit: 'ms (median of 20)', configured: configuredMs, measured: quantile(run.samplesMs, 0.5), tolerance: options.rttToleranceMs(configuredMs), p90: quantile(run.samplesMs, 0.9) });
      assert.ok(Math.abs(row.measured - configuredMs) <= row.tolerance, `${PAIR(a, b)}: round trip ${row.measured} ms, configured ${configuredMs} ms (tolerance ${row.tolerance} ms)`);
    });
  };
  const expectRtt = (a: string, b: string, configuredMs: number, quantity: string): Promise<void> => expectRtts(quantity, [{ a, b, configuredMs }]);
  const everyPairAtBaseline = (quantity: string): Promise<void> => expectRtts(quantity, ordered().map(([a, b]) => ({ a, b, configuredMs: configuredRtt(a, b) })));
  /**
   * Applies a fault, measures under it, heals it. The heal must leave the
   * router exactly as the baseline left it and the link `a`-`b` at its
   * baseline; a failed measurement still heals, so the next test starts clean.
   */
  const underFault = async (spec: FaultSpec, measure: () => Promise<void>, [a, b]: [string, string]): Promise<void> => {
    await lab.apply(spec);
    try {
      await measure();
    } catch (error) {
      await lab.heal().catch(() => undefined);
      throw error;
    }
    await lab.heal();
    assert.equal(await lab.routerState(), baselineState, 'the heal left the router exactly as before the fault');
    await expectRtt(a, b, configuredRtt(a, b), 'round trip after heal');
  };
  /**
   * Which directions carry packets: every ordered pair pings at once, each
   * host's ICMP counters are compared with what the blocked directions allow.
   * A pair sends 3 * 2^k probes, k its host's offset from the other in the
   * list of IDCs: distinct among the pairs that share a host, so a host's
   * totals match only if exactly the expected directions delivered.
   */
  const expectBlocked = async (spec: FaultSpec, blocked: string[]): Promise<void> => {
    const n = idcs().length;
    const probes = (from: string, to: string): number => 3 * 2 ** ((idcs().indexOf(to) - idcs().indexOf(from) + n) % n - 1);
    const moved = await pingAll(lab, ordered(), probes, 0.02, 0.3);
    const open = (from: string, to: string): boolean => !blocked.includes(PAIR(from, to));
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    record({
      quantity: `${describeFault(spec)}: echo requests delivered`,
      pair: 'all pairs',
      unit: 'packets',
      configured: sum(ordered().map(([a, b]) => (open(a, b) ? probes(a, b) : 0))),
      measured: sum([...moved.values()].map((m) => m.requestsIn)),
      tolerance: 0,
    });
    for (const idc of idcs()) {
      const others = idcs().filter((o) => o !== idc);
      const expected = {
        requestsIn: sum(others.map((o) => (open(o, idc) ? probes(o, idc) : 0))),
        repliesIn: sum(others.map((o) => (open(idc, o) && open(o, idc) ? probes(idc, o) : 0))),
      };
      const { requestsIn, repliesIn } = moved.get(idc) as HostDeltas;
      assert.deepEqual({ requestsIn, repliesIn }, expected, `${describeFault(spec)}: at ${idc}, blocked ${blocked.join(', ')}`);
    }
  };

  describe('link precision', { concurrency: 1 }, () => {
    before(async () => {
      lab = await options.open();
      baselineState = await lab.routerState();
    });
    after(async () => {
      if (lab) writePrecisionArtifact(lab.mechanism, rows);
      await options.close();
    });

    test('baseline: the round trip of every ordered pair is the configured latency', async () => {
      await everyPairAtBaseline('round trip (baseline)');
    });

    test('a 200 ms degrade shapes both directions of its link and no other; heal restores the baseline', async () => {
      const spec: FaultSpec = { kind: 'degrade', a: 'idc-a', b: 'idc-c', shape: { latencyMs: 200 } };
      await underFault(spec, () => expectRtts('round trip (degraded, and a link beside it)', [
        { a: 'idc-a', b: 'idc-c', configuredMs: 200 },
        { a: 'idc-c', b: 'idc-a', configuredMs: 200 },
        { a: 'idc-b', b: 'idc-c', configuredMs: configuredRtt('idc-b', 'idc-c') },
      ]), ['idc-a', 'idc-c']);
    });

    test('jitter: the round trips spread around the latency as configured', async () => {
      await underFault({ kind: 'degrade', a: 'idc-a', b: 'idc-c', shape: JITTER }, async () => {
        const run = await roundTrips(lab, 'idc-a', 'idc-c', JITTER_PROBES, 0.01);
        assert.equal(run.received, JITTER_PROBES, 'every probe answered');
        const slack = options.rttToleranceMs(JITTER.latencyMs);
        const j = JITTER.jitterMs;
        // Each direction adds a uniform delay in +-j/2, so the round trip is L plus a triangular
        // spread on [-j, j]: its quartiles lie at -+ j (1 - 1/sqrt 2). Over 400 probes the
        // interquartile range's standard deviation is about 7.5% of it: 25% is 3.4 of them.
        const expectedIqr = 2 * j * (1 - Math.SQRT1_2);
        const iqr = quantile(run.samplesMs, 0.75) - quantile(run.samplesMs, 0.25);
        const spread = record({ quantity: 'jitter (interquartile range of the round trip)', pair: PAIR('idc-a', 'idc-c'), unit: 'ms', configured: expectedIqr, measured: iqr, tolerance: 0.25 * expectedIqr });
        const median = record({ quantity: 'round trip with jitter (median)', pair: PAIR('idc-a', 'idc-c'), unit: 'ms', configured: JITTER.latencyMs, measured: quantile(run.samplesMs, 0.5), tolerance: slack });
        for (const row of [spread, median]) assert.ok(Math.abs(row.measured - row.configured) <= row.tolerance, `${row.quantity}: ${row.measured} ms, configured ${row.configured}`);
        const [low, high] = [quantile(run.samplesMs, 0.02), quantile(run.samplesMs, 0.98)];
        assert.ok(low >= JITTER.latencyMs - j - slack && high <= JITTER.latencyMs + j + slack, `96% of the round trips within ${JITTER.latencyMs} +- ${j} ms: from ${low} to ${high} ms`);
      }, ['idc-a', 'idc-c']);
    });

    test(`loss: ${LOSS_PCT}% each way, counted over ${LOSS_PROBES} probes in each direction`, async () => {
      await underFault({ kind: 'degrade', a: 'idc-a', b: 'idc-b', shape: { lossPct: LOSS_PCT } }, async () => {
        const d = await delivery(lab, 'idc-a', 'idc-b', LOSS_PROBES, 0.005);
        const p = LOSS_PCT / 100;
        // Four binomial standard deviations: a correct link fails this about once in 16,000 runs.
        const bound = (n: number): number => 100 * 4 * Math.sqrt((p * (1 - p)) / n);
        const forward = record({ quantity: 'loss', pair: PAIR('idc-a', 'idc-b'), unit: '%', configured: LOSS_PCT, measured: 100 * (1 - d.requestsDelivered / d.sent), tolerance: bound(d.sent) });
        const backward = record({ quantity: 'loss', pair: PAIR('idc-b', 'idc-a'), unit: '%', configured: LOSS_PCT, measured: 100 * (1 - d.repliesDelivered / d.repliesSent), tolerance: bound(d.repliesSent) });
        for (const row of [forward, backward]) assert.ok(Math.abs(row.measured - row.configured) <= row.tolerance, `${row.pair}: ${row.measured}% lost (tolerance ${row.tolerance})`);
      }, ['idc-a', 'idc-b']);
    });

    test('rate: a train of 1200-byte packets arrives at the configured bandwidth', async () => {
      await underFault({ kind: 'degrade', a: 'idc-a', b: 'idc-b', shape: { rateKbit: RATE_KBIT } }, async () => {
        // 300 packets offered back to back: the link must pace them (1.4 s at 2 Mbit/s).
        const run = await trainRate(lab, 'idc-a', 'idc-b', 300, 1172);
        assert.equal(run.received, 300, 'no packet of the train was lost');
        const row = record({ quantity: 'rate (IP bytes)', pair: PAIR('idc-a', 'idc-b'), unit: 'kbit/s', configured: RATE_KBIT, measured: run.kbit, tolerance: RATE_KBIT * RATE_SHARE });
        assert.ok(Math.abs(row.measured - row.configured) <= row.tolerance, `${row.measured} kbit/s`);
      }, ['idc-a', 'idc-b']);
    });

    test('TCP: every segment crosses the router as its own packet, so loss and rate act on each', async () => {
      const run = await tcpTransfer(lab, 'idc-a', 'idc-b', TCP_BYTES);
      assert.equal(run.bytes, TCP_BYTES, 'the whole stream arrived');
      // With segmentation offload on, 64 KB of a stream would cross as one packet: a tenth or less.
      // A few of the sender's segments may stay in its IDC (a Sentinel talking to its local Redis).
      const row = record({ quantity: 'TCP: router packets per segment sent', pair: PAIR('idc-a', 'idc-b'), unit: 'packets', configured: 1, measured: run.routerPackets / run.segmentsSent, tolerance: 0.1 });
      assert.ok(row.measured >= 1 - row.tolerance, `${run.segmentsSent} segments sent, ${run.routerPackets} packets at the router`);
    });

    test('a cut blocks both directions of its link and nothing else', async () => {
      const spec: FaultSpec = { kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: false };
      await underFault(spec, () => expectBlocked(spec, [PAIR('idc-a', 'idc-b'), PAIR('idc-b', 'idc-a')]), ['idc-a', 'idc-b']);
    });

    test("a one-way cut: b's packets reach a, a's packets never reach b", async () => {
      const spec: FaultSpec = { kind: 'cut', from: 'idc-a', to: 'idc-b', oneWay: true };
      await underFault(spec, async () => {
        await expectBlocked(spec, [PAIR('idc-a', 'idc-b')]);
        const d = await delivery(lab, 'idc-b', 'idc-a', 20, 0.02, 0.5);
        assert.deepEqual(d, { sent: 20, requestsDelivered: 20, repliesSent: 20, repliesDelivered: 0 }, 'requests b -> a arrive, their replies a -> b do not');
      }, ['idc-a', 'idc-b']);
    });

    test('a partition {a,b} | {c} blocks exactly the cross-group directions', async () => {
      const spec: FaultSpec = { kind: 'partition', groups: [['idc-a', 'idc-b'], ['idc-c']] };
      const cross = [PAIR('idc-a', 'idc-c'), PAIR('idc-c', 'idc-a'), PAIR('idc-b', 'idc-c'), PAIR('idc-c', 'idc-b')];
      await underFault(spec, () => expectBlocked(spec, cross), ['idc-a', 'idc-c']);
    });

    test('isolating b blocks every direction to and from b', async () => {
      const spec: FaultSpec = { kind: 'isolate', idc: 'idc-b' };
      const ofB = [PAIR('idc-a', 'idc-b'), PAIR('idc-b', 'idc-a'), PAIR('idc-b', 'idc-c'), PAIR('idc-c', 'idc-b')];
      await underFault(spec, () => expectBlocked(spec, ofB), ['idc-b', 'idc-c']);
    });

    test('after every heal, every ordered pair is back at its baseline', async () => {
      await everyPairAtBaseline('round trip after all heals');
    });
  });
}
