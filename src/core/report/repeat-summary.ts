// Repeated drills (`--repeat N`): the distribution of each service's RTO and
// lost writes across the runs, and one verdict. Failovers are noisy; a gate on
// one run is a coin toss, so the gate looks at all of them.
import type { Report } from './report-model.js';

export interface Distribution {
  min: number | null;
  median: number | null;
  max: number | null;
}

export interface RepeatSummary {
  runs: number;
  gate: string;
  passed: number;
  verdict: 'pass' | 'fail';
  services: { name: string; rtoMs: Distribution; lostWrites: Distribution; notRecovered: number }[];
}

/**
 * gate "worst": every run must pass. gate "pNN": at least NN% of the runs must
 * pass (p50: the median run's verdict).
 */
export function summarizeRepeats(reports: Report[], gate: string): RepeatSummary {
  const passed = reports.filter((r) => r.verdict === 'pass').length;
  const share = gate === 'worst' ? 100 : Number(gate.slice(1));
  const verdict = reports.length > 0 && passed * 100 >= share * reports.length ? 'pass' : 'fail';
  const names = [...new Set(reports.flatMap((r) => r.services.map((s) => s.name)))].sort();
  return {
    runs: reports.length,
    gate,
    passed,
    verdict,
    services: names.map((name) => {
      const results = reports.map((r) => r.services.find((s) => s.name === name)).filter((s) => s !== undefined);
      return {
        name,
        rtoMs: distribution(results.map((s) => s.rtoMs).filter((v): v is number => v !== null)),
        lostWrites: distribution(results.map((s) => s.lost)),
        notRecovered: results.filter((s) => !s.recovered).length,
      };
    }),
  };
}

export function isGate(gate: string): boolean {
  return gate === 'worst' || /^p([1-9]\d?|100)$/.test(gate);
}

function distribution(values: number[]): Distribution {
  if (values.length === 0) return { min: null, median: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number };
}
