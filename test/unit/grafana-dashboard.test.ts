// examples/grafana/hadrill-dashboard.json must import and provision as it is:
// a `datasource` variable rather than ${DS_...} inputs (which only the import
// dialog resolves), panels on the 24-column grid, and queries that name only
// the metric families hadrill exports, in PromQL that parses. Where promtool
// is installed, it parses every query too (`promtool check rules`, offline).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const FILE = new URL('../../../examples/grafana/hadrill-dashboard.json', import.meta.url);
const TEXT = readFileSync(FILE, 'utf8');

/** Every metric family hadrill exports (docs/observability.md); the histogram is queried through its buckets. */
const FAMILIES = [
  'hadrill_writes_total',
  'hadrill_write_latency_seconds_bucket',
  'hadrill_replication_lag_seconds',
  'hadrill_fault_active',
  'hadrill_writer_info',
  'hadrill_drill_verdict',
  'hadrill_drill_rto_seconds',
  'hadrill_drill_lost_writes',
  'hadrill_drill_slo_pass',
  'hadrill_drill_last_run_timestamp_seconds',
];
const FUNCTIONS = new Set(['rate', 'irate', 'increase', 'sum', 'max', 'min', 'avg', 'count', 'histogram_quantile', 'time', 'max_over_time', 'min_over_time', 'clamp_min', 'topk']);
const KEYWORDS = new Set(['by', 'without', 'and', 'or', 'unless', 'bool', 'offset', 'on', 'ignoring', 'group_left', 'group_right']);

interface Target {
  refId?: unknown;
  expr?: unknown;
  datasource?: unknown;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: unknown;
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: unknown;
  datasource?: unknown;
}
interface Dashboard {
  id: unknown;
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Record<string, unknown>[] };
}

/** Where the brackets of `expr` do not balance, or null; string literals are skipped. */
function bracketProblem(expr: string): string | null {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(expr, i);
      if (end < 0) return `unterminated string at ${i}`;
      i = end;
    } else if (c in closing) stack.push(closing[c]!);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return `unbalanced ${c} at ${i}`;
    }
  }
  return stack.length === 0 ? null : `${stack.length} unclosed`;
}

function stringEnd(expr: string, start: number): number {
  const quote = expr[start];
  for (let i = start + 1; i < expr.length; i++) {
    if (expr[i] === '\\' && quote !== '`') i++;
    else if (expr[i] === quote) return i;
  }
  return -1;
}

/**
 * The metric names `expr` selects, roughly parsed: strings, label matchers,
 * ranges and grouping lists are cut out, then every name left is a function
 * (followed by a bracket), a keyword, or a metric. Throws on a name that is none.
 */
function metricsOf(expr: string): string[] {
  let rest = '';
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === '"' || expr[i] === "'" || expr[i] === '`') i = stringEnd(expr, i);
    else rest += expr[i];
  }
  rest = rest
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const metrics: string[] = [];
  for (const m of rest.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = m[0];
    const before = rest[m.index! - 1] ?? ' ';
    if (/[0-9.]/.test(before)) continue; // the exponent or unit of a number
    if (KEYWORDS.has(name)) continue;
    const call = /^\s*\(/.test(rest.slice(m.index! + name.length));
    if (call) assert.ok(FUNCTIONS.has(name), `${expr}: ${name}() is no function this dashboard is known to use`);
    else metrics.push(name);
  }
  return metrics;
}

