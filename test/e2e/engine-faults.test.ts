// The engine taking a drill's topology away: a container removed by hand in
// the middle of a drill. The drill must stop with a clear error that names the
// container, the phase and the way out (exit 2, no stack trace), and leave
// nothing of the run behind; `down` afterwards still succeeds.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hadrill, startHadrill } from '../support/hadrill-cli.js';
import { leftovers, processesOf, removeEverything, requireDockerAndImage, runtime, tempHome, uniqueRun } from '../support/docker-env.js';
import { readReportDir } from '../support/report-files.js';

describe('the engine takes the topology away mid-drill', () => {
  const home = tempHome();
  const env = { HADRILL_HOME: home };
  const run = uniqueRun('e2e-removed');

  before(requireDockerAndImage);
  after(() => removeEverything(run, home));

  test('a container removed by hand during recovery: exit 2 naming it, the phase and `down`, and nothing left', { timeout: 240_000 }, async () => {
    const drill = startHadrill(['drill', 'test/fixtures/kill-points.yaml', '--run', run, '--report-dir', join(home, 'report')], env);
    await drill.until(/- Letting the failover machinery work/, 150_000);
    const removedAt = Date.now();
    await runtime.remove(`hadrill-${run}-redis-b`);
    const result = await drill.done;
    assert.equal(result.code, 2, result.stderr.slice(-2000));
    assert.match(result.stderr, new RegExp(`error Container hadrill-${run}-redis-b of run ${run} was removed outside hadrill during the recovery phase\\.`));
    assert.match(result.stderr, new RegExp(`hint +\`hadrill down --run ${run}\` removes what is left of the run`));
    assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+|unexpected/);
    console.log(`the drill stopped ${((Date.now() - removedAt) / 1000).toFixed(1)} s after the container was removed`);

    // What was measured up to then: a report marked incomplete, judging nothing, with the history it counted from.
    assert.match(result.stderr, /report\.json says what was measured up to its recovery phase \(verdict incomplete\)/);
    const { report, history } = readReportDir(join(home, 'report'));
    assert.equal(report.verdict, 'incomplete');
    assert.deepEqual(report.services, [], 'without a final read nothing is called durable or lost');
    assert.deepEqual(report.incomplete?.map((i) => i.name), ['redis']);
    for (const i of report.incomplete ?? []) {
      assert.match(i.reason, new RegExp(`stopped in its recovery phase before the final read: Container hadrill-${run}-redis-b of run ${run} was removed outside hadrill`));
      const writes = history.filter((op) => op.service === i.name && op.kind === 'write');
      assert.ok(i.attempted > 10 && i.attempted === writes.length, `${i.name}: ${i.attempted} attempted, ${writes.length} in history.jsonl`);
      assert.equal(i.acknowledged, writes.filter((op) => op.outcome === 'ok').length);
    }
    assert.deepEqual(report.faults.map((f) => f.spec.kind), ['cut', 'power'], 'the faults the drill had applied');
    assert.ok(readFileSync(join(home, 'report', 'report.html'), 'utf8').includes('INCOMPLETE'), 'the page says so too');

    assert.deepEqual(await leftovers(run), { containers: [], networks: [] }, 'the drill removed the rest of its topology');
    assert.equal(existsSync(join(home, 'runs', run)), false);
    assert.deepEqual(processesOf(run), []);
    const down = await hadrill(['down', '--run', run], env);
    assert.equal(down.code, 0, down.stderr);
  });
});
