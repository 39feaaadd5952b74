// Prometheus text exposition format 0.0.4: what Prometheus scrapes, what
// node_exporter's textfile collector reads and what a Pushgateway accepts.
// Families are plain data; rendering checks what promtool would refuse
// (a bad name, a counter without _total), so a mistake fails here and not
// silently in somebody's Prometheus.

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface ScalarSample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** Per bucket of the family's bounds, how many observations fell in it (not cumulative); one more entry for those above the last bound. */
  counts: readonly number[];
  sum: number;
}

export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: readonly ScalarSample[] }
  | { name: string; help: string; type: 'histogram'; bounds: readonly number[]; samples: readonly HistogramSample[] };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders families in order, each with its HELP and TYPE lines first; the text ends with a newline. */
export function renderText(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    checkFamily(family);
    if (seen.has(family.name)) throw new Error(`metric family ${family.name} is rendered twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) lines.push(...histogramLines(family.name, family.bounds, sample));
    } else {
      for (const sample of family.samples) lines.push(`${family.name}${labelText(sample.labels)} ${formatValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function histogramLines(name: string, bounds: readonly number[], sample: HistogramSample): string[] {
  if (sample.counts.length !== bounds.length + 1) throw new Error(`${name}: ${sample.counts.length} bucket counts for ${bounds.length} bounds (one more is needed, for +Inf)`);
  const lines: string[] = [];
  let cumulative = 0;
  bounds.forEach((bound, i) => {
    cumulative += sample.counts[i] as number;
    lines.push(`${name}_bucket${labelText({ ...sample.labels, le: formatValue(bound) })} ${cumulative}`);
  });
  cumulative += sample.counts[bounds.length] as number;
  // +Inf is every observation, which is what _count is: both come from the same sum.
  lines.push(`${name}_bucket${labelText({ ...sample.labels, le: '+Inf' })} ${cumulative}`);
  lines.push(`${name}_sum${labelText(sample.labels)} ${formatValue(sample.sum)}`);
  lines.push(`${name}_count${labelText(sample.labels)} ${cumulative}`);
  return lines;
}

function checkFamily(family: MetricFamily): void {
  if (!METRIC_NAME.test(family.name)) throw new Error(`${JSON.stringify(family.name)} is not a valid metric name`);
  if (family.type === 'counter' && !family.name.endsWith('_total')) throw new Error(`counter ${family.name} must end in _total`);
  if (family.type !== 'counter' && family.name.endsWith('_total')) throw new Error(`${family.type} ${family.name} must not end in _total`);
  if (family.type === 'histogram') {
    if (family.bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= (family.bounds[i - 1] as number)))) throw new Error(`${family.name}: histogram bounds must be finite and increasing`);
  }
  for (const sample of family.samples) {
    for (const label of Object.keys(sample.labels)) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`${family.name}: ${JSON.stringify(label)} is not a valid label name`);
      if (family.type === 'histogram' && label === 'le') throw new Error(`${family.name}: le is the histogram's own label`);
    }
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** In HELP text only backslash and newline are escaped. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** In label values backslash, double quote and newline are escaped. */
export function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Go's ParseFloat reads all of these; Prometheus spells the special values NaN, +Inf, -Inf. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