describe('the Grafana dashboard example', () => {
  const dashboard = JSON.parse(TEXT) as Dashboard;
  const queried = dashboard.panels.filter((p) => p.type !== 'row');
  const exprs = queried.flatMap((p) => (p.targets ?? []).map((t) => String(t.expr)));
  const variableQueries = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => (typeof v.query === 'string' ? v.query : String((v.query as { query: unknown }).query)));

  it('provisions as it is: no ${DS_...} inputs, no id, a short uid, schema 39', () => {
    assert.ok(!TEXT.includes('${DS_'));
    assert.ok(!('__inputs' in dashboard));
    assert.equal(dashboard.id, null);
    assert.match(dashboard.uid, /^[A-Za-z0-9_-]{1,40}$/);
    assert.equal(dashboard.schemaVersion, 39);
  });

  it('picks its Prometheus through a datasource variable, used by every panel and query variable', () => {
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    assert.deepEqual([ds?.type, ds?.query], ['datasource', 'prometheus']);
    const wanted = { type: 'prometheus', uid: '${datasource}' };
    for (const p of queried) {
      assert.deepEqual(p.datasource, wanted, p.title);
      assert.ok((p.targets ?? []).length > 0, `${p.title} has no query`);
      for (const t of p.targets ?? []) {
        assert.ok(t.datasource === undefined || JSON.stringify(t.datasource) === JSON.stringify(wanted), p.title);
        assert.equal(typeof t.refId, 'string');
        assert.equal(typeof t.expr, 'string');
      }
      const refIds = (p.targets ?? []).map((t) => t.refId);
      assert.equal(new Set(refIds).size, refIds.length, `${p.title}: refIds repeat`);
    }
    for (const v of dashboard.templating.list.filter((v) => v.type === 'query')) assert.deepEqual(v.datasource, wanted, v.name);
  });

  it('lays its panels on the 24-column grid, each id once, none over another', () => {
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      assert.ok([x, y, w, h].every(Number.isInteger) && x >= 0 && y >= 0 && w >= 1 && h >= 1, p.title);
      assert.ok(x + w <= 24, `${p.title}: x ${x} + w ${w} > 24`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          assert.ok(!cells.has(`${i},${j}`), `${p.title} overlaps another panel at ${i},${j}`);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it("shows hadrill's annotations beside Grafana's own", () => {
    const [builtIn, ...others] = dashboard.annotations.list;
    assert.deepEqual([builtIn?.['builtIn'], builtIn?.['datasource']], [1, { type: 'grafana', uid: '-- Grafana --' }]);
    const byTag = others.find((a) => (a['target'] as { type?: unknown } | undefined)?.type === 'tags');
    assert.ok(byTag);
    assert.deepEqual((byTag['target'] as { tags: unknown }).tags, ['hadrill']);
    assert.deepEqual(byTag['datasource'], { type: 'grafana', uid: '-- Grafana --' });
  });

  it('queries only the metric families hadrill exports, in brackets that balance, and every family at least once', () => {
    const used = new Set<string>();
    for (const expr of exprs) {
      assert.equal(bracketProblem(expr), null, expr);
      const metrics = metricsOf(expr);
      assert.ok(metrics.length > 0, `${expr} selects no metric`);
      for (const m of metrics) {
        assert.ok(FAMILIES.includes(m), `${expr}: ${m} is not a metric hadrill exports`);
        used.add(m);
      }
    }
    for (const q of variableQueries) {
      const m = /^label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/.exec(q);
      assert.ok(m && FAMILIES.includes(m[1]!), q);
    }
    assert.deepEqual(FAMILIES.filter((f) => !used.has(f)), []);
  });

  it('the rough checks catch what they are for', () => {
    assert.notEqual(bracketProblem('sum(rate(hadrill_writes_total[5m])'), null);
    assert.notEqual(bracketProblem('hadrill_writes_total{group="a}"'), null);
    assert.equal(bracketProblem('hadrill_writes_total{group=~"a(b"}'), null);
    assert.deepEqual(metricsOf('sum by (group) (rate(hadrill_writes_total{outcome!="ok"}[$__rate_interval])) / 1e3'), ['hadrill_writes_total']);
    assert.deepEqual(metricsOf('hadrill_write_latency_seconds'), ['hadrill_write_latency_seconds']);
    assert.throws(() => metricsOf('quantile_over_time(0.9, hadrill_fault_active[5m])'));
  });

  it('parses with promtool, where it is installed', (t) => {
    const promtool = '/usr/bin/promtool';
    if (!existsSync(promtool)) return t.skip('no promtool');
    const dir = mkdtempSync(join(tmpdir(), 'hadrill-dashboard-'));
    try {
      // Grafana's own variables, as Grafana fills them in before it queries.
      const rules = exprs.map((expr, i) => ({ record: `hadrill:dashboard_check:${i}`, expr: expr.replaceAll('$__rate_interval', '1m') }));
      const file = join(dir, 'rules.yml');
      // JSON is YAML.
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const run = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
      assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
      assert.match(run.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
