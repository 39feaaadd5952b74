// A saved check is what `hadrill check --from` checks again: with the saved
// drill's history and final state it counts what the drill counted, and the
// SLOs it is judged by can be replaced.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CheckInput } from '../../src/core/check/check-types.js';
import type { FinalState } from '../../src/core/history.js';
import { parseSavedHistory } from '../../src/core/report/load-report.js';
import type { Report } from '../../src/core/report/report-model.js';
import { recheck, savedCheck } from '../../src/core/report/saved-check.js';
import { ROOT } from '../support/hadrill-cli.js';

const dir = join(ROOT, 'test', 'fixtures', 'hot-standby-report');
const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
const history = parseSavedHistory(readFileSync(join(dir, 'history.jsonl'), 'utf8'));
const finalState = JSON.parse(readFileSync(join(dir, 'final-state.json'), 'utf8')) as FinalState;

const input: CheckInput = {
  history,
  finalState,
  faults: report.faults,
  outageStartMs: null,
  outageEndMs: null,
  outageIdcs: [],
  rtoWindowMs: 1000,
};
const frame = { scenario: report.scenario, run: report.run, mode: report.mode, startedAt: report.startedAt, finishedAt: report.finishedAt, notes: ['a note of the run'] };

describe('a saved check', () => {
  test('holds neither the history nor the final state: they have files of their own', () => {
    const saved = JSON.parse(JSON.stringify(savedCheck(input, frame, { groups: {} })));
    assert.equal('history' in saved.input, false);
    assert.equal('finalState' in saved.input, false);
    assert.deepEqual(saved.input.faults, report.faults);
  });

  test('checked again, counts the lost and acknowledged writes the drill counted, and keeps the run\'s notes', () => {
    const again = recheck(savedCheck(input, frame, { groups: {} }), history, finalState, { note: 'checked again' });
    assert.deepEqual(
      again.services.map((s) => [s.name, s.acknowledged, s.lost, [...s.lostIds].sort()]),
      report.services.map((s) => [s.name, s.acknowledged, s.lost, [...s.lostIds].sort()]),
    );
    assert.ok(again.notes.includes('a note of the run') && again.notes.includes('checked again'));
    assert.equal(again.scenario.name, report.scenario.name);
  });

  test('judged by the saved SLOs, or by others given instead', () => {
    const saved = savedCheck(input, frame, { lostWrites: 0, groups: {} });
    assert.equal(recheck(saved, history, finalState).verdict, 'fail', 'MySQL lost 122 writes: lostWrites=0 fails');
    assert.equal(recheck(saved, history, finalState, { slo: { lostWrites: 1000, groups: {} } }).verdict, 'pass');
  });
});
