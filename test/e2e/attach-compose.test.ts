// End to end: docs/attach.md's worked example, as CI runs it. The "shop"
// Compose project (examples/attach/compose.yaml) is started with Compose, and
// examples/attach/shop.yaml attaches to it by project and service. First the
// whole drill: the shop's own Sentinels fail Redis over, and hadrill measures
// it. Then a drill killed (SIGKILL) while its faults are in force, power cut
// and a Sentinel's IDC isolated: `hadrill down` must still give every
// container back, running and without hadrill's rules, from the journal.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { Report } from '../../src/core/report/report-model.js';
import { imageTag } from '../../src/images/image-spec.js';
import { waitFor } from '../../src/core/wait.js';
import { hadrill, ROOT, startHadrill } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, tempHome, uniqueRun } from '../support/docker-env.js';

const COMPOSE_FILE = join(ROOT, 'examples', 'attach', 'compose.yaml');
const SCENARIO = join(ROOT, 'examples', 'attach', 'shop.yaml');
const PROJECT = 'shop';
const SERVICES = ['db-primary', 'db-replica', 'redis-a', 'redis-b', 'sentinel-a', 'sentinel-b', 'sentinel-c'];
const secrets = { SHOP_DB_PASSWORD: 'shop-db-pw-e2e', SHOP_REDIS_PASSWORD: 'shop-redis-pw-e2e' };

async function compose(args: string[]): Promise<string> {
  const r = await execa('docker-compose', ['-p', PROJECT, '-f', COMPOSE_FILE, ...args], { env: { SHOP_IMAGE: imageTag(), ...secrets }, reject: false });
  if (r.exitCode !== 0) throw new Error(`docker-compose ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Each service's container: its id, whether it runs, and whether hadrill left a rule in its namespace. */
async function shop(): Promise<Record<string, { id: string; running: boolean }>> {
  const ids = (await compose(['ps', '-q'])).split('\n').filter(Boolean);
  const inspected = JSON.parse((await execa('docker', ['inspect', ...ids])).stdout) as { Id: string; State: { Running: boolean }; Config: { Labels: Record<string, string> } }[];
  return Object.fromEntries(inspected.map((c) => [c.Config.Labels['com.docker.compose.service'], { id: c.Id, running: c.State.Running }]));
}

async function hadrillRules(service: string): Promise<string> {
  const id = (await compose(['ps', '-q', service])).trim();
  return (await execa('docker', ['run', '--rm', '--network', `container:${id}`, '--cap-add', 'NET_ADMIN', '--entrypoint', 'iptables', imageTag(), '-S'])).stdout;
}

describe('attach: the docs example, a Compose project with its own Sentinels', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-shop');
  const env = { HADRILL_HOME: home, ...secrets };
  let started: Awaited<ReturnType<typeof shop>>;

  before(async () => {
    await requireDockerAndImage();
    const which = await execa('docker-compose', ['version'], { reject: false });
    assert.equal(which.exitCode, 0, 'the attach example needs docker-compose (.ci/run installs it)');
    await compose(['down', '-v']).catch(() => undefined);
    await compose(['up', '-d']);
    await waitFor('the shop\'s MariaDB replica to replicate', async () => {
      const id = (await compose(['ps', '-q', 'db-replica'])).trim();
      const r = await execa('docker', ['exec', id, 'mariadb', '-uroot', '-e', 'SHOW SLAVE STATUS\\G'], { reject: false });
      return /Slave_IO_Running: Yes/.test(r.stdout) ? true : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    started = await shop();
    assert.deepEqual(Object.keys(started).sort(), [...SERVICES].sort());
  });
  after(async () => {
    await hadrill(['down', '--run', run], env);
    await removeEverything(run);
    await compose(['down', '-v']).catch(() => undefined);
  });

  test('the worked example: the shop\'s Sentinels fail Redis over, measured; MariaDB waits for its power', { timeout: 600_000 }, async () => {
    const reportDir = join(home, 'report');
    const result = await hadrill(['drill', SCENARIO, '--run', run, '--report-dir', reportDir, '--yes'], env);
    assert.equal(result.code, 0, result.stderr.slice(-3000));
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
    const redis = report.services.find((s) => s.name === 'redis')!;
    assert.deepEqual(redis.promotions.map((p) => p.node), ['redis-b'], JSON.stringify(redis.promotions));
    assert.ok(redis.rtoSplit.detectMs !== null && redis.rtoSplit.detectMs >= 3000, JSON.stringify(redis.rtoSplit));
    assert.ok(redis.rtoMs !== null && redis.rtoMs < 20_000, `${redis.rtoMs}`);
    const mysql = report.services.find((s) => s.name === 'mysql')!;
    assert.ok(mysql.acknowledged > 100 && mysql.rtoMs !== null && mysql.rtoMs >= 15_000, JSON.stringify({ ack: mysql.acknowledged, rto: mysql.rtoMs }));
    assert.equal(mysql.lost, 0, 'a power loss that keeps the page cache loses nothing InnoDB acknowledged');
    // The drill removed itself, and gave the project back running.
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
    const now = await shop();
    for (const service of SERVICES) assert.deepEqual(now[service], { id: started[service]!.id, running: true }, service);
  });

  test('a drill killed while its faults are in force: `hadrill down` gives every container back from the journal', { timeout: 600_000 }, async () => {
    // The first drill's failover left redis-b the master: an attached scenario refuses a master other than the one it names.
    const refused = await hadrill(['up', SCENARIO, '--run', run, '--yes'], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /the scenario says redis-a is the master, but it is a replica/);
    assert.match(refused.stderr, /SENTINEL FAILOVER shop/);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
    // As the hint says: the master moved back by the shop's own Sentinels.
    const sentinel = (await compose(['ps', '-q', 'sentinel-b'])).trim();
    await execa('docker', ['exec', sentinel, 'redis-cli', '-p', '26379', 'SENTINEL', 'FAILOVER', 'shop']);
    const redisA = (await compose(['ps', '-q', 'redis-a'])).trim();
    await waitFor('redis-a to be the master again', async () => {
      const r = await execa('docker', ['exec', redisA, 'redis-cli', '-a', secrets.SHOP_REDIS_PASSWORD, '--no-auth-warning', 'ROLE'], { reject: false });
      return r.stdout.startsWith('master') ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });

    const crashed = startHadrill(['drill', SCENARIO, '--run', run, '--report-dir', join(home, 'crashed'), '--yes'], env);
    await crashed.until(/done: Injecting power idc-a/, 240_000);
    // And a second fault of another kind, from another process, on top.
    const isolate = await hadrill(['fail', 'idc-c', '--mode', 'isolate', '--run', run], env);
    assert.equal(isolate.code, 0, isolate.stderr);
    assert.match(await hadrillRules('sentinel-c'), /HADRILL-/, 'the isolation is a chain of hadrill\'s in sentinel-c\'s namespace');
    crashed.child.kill('SIGKILL');
    await crashed.done;
    const during = await shop();
    assert.equal(during['db-primary']!.running, false, 'the power of idc-a is still off when hadrill dies');

    const down = await hadrill(['down', '--run', run], env);
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
    const now = await shop();
    for (const service of SERVICES) {
      assert.deepEqual(now[service], { id: started[service]!.id, running: true }, `${service} runs again, the same container`);
      assert.doesNotMatch(await hadrillRules(service), /HADRILL/, `${service} holds no rule of hadrill's`);
    }
  });
});
