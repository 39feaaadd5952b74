import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGate, summarizeRepeats } from '../../src/core/report/repeat-summary.js';
import type { Report } from '../../src/core/report/report-model.js';

const report = (verdict: 'pass' | 'fail', rtoMs: number | null, lost: number): Report =>
  ({ verdict, services: [{ name: 'mysql', rtoMs, lost, recovered: rtoMs !== null }] }) as unknown as Report;

test('repeated drills: distribution and gates', () => {
  const reports = [report('pass', 5000, 0), report('fail', null, 3), report('pass', 7000, 1), report('pass', 6000, 0)];
  const worst = summarizeRepeats(reports, 'worst');
  assert.equal(worst.verdict, 'fail');
  assert.equal(worst.passed, 3);
  assert.deepEqual(worst.services[0]?.rtoMs, { min: 5000, median: 6000, max: 7000 });
  assert.deepEqual(worst.services[0]?.lostWrites, { min: 0, median: 0.5, max: 3 });
  assert.equal(worst.services[0]?.notRecovered, 1);
  assert.equal(summarizeRepeats(reports, 'p75').verdict, 'pass');
  assert.equal(summarizeRepeats(reports, 'p90').verdict, 'fail');
  assert.equal(summarizeRepeats([], 'worst').verdict, 'fail', 'no run is no evidence');
  assert.ok(isGate('p50') && isGate('worst') && !isGate('p0') && !isGate('best'));
});
