// Links between IDCs on this kernel (no netem: the userspace WAN emulator
// runs): measured latency matches the configured one, degradations come and
// go, cuts and partitions block exactly what they name, isolation keeps local
// clients writing (split brain shows up as lost writes), and self-healing
// faults heal on time even when the CLI that applied them is killed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunState } from '../../src/engine/run-store.js';
import type { RunStatus } from '../../src/engine/status.js';
import { hadrill, startHadrill } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, runtime, tempHome, uniqueRun } from '../support/docker-env.js';
import { readReportDir } from '../support/report-files.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const within = (actual: number | null, expected: number, share: number): boolean => actual !== null && Math.abs(actual - expected) <= expected * share;

describe('links between IDCs', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-links');
  const env = { HADRILL_HOME: home };
  const cli = (...args: string[]) => hadrill([...args, '--run', run], env);
  const links = async (): Promise<RunStatus['links']> => (JSON.parse((await cli('status', '--json')).stdout) as RunStatus).links;
  const rtt = async (a: string, b: string): Promise<number | null> => (await links()).find((l) => l.from === a && l.to === b)?.measuredRttMs ?? null;
  let state: RunState;
  const container = (node: string) => state.plan.containers.find((c) => c.node === node) as RunState['plan']['containers'][number];

  before(async () => {
    await requireDockerAndImage();
    const up = await cli('up', 'test/fixtures/three-idcs-two-cities.yaml');
    assert.equal(up.code, 0, up.stderr.slice(-2000));
    state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
  });
  after(async () => {
    await cli('down');
    await removeEverything(run);
  });

  test('the measured round trip between cities is within 20% of the configured latency', async () => {
    const all = await links();
    const cross = all.find((l) => l.from === 'idc-a' && l.to === 'idc-c');
    assert.equal(cross?.configuredLatencyMs, 30);
    assert.ok(within(cross?.measuredRttMs ?? null, 30, 0.2), `measured ${cross?.measuredRttMs} ms`);
    assert.ok(['netem', 'userspace'].includes(cross?.mechanism ?? ''), `mechanism ${cross?.mechanism}`);
    assert.ok(within(all.find((l) => l.from === 'idc-a' && l.to === 'idc-b')?.measuredRttMs ?? null, 2, 1.5));
  });

  test('a degrade shows, heal removes it, and a degrade with a duration expires by itself', async () => {
    assert.equal((await cli('degrade', 'idc-a', 'idc-c', '--latency', '200ms')).code, 0);
    assert.ok(within(await rtt('idc-a', 'idc-c'), 200, 0.2), 'degraded');
    assert.ok(within(await rtt('idc-b', 'idc-c'), 30, 0.2), 'other links keep their baseline');
    assert.equal((await cli('heal')).code, 0);
    assert.ok(within(await rtt('idc-a', 'idc-c'), 30, 0.2), 'baseline back after heal');
    assert.equal((await cli('degrade', 'idc-a', 'idc-c', '--latency', '150ms', '--duration', '3s')).code, 0);
    assert.ok(within(await rtt('idc-a', 'idc-c'), 150, 0.2), 'degraded for its duration');
    await sleep(3500);
    assert.ok(within(await rtt('idc-a', 'idc-c'), 30, 0.2), 'baseline back after the degrade expired');
  });

  test('a one-way cut lets traffic flow the other way', async () => {
    assert.equal((await cli('cut', 'idc-a', 'idc-b', '--one-way')).code, 0);
    const a = container('app-idc-a');
    const b = container('app-idc-b');
    const receive = (c: typeof a) => runtime.exec(c.name, ['python3', '-c', "import socket;s=socket.socket(2,2);s.bind(('0.0.0.0',9999));s.settimeout(3)\ntry: print(s.recv(100).decode())\nexcept OSError: print('nothing')"], 10_000);
    const send = (c: typeof a, ip: string) => runtime.exec(c.name, ['python3', '-c', `import socket,time;s=socket.socket(2,2)\nfor _ in range(10): s.sendto(b'hello',('${ip}',9999)); time.sleep(0.1)`], 10_000);
    const [bToA] = await Promise.all([receive(a), sleep(300).then(() => send(b, a.ip))]);
    const [aToB] = await Promise.all([receive(b), sleep(300).then(() => send(a, b.ip))]);
    assert.equal(bToA.stdout.trim(), 'hello', 'b -> a flows');
    assert.equal(aToB.stdout.trim(), 'nothing', 'a -> b is cut');
    assert.equal((await cli('heal')).code, 0);
  });

  test('a partition {a,b} | {c} blocks exactly the cross-group pairs', async () => {
    assert.equal((await cli('partition', 'idc-a,idc-b', 'idc-c')).code, 0);
    const all = await links();
    const measured = (x: string, y: string) => all.find((l) => l.from === x && l.to === y)?.measuredRttMs ?? null;
    assert.notEqual(measured('idc-a', 'idc-b'), null, 'a <-> b inside a group');
    assert.equal(measured('idc-a', 'idc-c'), null);
    assert.equal(measured('idc-b', 'idc-c'), null);
    assert.equal((await cli('heal')).code, 0);
    assert.notEqual(await rtt('idc-a', 'idc-c'), null, 'healed');
  });

  test('an isolated IDC keeps running and its clients keep writing: the split brain shows up as lost writes', async () => {
    const fail = await cli('fail', 'idc-a', '--mode', 'isolate', '--json');
    assert.equal(fail.code, 0, fail.stderr);
    const applied = (JSON.parse(fail.stdout) as { appliedMs: number }).appliedMs;
    // The Sentinels outside idc-a promote redis-b; when their first election splits its vote, the
    // next one comes a failover timeout later, so the test waits for the promotion, not a fixed time.
    const promotedBy = Date.now() + 45_000;
    let roleOfB = '';
    while (Date.now() < promotedBy) {
      const status = JSON.parse((await cli('status', '--json')).stdout) as RunStatus;
      roleOfB = status.nodes.find((n) => n.node === 'redis-b')?.role ?? '';
      if (roleOfB === 'master') break;
      await sleep(500);
    }
    assert.equal(roleOfB, 'master', 'the Sentinels in idc-b and idc-c promoted redis-b while idc-a was isolated');
    await sleep(Math.max(0, applied + 12_000 - Date.now()));
    const during = (await runtime.list({ 'dev.hadrill.run': run })).filter((c) => c.labels['dev.hadrill.idc'] === 'idc-a');
    assert.ok(during.length > 0 && during.every((c) => c.state === 'running'), 'processes in the isolated IDC run on');
    assert.equal((await cli('heal')).code, 0);
    await sleep(8000);
    const reportDir = join(home, 'isolation');
    assert.equal((await cli('check', '--report-dir', reportDir)).code, 0);
    const { report, history } = readReportDir(reportDir);
    const redis = report.services.find((s) => s.name === 'redis');
    const local = history.filter((o) => o.kind === 'write' && o.idc === 'idc-a' && o.invokeMs > applied + 1000 && o.invokeMs < applied + 11_000);
    assert.ok(local.filter((o) => o.outcome === 'ok').length > local.length / 2, 'clients in the isolated IDC kept writing to their local master');
    assert.ok(
      (redis?.byIdc.find((i) => i.idc === 'idc-a')?.lost ?? 0) > 0,
      `the isolated side lost its acknowledged writes when it rejoined (authoritative ${redis?.authoritativeNode}, by IDC ${JSON.stringify(redis?.byIdc)})`,
    );
  });

  test('heal leaves no hadrill tc qdisc or iptables rule in any container', async () => {
    assert.equal((await cli('heal')).code, 0);
    for (const c of state.plan.containers) {
      const rules = await runtime.exec(c.name, ['sh', '-c', 'iptables -S 2>/dev/null; tc qdisc show 2>/dev/null']);
      assert.doesNotMatch(rules.stdout, /hadrill:|netem|htb/, `${c.node} has no hadrill rule left`);
    }
  });
});

