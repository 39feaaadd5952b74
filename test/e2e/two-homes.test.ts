// Two HADRILL_HOMEs on one Docker engine, as two users or two CI jobs have
// them. With the same run name (by default, the scenario's), the second `up`
// stops with exit 2 and the way out instead of adopting the first home's
// containers, and no `down`, `down --all` or `heal` of the second home
// touches them. Two drills of different scenarios run at once, each
// measuring only its own topology.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LABEL_HOME } from '../../src/core/plan/labels.js';
import { hadrill, startHadrill } from '../support/hadrill-cli.js';
import { homeIdOf, leftovers, removeEverything, requireDockerAndImage, runtime, tempHome, uniqueRun } from '../support/docker-env.js';
import { readReportDir } from '../support/report-files.js';

const SMALL = 'test/fixtures/two-homes.yaml';

describe('two HADRILL_HOMEs on one engine', () => {
  const first = tempHome();
  const second = tempHome();
  const runsOf: [string, string][] = [];

  before(requireDockerAndImage);
  after(async () => {
    for (const [run, home] of runsOf) await removeEverything(run, home);
  });

  test('the same run name: the second home never adopts, heals or removes the first home\'s run', { timeout: 240_000 }, async () => {
    const run = 'two-homes'; // the scenario's name, which both homes take by default
    runsOf.push([run, first], [run, second]);
    const up = await hadrill(['up', SMALL], { HADRILL_HOME: first });
    assert.equal(up.code, 0, up.stderr.slice(-2000));
    const mine = async (): Promise<string[]> => (await runtime.list({ 'dev.hadrill.run': run })).map((c) => `${c.name} ${c.id} ${c.state} ${c.labels[LABEL_HOME]}`).sort();
    const before = await mine();
    assert.ok(before.length >= 4 && before.every((c) => c.endsWith(homeIdOf(first)) && c.includes(' running ')), before.join('\n'));

    const clash = await hadrill(['up', SMALL], { HADRILL_HOME: second });
    assert.equal(clash.code, 2, clash.stderr);
    assert.match(clash.stderr, new RegExp(`The run name "${run}" is taken on this Docker engine: hadrill-${run}-.* belong to run "${run}" of another HADRILL_HOME \\(home id ${homeIdOf(first)}\\)`));
    assert.match(clash.stderr, /hint .*Choose another run name with --run/);
    assert.equal(existsSync(join(second, 'runs', run)), false, 'the refused up created no run state');

    for (const args of [['down', '--all'], ['down', '--run', run], ['heal', '--run', run], ['drill', SMALL, '--report-dir', join(second, 'r')]]) {
      const r = await hadrill(args, { HADRILL_HOME: second });
      if (args[0] === 'down') {
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /removed 0 containers and 0 networks/);
      } else assert.equal(r.code, 2, `${args.join(' ')} in the second home: ${r.stderr}`);
      assert.deepEqual(await mine(), before, `\`${args.join(' ')}\` in the second home left the first home's run as it was`);
    }

    const down = await hadrill(['down'], { HADRILL_HOME: first });
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
  });

  test('two drills of different scenarios at the same time do not interfere', { timeout: 300_000 }, async () => {
    const a = { run: uniqueRun('e2e-both-a'), home: first, scenario: 'test/fixtures/kill-points.yaml' };
    const b = { run: uniqueRun('e2e-both-b'), home: second, scenario: SMALL };
    runsOf.push([a.run, a.home], [b.run, b.home]);
    const started = Date.now();
    const [ra, rb] = await Promise.all([a, b].map((d) => startHadrill(['drill', d.scenario, '--run', d.run, '--report-dir', join(d.home, d.run)], { HADRILL_HOME: d.home }).done));
    console.log(`both drills done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const [d, r, nodes, faults] of [
      [a, ra, ['redis-a', 'redis-b'], ['cut', 'power']],
      [b, rb, ['redis-a'], ['freeze']],
    ] as const) {
      assert.ok(r?.code === 0 || r?.code === 1, `drill ${d.run} ran to its report (exit ${r?.code}): ${r?.stderr.slice(-1500)}`);
      const { report, finalState, history } = readReportDir(join(d.home, d.run));
      assert.equal(report.run, d.run);
      assert.deepEqual(report.faults.map((f) => f.spec.kind), faults);
      const redis = finalState.services.find((s) => s.service === 'redis');
      assert.deepEqual([...(redis?.nodes ?? []), ...(redis?.outOfService ?? [])].map((n) => n.node).sort(), [...nodes]);
      assert.deepEqual(redis?.unreadable, [], 'every node of its own was read');
      assert.ok(history.length > 0 && history.every((op) => op.client === 'app-idc-b'));
      assert.deepEqual(await leftovers(d.run), { containers: [], networks: [] });
    }
  });
});
