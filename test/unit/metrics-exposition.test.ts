import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHelp, escapeLabelValue, formatValue, renderText, type MetricFamily } from '../../src/core/metrics/exposition.js';
import { haveBinary, PROMTOOL, promtoolCheck } from '../support/prometheus.js';

const tricky = 'a "quoted" back\\slash\nnew line';

const families: MetricFamily[] = [
  { name: 'demo_events_total', help: `Events, with a back\\slash\nand a line break`, type: 'counter', samples: [{ labels: { kind: tricky }, value: 3 }] },
  { name: 'demo_level', help: 'A level.', type: 'gauge', samples: [{ labels: {}, value: Infinity }, { labels: { x: 'nan' }, value: NaN }] },
  { name: 'demo_latency_seconds', help: 'Latency.', type: 'histogram', bounds: [0.1, 1], samples: [{ labels: { group: 'g' }, counts: [2, 3, 1], sum: 4.5 }] },
];

describe('text format 0.0.4', () => {
  it('escapes label values (backslash, quote, newline) and HELP text (backslash, newline)', () => {
    assert.equal(escapeLabelValue(tricky), 'a \\"quoted\\" back\\\\slash\\nnew line');
    assert.equal(escapeHelp('say "hi"\\ \n'), 'say "hi"\\\\ \\n');
  });

  it('puts HELP then TYPE before each family, and ends with a newline', () => {
    const text = renderText(families);
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
    const lines = text.split('\n');
    for (const f of families) {
      const at = lines.indexOf(`# HELP ${f.name} ${escapeHelp(f.help)}`);
      assert.ok(at >= 0, f.name);
      assert.equal(lines[at + 1], `# TYPE ${f.name} ${f.type}`);
      assert.ok(lines[at + 2]?.startsWith(f.name), `${f.name}'s samples follow its TYPE line`);
    }
    assert.ok(lines.includes('demo_events_total{kind="a \\"quoted\\" back\\\\slash\\nnew line"} 3'));
    assert.ok(lines.includes('demo_level +Inf'));
    assert.ok(lines.includes('demo_level{x="nan"} NaN'));
  });

  it('renders histograms with cumulative buckets, +Inf equal to _count, and _sum', () => {
    const lines = renderText([families[2]!]).trim().split('\n').slice(2);
    assert.deepEqual(lines, [
      'demo_latency_seconds_bucket{group="g",le="0.1"} 2',
      'demo_latency_seconds_bucket{group="g",le="1"} 5',
      'demo_latency_seconds_bucket{group="g",le="+Inf"} 6',
      'demo_latency_seconds_sum{group="g"} 4.5',
      'demo_latency_seconds_count{group="g"} 6',
    ]);
  });

  it('refuses what Prometheus would refuse, before anyone scrapes it', () => {
    const gauge = (name: string, labels: Record<string, string> = {}): MetricFamily => ({ name, help: 'h', type: 'gauge', samples: [{ labels, value: 1 }] });
    assert.throws(() => renderText([{ name: 'demo_events', help: 'h', type: 'counter', samples: [] }]), /must end in _total/);
    assert.throws(() => renderText([gauge('demo_things_total')]), /must not end in _total/);
    assert.throws(() => renderText([gauge('9lives')]), /not a valid metric name/);
    assert.throws(() => renderText([gauge('demo_x', { 'bad-label': 'v' })]), /not a valid label name/);
    assert.throws(() => renderText([gauge('demo_x', { __name__: 'v' })]), /not a valid label name/);
    assert.throws(() => renderText([gauge('demo_x'), gauge('demo_x')]), /rendered twice/);
    assert.throws(() => renderText([{ name: 'demo_h_seconds', help: 'h', type: 'histogram', bounds: [1, 0.5], samples: [] }]), /increasing/);
    assert.throws(() => renderText([{ name: 'demo_h_seconds', help: 'h', type: 'histogram', bounds: [1], samples: [{ labels: {}, counts: [1], sum: 1 }] }]), /one more is needed/);
    assert.equal(renderText([]), '');
  });

  it('spells special values the way Go parses them', () => {
    assert.deepEqual([Infinity, -Infinity, NaN, 0.005, 1e21, 3].map(formatValue), ['+Inf', '-Inf', 'NaN', '0.005', '1e+21', '3']);
  });

  it('passes promtool check metrics', { skip: !haveBinary(PROMTOOL) && `${PROMTOOL} is not installed (CI installs it)` }, () => {
    const result = promtoolCheck(renderText(families));
    assert.equal(result.code, 0, result.output);
    assert.equal(result.output.trim(), '', 'no lint finding');
    // And promtool does catch what it should: the check is not vacuous.
    assert.notEqual(promtoolCheck('# TYPE demo_events counter\ndemo_events 1\n').code, 0);
  });
});
