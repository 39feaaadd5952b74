// The regression gate of `hadrill compare --baseline`, on hand-made reports:
// what counts as worse, what is let through as jitter, and what the gate
// cannot vouch for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MAX_LOST_INCREASE,
  DEFAULT_MAX_RTO_INCREASE,
  gateBaseline,
  parseLostTolerance,
  parseRtoTolerance,
  renderGateMarkdown,
  renderGateText,
  type GateReport,
  type GateTolerances,
} from '../../src/core/report/baseline-gate.js';
import { HadrillError } from '../../src/core/errors.js';

type Svc = GateReport['services'][number];

function report(services: Svc[], options: { scenario?: string; tier?: string; incomplete?: { name: string; reason: string }[] } = {}): GateReport {
  return { scenario: { name: options.scenario ?? 'hot-standby', tier: options.tier ?? 'hot-standby' }, run: 'r1', services, incomplete: options.incomplete ?? [] };
}

const svc = (name: string, rtoMs: number | null, lost: number, recovered = true): Svc => ({ name, rtoMs, recovered, lost });

const tol = (rto: string, lost = '0'): GateTolerances => ({ rto: parseRtoTolerance(rto), lost: parseLostTolerance(lost) });

function run(baseline: GateReport, current: GateReport, tolerances = tol(DEFAULT_MAX_RTO_INCREASE, DEFAULT_MAX_LOST_INCREASE)) {
  return gateBaseline({ baseline: { source: 'base', report: baseline }, current: { source: 'now', report: current }, tolerances });
}

function usageError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof HadrillError && e.code === 'usage' && message.test(e.message) && typeof e.hint === 'string' && e.hint.length > 0);
}

describe('tolerance parsing', () => {
  it('reads durations with the scenario parser, percentages, and a bare 0', () => {
    assert.deepEqual(parseRtoTolerance('2s'), { kind: 'absolute', value: 2000 });
    assert.deepEqual(parseRtoTolerance('500ms'), { kind: 'absolute', value: 500 });
    assert.deepEqual(parseRtoTolerance('1.5s'), { kind: 'absolute', value: 1500 });
    assert.deepEqual(parseRtoTolerance('20%'), { kind: 'percent', percent: 20 });
    assert.deepEqual(parseRtoTolerance('0'), { kind: 'absolute', value: 0 });
    assert.deepEqual(parseLostTolerance('0'), { kind: 'absolute', value: 0 });
    assert.deepEqual(parseLostTolerance('12'), { kind: 'absolute', value: 12 });
    assert.deepEqual(parseLostTolerance('5%'), { kind: 'percent', percent: 5 });
  });

  it('the defaults: 2 s of RTO (runs jitter by a second or two), no lost write more', () => {
    assert.deepEqual(parseRtoTolerance(DEFAULT_MAX_RTO_INCREASE), { kind: 'absolute', value: 2000 });
    assert.deepEqual(parseLostTolerance(DEFAULT_MAX_LOST_INCREASE), { kind: 'absolute', value: 0 });
  });

  it('refuses bad values as usage errors naming the flag and the fix', () => {
    usageError(() => parseRtoTolerance('2'), /^--max-rto-increase 2: a number without a unit/);
    usageError(() => parseRtoTolerance('fast'), /^--max-rto-increase "fast": not a duration or a percentage/);
    usageError(() => parseRtoTolerance('-1s'), /--max-rto-increase "-1s"/);
    usageError(() => parseRtoTolerance('2d'), /--max-rto-increase "2d"/);
    usageError(() => parseRtoTolerance('25h'), /--max-rto-increase "25h"/);
    usageError(() => parseLostTolerance('1.5'), /^--max-lost-increase "1.5": not a whole number/);
    usageError(() => parseLostTolerance('-1'), /--max-lost-increase "-1"/);
    usageError(() => parseLostTolerance(''), /--max-lost-increase ""/);
    assert.throws(() => parseRtoTolerance('x'), (e: unknown) => e instanceof HadrillError && /2s or 500ms/.test(e.hint ?? ''));
  });
});

