// hadrill's metric families (docs/observability.md lists them): the live ones,
// from the histories and the topology's state while a run is watched or
// drilled, and the drill's outcome, from its finished report. Label values
// are the scenario's own names (groups, IDCs, nodes, faults): a few series
// each, never a run id or an operation.
import type { Report } from '../report/report-model.js';
import type { MetricFamily, ScalarSample } from './exposition.js';
import { WRITE_LATENCY_BOUNDS, WriteCounters, type WriteCounts } from './write-counters.js';
import type { HistoryLine } from '../history.js';

/** What `hadrill status` says of the topology, as far as metrics need it. */
export interface TopologyReading {
  /** Per single-writer group, the writer its machinery names now (null: none named). */
  writers: { group: string; writer: string | null }[];
  /** Per node whose replication lag could be read. */
  lags: { node: string; seconds: number }[];
  /** The faults in force, described as `hadrill status` does (e.g. "power idc-a"). */
  activeFaults: string[];
}

export const VERDICTS: readonly Report['verdict'][] = ['pass', 'fail', 'incomplete'];

/** The live state of one run: what its histories and its topology said so far, and its outcome once known. */
export class RunMetrics {
  private readonly writes = new WriteCounters();
  private topology: TopologyReading | null = null;
  /** Every fault seen in force: a healed one reads 0 rather than vanishing, so a graph shows it end. */
  private readonly faults = new Set<string>();
  private report: Report | null = null;

  addLines(lines: Iterable<HistoryLine>): void {
    for (const line of lines) this.writes.add(line);
  }

  setTopology(reading: TopologyReading): void {
    this.topology = reading;
    for (const fault of reading.activeFaults) this.faults.add(fault);
  }

  /** The faults in force, read on their own (from the journal) when the rest of the topology is slow to answer: a frozen node holds up a status reading. */
  setActiveFaults(faults: readonly string[]): void {
    this.topology = { writers: this.topology?.writers ?? [], lags: this.topology?.lags ?? [], activeFaults: [...faults] };
    for (const fault of faults) this.faults.add(fault);
  }

  setReport(report: Report): void {
    this.report = report;
  }

  families(): MetricFamily[] {
    return [...liveFamilies(this.writes.snapshot(), this.topology, [...this.faults]), ...(this.report ? outcomeFamilies(this.report) : [])];
  }
}

export function liveFamilies(writes: readonly WriteCounts[], topology: TopologyReading | null, faultsSeen: readonly string[] = []): MetricFamily[] {
  const active = new Set(topology?.activeFaults ?? []);
  const faults = [...new Set([...faultsSeen, ...active])].sort();
  const families: MetricFamily[] = [
    {
      name: 'hadrill_writes_total',
      help: 'Writes the workload agents completed, by group, client IDC and outcome (ok: acknowledged; failed: not applied; unknown: may have been applied).',
      type: 'counter',
      samples: writes.flatMap((w) => (['ok', 'failed', 'unknown'] as const).map((outcome) => ({ labels: { group: w.group, idc: w.idc, outcome }, value: w.outcomes[outcome] }))),
    },
    {
      name: 'hadrill_write_latency_seconds',
      help: 'Latency of acknowledged writes, from invoke to acknowledgement, by group and client IDC.',
      type: 'histogram',
      bounds: WRITE_LATENCY_BOUNDS,
      samples: writes.map((w) => ({ labels: { group: w.group, idc: w.idc }, counts: w.latencyCounts, sum: w.latencySumSeconds })),
    },
    {
      name: 'hadrill_replication_lag_seconds',
      help: 'Replication lag of each replica, as hadrill status reads it.',
      type: 'gauge',
      samples: [...(topology?.lags ?? [])].sort((a, b) => a.node.localeCompare(b.node)).map((l) => ({ labels: { node: l.node }, value: l.seconds })),
    },
    {
      name: 'hadrill_fault_active',
      help: 'Whether a fault of the run is in force (1) or was and has been healed (0).',
      type: 'gauge',
      samples: faults.map((fault) => ({ labels: { fault }, value: active.has(fault) ? 1 : 0 })),
    },
    {
      name: 'hadrill_writer_info',
      help: "The node a group's failover machinery names as its writer now (always 1; a group whose machinery names none has no series).",
      type: 'gauge',
      samples: (topology?.writers ?? []).flatMap((w) => (w.writer === null ? [] : [{ labels: { group: w.group, writer: w.writer }, value: 1 }])),
    },
  ];
  return families.filter((f) => f.samples.length > 0);
}

/** The drill's outcome, from its report: what the textfile and the Pushgateway get, and the endpoint after the verdict. */
export function outcomeFamilies(report: Report): MetricFamily[] {
  const scenario = report.scenario.name;
  const rto: ScalarSample[] = report.services.flatMap((s) => {
    // Never recovered: an RTO beyond any objective, which an alert on `> N` catches; no outage: nothing to say.
    if (!s.recovered) return [{ labels: { scenario, service: s.name }, value: Infinity }];
    return s.rtoMs === null ? [] : [{ labels: { scenario, service: s.name }, value: s.rtoMs / 1000 }];
  });
  const families: MetricFamily[] = [
    {
      name: 'hadrill_drill_verdict',
      help: 'The verdict of the last drill of the scenario: 1 for the verdict given (pass, fail or incomplete), 0 for the others.',
      type: 'gauge',
      samples: VERDICTS.map((verdict) => ({ labels: { scenario, verdict }, value: report.verdict === verdict ? 1 : 0 })),
    },
    {
      name: 'hadrill_drill_rto_seconds',
      help: "Each service's RTO in the last drill: the worst client's time without an acknowledged write (+Inf: it never recovered).",
      type: 'gauge',
      samples: rto,
    },
    {
      name: 'hadrill_drill_lost_writes',
      help: 'Acknowledged writes of each service missing from its final state in the last drill.',
      type: 'gauge',
      samples: report.services.map((s) => ({ labels: { scenario, service: s.name }, value: s.lost })),
    },
    {
      name: 'hadrill_drill_slo_pass',
      help: 'Whether every SLO of the last drill held (1) or not (0; also 0 when a service could not be checked).',
      type: 'gauge',
      samples: [{ labels: { scenario }, value: report.verdict === 'pass' ? 1 : 0 }],
    },
    {
      name: 'hadrill_drill_last_run_timestamp_seconds',
      help: 'When the last drill of the scenario finished, in seconds since the epoch.',
      type: 'gauge',
      samples: [{ labels: { scenario }, value: Date.parse(report.finishedAt) / 1000 }],
    },
  ];
  return families.filter((f) => f.samples.length > 0);
}
