// `hadrill compare` given two scenarios drills both and prints the tier
// trade-off with the numbers it measured.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hadrill } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, tempHome } from '../support/docker-env.js';
import { readReportDir } from '../support/report-files.js';

const home = tempHome();
const reportDir = join(home, 'compare');
before(requireDockerAndImage);
after(async () => {
  await removeEverything('hot-standby', home);
  await removeEverything('hot-standby-semisync', home);
});

test('compare drills the hot-standby scenarios and prints both rows with measured numbers', { timeout: 300_000 }, async () => {
  const r = await hadrill(['compare', 'scenarios/hot-standby.yaml', 'scenarios/hot-standby-semisync.yaml', '--report-dir', reportDir], { HADRILL_HOME: home });
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  const async = readReportDir(join(reportDir, 'hot-standby')).report;
  const semi = readReportDir(join(reportDir, 'hot-standby-semisync')).report;
  const lines = r.stdout.split('\n');
  const row = (name: string): string => lines.find((l) => l.startsWith(name + ' ')) ?? '';
  assert.ok(row('hot-standby'), r.stdout);
  assert.ok(row('hot-standby-semisync'), r.stdout);
  // The printed lost-write counts are the measured ones.
  const asyncLost = async.services.find((s) => s.name === 'mysql')?.lost;
  assert.ok(asyncLost !== undefined && asyncLost > 0);
  assert.match(row('hot-standby'), new RegExp(`\\b${asyncLost}\\b`));
  assert.equal(semi.services.find((s) => s.name === 'mysql')?.lost, 0);
  assert.deepEqual(await leftovers('hot-standby'), { containers: [], networks: [] });
});