describe('gateBaseline', () => {
  it('an RTO longer by more than an absolute tolerance is worse; exactly at it passes', () => {
    const base = report([svc('mysql', 5000, 0)]);
    const over = run(base, report([svc('mysql', 7000.5, 0)]), tol('2s'));
    assert.equal(over.verdict, 'fail');
    assert.deepEqual([over.services[0]!.rto.verdict, over.services[0]!.rto.delta, over.services[0]!.rto.allowed], ['worse', 2000.5, 2000]);
    assert.deepEqual(over.regressions, ['mysql: RTO 5.00 s -> 7.00 s (+2.00 s, allowed +2.00 s)']);
    const at = run(base, report([svc('mysql', 7000, 0)]), tol('2s'));
    assert.equal(at.verdict, 'pass');
    assert.equal(at.services[0]!.rto.verdict, 'ok');
    assert.deepEqual(at.regressions, []);
  });

  it('a percentage tolerance is a share of the baseline RTO, and exactly at it passes (no float rounding failure)', () => {
    const base = report([svc('mysql', 6412.3, 0)]);
    const at = run(base, report([svc('mysql', 6412.3 * 1.2, 0)]), tol('20%'));
    assert.equal(at.verdict, 'pass', JSON.stringify(at.services[0]));
    assert.ok(Math.abs(at.services[0]!.rto.allowed! - 1282.46) < 1e-6);
    const over = run(base, report([svc('mysql', 6412.3 * 1.2 + 1, 0)]), tol('20%'));
    assert.equal(over.verdict, 'fail');
    assert.equal(over.services[0]!.verdict, 'worse');
    assert.equal(over.tolerances.maxRtoIncrease, '20%');
  });

  it('one lost write more than allowed is worse; a share of the baseline losses is rounded down', () => {
    const base = report([svc('mysql', 5000, 120)]);
    const up = run(base, report([svc('mysql', 5000, 121)]));
    assert.equal(up.verdict, 'fail');
    assert.deepEqual([up.services[0]!.lostWrites.verdict, up.services[0]!.lostWrites.delta, up.services[0]!.lostWrites.allowed], ['worse', 1, 0]);
    assert.deepEqual(up.regressions, ['mysql: lost writes 120 -> 121 (+1, allowed +0)']);
    // 5% of 120 is 6: six more pass, seven do not.
    assert.equal(run(base, report([svc('mysql', 5000, 126)]), tol('2s', '5%')).verdict, 'pass');
    assert.equal(run(base, report([svc('mysql', 5000, 127)]), tol('2s', '5%')).verdict, 'fail');
    assert.equal(run(base, report([svc('mysql', 5000, 130)]), tol('2s', '10')).verdict, 'pass');
    // A tier that lost nothing gets no share of nothing.
    assert.equal(run(report([svc('mysql', 5000, 0)]), report([svc('mysql', 5000, 1)]), tol('2s', '50%')).verdict, 'fail');
  });

  it('recovered in the baseline and not now is worse, whatever the tolerance; the other way round is better', () => {
    // The report model says "never recovered" as rtoMs null with recovered false.
    const regressed = run(report([svc('mysql', 5000, 0)]), report([svc('mysql', null, 0, false)]), tol('1000%'));
    assert.equal(regressed.verdict, 'fail');
    assert.deepEqual([regressed.services[0]!.rto.baseline, regressed.services[0]!.rto.current, regressed.services[0]!.rto.verdict], [5000, 'not recovered', 'worse']);
    assert.deepEqual(regressed.regressions, ['mysql: did not recover (baseline RTO 5.00 s)']);
    assert.deepEqual(regressed.services[0]!.notes, ['recovered in the baseline, not in the current drill']);
    const fixed = run(report([svc('mysql', null, 0, false)]), report([svc('mysql', 9000, 0)]));
    assert.deepEqual([fixed.verdict, fixed.services[0]!.verdict], ['pass', 'better']);
    const neither = run(report([svc('mysql', null, 0, false)]), report([svc('mysql', null, 0, false)]));
    assert.deepEqual([neither.verdict, neither.services[0]!.verdict], ['pass', 'ok']);
  });

  it('no outage measured (rtoMs null, recovered) counts as 0, so an outage that appears is seen', () => {
    const appeared = run(report([svc('redis', null, 0)]), report([svc('redis', 4000, 0)]));
    assert.deepEqual([appeared.verdict, appeared.services[0]!.rto.baseline, appeared.services[0]!.rto.delta], ['fail', 'not measured', 4000]);
    assert.match(appeared.services[0]!.notes[0]!, /no RTO measured in the baseline/);
    assert.equal(run(report([svc('redis', null, 0)]), report([svc('redis', 1500, 0)])).verdict, 'pass');
    assert.equal(run(report([svc('redis', null, 0)]), report([svc('redis', null, 0)])).services[0]!.verdict, 'ok');
  });

  it('a service missing from the current report, or not checked there, fails the gate', () => {
    const base = report([svc('mysql', 5000, 0), svc('redis', 3000, 0)]);
    const gone = run(base, report([svc('mysql', 5000, 0)]));
    assert.equal(gone.verdict, 'fail');
    const redis = gone.services.find((s) => s.name === 'redis')!;
    assert.deepEqual([redis.verdict, redis.rto.baseline, redis.rto.current, redis.lostWrites.verdict], ['missing', 3000, null, 'missing']);
    assert.deepEqual(gone.regressions, ['redis: not in the current report']);
    const unchecked = run(base, report([svc('mysql', 5000, 0)], { incomplete: [{ name: 'redis', reason: 'no node could be read' }] }));
    assert.deepEqual(unchecked.regressions, ['redis: not checked in the current drill: no node could be read']);
    assert.equal(unchecked.services.find((s) => s.name === 'redis')!.rto.current, 'not checked');
  });

  it('a service only in the current report is new, and does not fail the gate', () => {
    const result = run(report([svc('mysql', 5000, 0)]), report([svc('mysql', 5000, 0), svc('cache', 99_000, 500)]));
    assert.equal(result.verdict, 'pass');
    const cache = result.services.find((s) => s.name === 'cache')!;
    assert.deepEqual([cache.verdict, cache.rto.baseline, cache.rto.current, cache.lostWrites.current], ['new', null, 99_000, 500]);
    assert.match(cache.notes[0]!, /not in the baseline/);
  });

  it('reports of different scenarios are compared by service name, with a warning', () => {
    const result = run(report([svc('mysql', 5000, 10)], { scenario: 'hot-standby', tier: 'hot-standby' }), report([svc('mysql', 5500, 10)], { scenario: 'semisync', tier: 'semi' }));
    assert.equal(result.verdict, 'pass');
    assert.equal(result.services[0]!.rto.delta, 500);
    assert.equal(result.warnings.length, 2);
    assert.match(result.warnings[0]!, /scenario "hot-standby" and the current one of "semisync": services are compared by name/);
    assert.match(result.warnings[1]!, /tier is "hot-standby" and the current one's "semi"/);
    assert.deepEqual(run(report([svc('mysql', 1, 0)]), report([svc('mysql', 1, 0)])).warnings, []);
  });

  it('better numbers are better beyond the same tolerance; within it they are ok', () => {
    const result = run(report([svc('mysql', 9000, 50), svc('redis', 3000, 0)]), report([svc('mysql', 6000, 40), svc('redis', 2000, 0)]));
    assert.equal(result.verdict, 'pass');
    const [mysql, redis] = result.services;
    assert.deepEqual([mysql!.verdict, mysql!.rto.verdict, mysql!.lostWrites.verdict, mysql!.rto.delta, mysql!.lostWrites.delta], ['better', 'better', 'better', -3000, -10]);
    assert.deepEqual([redis!.verdict, redis!.rto.verdict], ['ok', 'ok']);
  });

  it('one cell worse makes the service worse even when the other got better', () => {
    const result = run(report([svc('mysql', 9000, 0)]), report([svc('mysql', 3000, 1)]));
    assert.deepEqual([result.services[0]!.verdict, result.verdict], ['worse', 'fail']);
  });

  it('no service in common is a usage error naming both sets of services', () => {
    usageError(() => run(report([svc('mysql', 1, 0)]), report([svc('pg', 1, 0)])), /no service in common \(baseline: mysql; current: pg\)/);
  });

  it('renders the table as text and Markdown, with the verdict and each regression', () => {
    const result = run(report([svc('mysql', 5000, 0), svc('red|is', 3000, 0)]), report([svc('mysql', 8000, 2), svc('red|is', 3100, 0)]));
    const text = renderGateText(result);
    assert.match(text, /^service +measure +baseline +current +delta +allowed +verdict$/m);
    assert.match(text, /^mysql +RTO +5\.00 s +8\.00 s +\+3\.00 s +\+2\.00 s +worse$/m);
    assert.match(text, /^mysql +lost writes +0 +2 +\+2 +\+0 +worse$/m);
    assert.match(text, /^red\|is +RTO +3\.00 s +3\.10 s +\+100 ms +\+2\.00 s +ok$/m);
    assert.match(text, /\ngate: FAIL: 2 regressions against the baseline \(tolerances: RTO \+2\.00 s, lost writes \+0\)\n {2}mysql: RTO 5\.00 s -> 8\.00 s/);
    const md = renderGateMarkdown(result);
    assert.match(md, /^## ❌ hadrill gate: hot-standby against the baseline: FAIL\n/);
    assert.match(md, /\| mysql \| RTO \| 5\.00 s \| 8\.00 s \| \+3\.00 s \| \+2\.00 s \| \*\*worse\*\* \|/);
    // A pipe in a group name must not split the cell.
    assert.match(md, /\| red\\\|is \| RTO \| 3\.00 s \|/);
    assert.match(renderGateMarkdown(run(report([svc('m', 1, 0)]), report([svc('m', 1, 0)]))), /^## ✅ .*: PASS\n[\s\S]*\*\*PASS\*\*: no service got worse/);
  });
});
