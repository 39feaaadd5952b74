// A drill's CLI killed (SIGKILL) at every phase: during up, in steady state,
// with faults active (router rules, a power loss and its pending healer),
// during recovery, the final read and the teardown. `heal` and `down` must
// then leave no active fault, no container, network, state or healer process
// of the run, and touch nothing else. And a drill sent SIGINT or SIGTERM
// heals, tears down and exits 130 or 143 by itself, inside `compare` too.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { activeFaults, type JournalEntry } from '../../src/core/journal-model.js';
import { imageTag } from '../../src/images/image-spec.js';
import { hadrill, startHadrill } from '../support/hadrill-cli.js';
import { leftovers, processesOf, removeEverything, requireDockerAndImage, runtime, tempHome, uniqueRun } from '../support/docker-env.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SCENARIO = 'test/fixtures/kill-points.yaml';

/** Where the CLI is killed: the phase line it waits for on stderr, and how long after it. */
const KILL_POINTS = [
  { phase: 'up', line: /- Starting \d+ datastore nodes of \d+ groups? \.\.\./, afterMs: 300 },
  { phase: 'steady state', line: /- Writing steadily until the first fault/, afterMs: 800 },
  { phase: 'an active fault', line: /done: Injecting power idc-a/, afterMs: 200 },
  { phase: 'recovery', line: /- Letting the failover machinery work/, afterMs: 1500 },
  { phase: 'the final read', line: /- Reading the final state of every reachable node/, afterMs: 0 },
  { phase: 'teardown', line: /- Removing the containers and networks of run/, afterMs: 0 },
] as const;

describe('a drill whose CLI is killed or interrupted', () => {
  const home = tempHome();
  const env = { HADRILL_HOME: home };
  const runs: string[] = [];
  const bystander = uniqueRun('bystander');

  before(async () => {
    await requireDockerAndImage();
    // Someone else's container on the same engine: hadrill must never touch it.
    await runtime.run({ name: bystander, image: imageTag(), cmd: ['sleep', '900'], env: {}, labels: { 'dev.example.owner': 'someone-else' }, networks: [], capAdd: [], capDrop: [], sysctls: {}, binds: [], files: [] });
  });
  after(async () => {
    await runtime.remove(bystander);
    for (const run of runs) await removeEverything(run, home);
  });

  const journal = (run: string): JournalEntry[] => {
    const file = join(home, 'runs', run, 'journal.jsonl');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry) : [];
  };
  const drillOf = (run: string) => startHadrill(['drill', SCENARIO, '--run', run, '--report-dir', join(home, `report-${run}`)], env);

  async function assertNothingLeft(run: string): Promise<void> {
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] }, 'no container or network of the run');
    assert.equal(existsSync(join(home, 'runs', run)), false, 'no state of the run');
    assert.deepEqual(processesOf(run), [], 'no healer of the run still waiting');
    const others = await runtime.list({ 'dev.example.owner': 'someone-else' });
    assert.equal(others.find((c) => c.name === bystander)?.state, 'running', 'the bystander container is untouched');
  }

  for (const point of KILL_POINTS) {
    test(`SIGKILL during ${point.phase}: heal and down leave no fault, container, network, state or healer`, { timeout: 240_000 }, async () => {
      const run = uniqueRun('e2e-kill');
      runs.push(run);
      const drill = drillOf(run);
      await drill.until(point.line, 150_000);
      await sleep(point.afterMs);
      drill.child.kill('SIGKILL');
      await drill.done;
      assert.ok((await leftovers(run)).containers.length > 0, 'the killed drill left containers behind');

      const heal = await hadrill(['heal', '--run', run], env);
      assert.equal(heal.code, 0, heal.stderr);
      assert.deepEqual(activeFaults(journal(run)), [], 'no fault is active after heal');
      const down = await hadrill(['down', '--run', run], env);
      assert.equal(down.code, 0, down.stderr);
      await assertNothingLeft(run);
    });
  }

  // SIGINT is sent to a comparison's drill below: drill and compare share one interruption handler.
  for (const { signal, code, line } of [{ signal: 'SIGTERM', code: 143, line: /- Starting \d+ datastore nodes of \d+ groups? \.\.\./ }] as const) {
    test(`${signal} heals, tears down and exits ${code} by itself`, { timeout: 240_000 }, async () => {
      const run = uniqueRun('e2e-signal');
      runs.push(run);
      const drill = drillOf(run);
      await drill.until(line, 150_000);
      const sent = Date.now();
      drill.child.kill(signal);
      const result = await drill.done;
      assert.equal(result.code, code, result.stderr.slice(-2000));
      assert.match(result.stderr, new RegExp(`interrupted; healing every fault and removing the topology[\\s\\S]*The drill was (interrupted|terminated) by ${signal}`));
      assert.match(result.stderr, /Removed \d+ containers and \d+ networks of run/);
      await assertNothingLeft(run);
      console.log(`${signal}: exited ${code} ${((Date.now() - sent) / 1000).toFixed(1)} s after the signal`);
    });
  }

  test('SIGINT during a comparison\'s drill heals and tears that drill down, starts no other, and exits 130', { timeout: 240_000 }, async () => {
    // compare names each drill's run after its scenario.
    const run = 'kill-points';
    runs.push(run);
    const compare = startHadrill(['compare', SCENARIO, 'scenarios/hot-standby.yaml', '--report-dir', join(home, 'compare')], env);
    await compare.until(/done: Injecting power idc-a/, 150_000);
    compare.child.kill('SIGINT');
    const result = await compare.done;
    assert.equal(result.code, 130, result.stderr.slice(-2000));
    assert.match(result.stderr, /interrupted; healing every fault and removing the topology[\s\S]*The comparison was interrupted by SIGINT; its faults were healed and its topology removed/);
    assert.match(result.stderr, /Removed \d+ containers and \d+ networks of run kill-points/);
    assert.doesNotMatch(result.stderr, /Drilling scenarios\/hot-standby\.yaml/, 'the second drill never started');
    await assertNothingLeft(run);
  });
});