describe('a self-healing fault whose CLI is killed', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-selfheal');
  const env = { HADRILL_HOME: home };
  before(requireDockerAndImage);
  after(async () => {
    await hadrill(['down', '--run', run], env);
    await removeEverything(run);
  });

  test('heals on time after SIGKILL of the drill, and down then leaves nothing', { timeout: 180_000 }, async () => {
    const journal = join(home, 'runs', run, 'journal.jsonl');
    const drill = startHadrill(['drill', 'test/fixtures/cut-with-duration.yaml', '--run', run, '--report-dir', join(home, 'r')], env);
    const applied = (): { id: string; at: number; durationMs?: number }[] =>
      existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"fault.applied"')).map((l) => JSON.parse(l)) : [];
    const deadline = Date.now() + 120_000;
    while (applied().length < 2 && Date.now() < deadline) await sleep(100);
    drill.child.kill('SIGKILL');
    await drill.done;
    const faults = applied();
    assert.equal(faults.length, 2, 'both faults took effect before the kill');
    assert.ok(faults.every((f) => f.durationMs === 5000), 'both faults carry their duration in the journal');
    const lastDue = Math.max(...faults.map((f) => f.at + (f.durationMs ?? 0)));
    const healedEntries = (): { id: string; at: number }[] => readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"fault.healed"')).map((l) => JSON.parse(l) as { id: string; at: number });
    // Wait for both heals (or give up well after they were due); the timing is asserted below.
    while (healedEntries().length < faults.length && Date.now() < lastDue + 10_000) await sleep(200);
    const healed = healedEntries();
    const healerLog = join(home, 'runs', run, 'healer.log');
    const diagnostics = existsSync(healerLog) ? readFileSync(healerLog, 'utf8').slice(-2000) : 'no healer log';
    for (const f of faults) {
      const h = healed.find((x) => x.id === f.id);
      assert.ok(h, `fault ${f.id} healed by itself (healer log: ${diagnostics})`);
      assert.ok(h.at >= f.at + (f.durationMs ?? 0) && h.at < f.at + (f.durationMs ?? 0) + 3000, `healed on time (${h.at - f.at} ms after it took effect)`);
    }
    const router = `hadrill-${run}-router`;
    const rules = await runtime.exec(router, ['iptables', '-S', 'HADRILL-FWD']);
    assert.doesNotMatch(rules.stdout, /hadrill:/);
    assert.equal((await hadrill(['heal', '--run', run], env)).code, 0);
    assert.equal((await hadrill(['down', '--run', run], env)).code, 0);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
  });
});
