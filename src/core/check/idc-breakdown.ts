// A service's writes per client IDC: what each IDC's clients attempted and
// lost, and the write latency they pay in normal operation.
import type { OpRecord } from '../history.js';
import type { ServiceResult } from './check-types.js';
import type { LatencyStats } from './latency-types.js';
import { latencyStats } from './latency.js';
import { AckSpan } from './write-verdicts.js';

type IdcWrites = ServiceResult['byIdc'][number];

/** Stands in until finish() measures the IDC's steady latency. */
const NO_LATENCY: LatencyStats = { count: 0, p50Ms: null, p99Ms: null, maxMs: null };

/** IDCs are kept in slots, in the order they are first seen, so a caller can key its own per-IDC state by the same slot. */
export class IdcBreakdown {
  // A drill has a handful of IDCs: scanning their names beats a map lookup.
  private readonly names: string[] = [];
  private readonly rows: IdcWrites[] = [];
  private readonly lostAcks: AckSpan[] = [];
  private readonly steadyLatencies: number[][] = [];

  /** outageStartMs: writes invoked before it are steady state; with no outage, all are. */
  constructor(private readonly outageStartMs: number | null) {}

  /** The IDC's slot, or -1 when it has none yet. */
  slotOf(idc: string): number {
    return this.names.indexOf(idc);
  }

  /** A slot for an IDC seen for the first time. */
  open(idc: string): number {
    this.rows.push({ idc, attempted: 0, acknowledged: 0, failed: 0, unknown: 0, lost: 0, lostWindowMs: null, steadyWriteLatency: NO_LATENCY });
    this.lostAcks.push(new AckSpan());
    this.steadyLatencies.push([]);
    return this.names.push(idc) - 1;
  }

  /** latency: the write's, when it was acknowledged with a completion time; isPresent: the final state holds it. */
  note(slot: number, op: OpRecord, latency: number | null, isPresent: boolean): void {
    const row = this.rows[slot]!;
    row.attempted++;
    if (latency !== null && (this.outageStartMs === null || op.invokeMs < this.outageStartMs)) this.steadyLatencies[slot]!.push(latency);
    switch (op.outcome) {
      case 'ok':
        row.acknowledged++;
        if (!isPresent) {
          row.lost++;
          this.lostAcks[slot]!.note(op.completeMs ?? op.invokeMs);
        }
        break;
      case 'failed':
        row.failed++;
        break;
      case 'unknown':
        row.unknown++;
        break;
    }
  }

  /** The rows by IDC name, each with its lost writes' window and steady latency. */
  finish(): IdcWrites[] {
    this.rows.forEach((row, k) => {
      row.lostWindowMs = this.lostAcks[k]!.windowMs();
      row.steadyWriteLatency = latencyStats(this.steadyLatencies[k]!);
    });
    return this.rows.sort((a, b) => (a.idc < b.idc ? -1 : a.idc > b.idc ? 1 : 0));
  }
}
