// The CLI is killed (SIGKILL) in the middle of a drill, after a fault took
// effect: `heal` and `down` must still restore and remove everything of the
// run, from the journal and the labels, and touch nothing else.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { imageTag } from '../../src/images/image-spec.js';
import { hadrill, startHadrill } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, runtime, tempHome, uniqueRun } from '../support/docker-env.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a drill whose CLI is killed', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-crash');
  const bystander = `bystander-${run}`;
  const env = { HADRILL_HOME: home };

  before(async () => {
    await requireDockerAndImage();
    // Someone else's container on the same engine: hadrill must never touch it.
    await runtime.run({ name: bystander, image: imageTag(), cmd: ['sleep', '600'], env: {}, labels: { 'dev.example.owner': 'someone-else' }, networks: [], capAdd: [], sysctls: {}, binds: [] });
  });
  after(async () => {
    await runtime.remove(bystander);
    await removeEverything(run);
  });

  test('heal and down after SIGKILL leave no container, network or rule of the run', { timeout: 240_000 }, async () => {
    const journal = join(home, 'runs', run, 'journal.jsonl');
    const drill = startHadrill(['drill', 'scenarios/hot-standby.yaml', '--run', run, '--report-dir', join(home, 'report')], env);
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"fault.applied"')).length >= 2) break;
      await sleep(200);
    }
    drill.child.kill('SIGKILL');
    await drill.done;
    assert.ok(readFileSync(journal, 'utf8').includes('"kind":"power"'), 'the power fault was journaled before the kill');
    assert.ok((await leftovers(run)).containers.length > 0, 'the killed drill left its topology behind');

    const heal = await hadrill(['heal', '--run', run], env);
    assert.equal(heal.code, 0, heal.stderr);
    assert.match(heal.stdout, /healed power idc-a/);
    const down = await hadrill(['down', '--run', run], env);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
    const others = await runtime.list({ 'dev.example.owner': 'someone-else' });
    assert.equal(others.find((c) => c.name === bystander)?.state, 'running', 'the bystander container is untouched');
  });
});
