// What a run exposes, checked on a real one: state files only the user can
// read; no secret in any container's configuration (`docker inspect`), in the
// CLI's output, in container logs or in reports; NET_ADMIN on the router
// only; no-new-privileges and memory and process ceilings on every
// container; Redis, Sentinel and the failover manager refusing clients
// without their password or token; and IDC networks with no route out of
// the topology, IPv4 or IPv6.
import assert from 'node:assert/strict';
import { statSync, readFileSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunState } from '../../src/engine/run-store.js';
import { hadrill, type CliResult } from '../support/hadrill-cli.js';
import { removeEverything, requireDockerAndImage, runtime, tempHome, uniqueRun } from '../support/docker-env.js';

/** Sends one command to a Redis or Sentinel port and returns the first reply line. */
function redisSay(host: string, port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port }, () => socket.write(lines.map((l) => `${l}\r\n`).join('')));
    let text = '';
    socket.setTimeout(3000, () => (socket.destroy(), resolve(text)));
    socket.on('data', (b) => {
      text += b.toString();
      if (text.split('\r\n').length > lines.length) (socket.destroy(), resolve(text.trim()));
    });
    socket.on('error', reject);
  });
}

describe('least privilege', () => {
  const home = tempHome();
  const env = { HADRILL_HOME: home };
  const run = uniqueRun('e2e-priv');
  const cli = (...args: string[]): Promise<CliResult> => hadrill([...args, '--run', run], env);
  let state: RunState;
  let upOutput: CliResult;
  const node = (name: string) => state.plan.containers.find((c) => c.node === name) as RunState['plan']['containers'][number];
  /** Every secret as text: the passwords and token, and the run's SSH private key (whole, and one line of its body, as a leak may be partial). */
  const secrets = (): string[] => {
    const { sshKey, ...passwords } = state.secrets;
    const keyLines = sshKey?.privatePem.split('\n').filter((l) => l.length === 64) ?? [];
    return [...Object.values(passwords), ...(sshKey ? [sshKey.privatePem, keyLines[Math.floor(keyLines.length / 2)] ?? ''] : [])];
  };

  before(async () => {
    await requireDockerAndImage();
    upOutput = await cli('up', 'scenarios/hot-standby.yaml');
    assert.equal(upOutput.code, 0, upOutput.stderr.slice(-2000));
    state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
  });
  after(async () => {
    await cli('down');
    await removeEverything(run, home);
  });

  test('state files are 0600 in 0700 directories', async () => {
    assert.equal((await cli('fail', 'idc-b', '--mode', 'freeze')).code, 0);
    assert.equal((await cli('heal')).code, 0);
    const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
    // Every machinery node (here the failover manager) logs into a directory of its own name.
    const manager = state.plan.containers.find((c) => c.kind === 'manager')!.node;
    for (const dir of ['runs', `runs/${run}`, `runs/${run}/history`, `runs/${run}/${manager}`]) assert.equal(mode(join(home, dir)), '700', dir);
    for (const file of ['home-id', 'current', `runs/${run}/state.json`, `runs/${run}/journal.jsonl`]) assert.equal(mode(join(home, file)), '600', file);
  });

  test('no secret in any container\'s configuration, the CLI\'s output, container logs or the reports', async () => {
    const reportDir = join(home, 'report');
    const check = await cli('check', '--report-dir', reportDir);
    // The verdict depends on what the freeze above cost; either way the report is written.
    assert.ok(check.code === 0 || check.code === 1, check.stderr.slice(-2000));
    const places: [string, string][] = [
      ['up output', upOutput.stdout + upOutput.stderr],
      ['status --json', (await cli('status', '--json')).stdout],
      ['check output', check.stdout + check.stderr],
      ['compose', (await hadrill(['compose', 'scenarios/hot-standby.yaml'], env)).stdout],
      ...readdirSync(reportDir).map((f): [string, string] => [`report ${f}`, readFileSync(join(reportDir, f), 'utf8')]),
    ];
    for (const c of state.plan.containers) {
      places.push([`docker inspect ${c.name}`, JSON.stringify(await runtime.docker.getContainer(c.name).inspect())]);
      places.push([`docker logs ${c.name}`, await runtime.logs(c.name)]);
    }
    const leaks = places.flatMap(([where, text]) => secrets().filter((s) => text.includes(s)).map(() => where));
    assert.deepEqual(leaks, []);
    assert.equal(secrets().filter((x) => x.length >= 16).length, 9, 'every secret of the run was looked for: MySQL root, replication and workload, Redis and its workload user, Sentinel, the manager token, the SSH private key');
  });

  test('only the router has NET_ADMIN, and no other container can craft packets (NET_RAW dropped)', async () => {
    for (const c of state.plan.containers) {
      const host = (await runtime.docker.getContainer(c.name).inspect()).HostConfig;
      const caps = [host.CapAdd ?? [], host.CapDrop ?? []];
      assert.deepEqual(caps, c.kind === 'router' ? [['NET_ADMIN'], []] : [[], ['NET_RAW']], c.name);
    }
  });

  test('every container has no-new-privileges, a memory ceiling without swap beyond it, and a process ceiling', async () => {
    for (const c of state.plan.containers) {
      const host = (await runtime.docker.getContainer(c.name).inspect()).HostConfig;
      assert.deepEqual(host.SecurityOpt, ['no-new-privileges'], c.name);
      assert.deepEqual([host.Memory, host.MemorySwap, host.PidsLimit], [c.limits.memoryBytes, c.limits.memoryBytes, c.limits.pids], c.name);
      assert.ok(c.limits.memoryBytes >= 128 * 1024 * 1024 && c.limits.pids >= 64, `${c.name} has room to work`);
      // The kernel's own word for it, from the container's first process.
      const status = await runtime.exec(c.name, ['cat', '/proc/1/status']);
      assert.match(status.stdout, /^NoNewPrivs:\s+1$/m, c.name);
    }
  });

  test('Redis, the Sentinels and the failover manager refuse clients without their password or token; the agents\' Redis user reaches only the workload', async () => {
    const redis = node('redis-a').ip;
    const sentinel = node('sentinel-idc-c').ip;
    assert.match(await redisSay(redis, 6379, ['PING']), /^-NOAUTH/);
    assert.match(await redisSay(redis, 6379, [`AUTH ${state.secrets.redisPassword}`, 'PING']), /^\+OK\r\n\+PONG$/);
    // The agents' own user reaches the workload's keys with a workload's commands, and nothing else.
    const asWorkload = (command: string): Promise<string> => redisSay(redis, 6379, [`AUTH hadrill-workload ${state.secrets.redisAppPassword}`, command]);
    assert.ok(state.secrets.redisAppPassword, 'the run has a workload password');
    assert.match(await asWorkload('SET hadrill:probe 1'), /^\+OK\r\n\+OK$/);
    assert.match(await asWorkload('GET hadrill:w:nothing'), /^\+OK\r\n\$-1$/);
    for (const refused of ['SET other:key 1', 'CONFIG GET requirepass', 'FLUSHALL', 'KEYS *', 'EVAL "return 1" 0', 'SHUTDOWN NOSAVE', 'ACL LIST', 'REPLICAOF NO ONE']) {
      assert.match(await asWorkload(refused), /^\+OK\r\n-NOPERM/, refused);
    }
    assert.match(await redisSay(redis, 6379, [`AUTH ${state.secrets.redisAppPassword}`, 'PING']), /^-WRONGPASS/, 'the workload password is not the default user\'s');
    assert.match(await redisSay(sentinel, 26379, ['SENTINEL masters']), /^-NOAUTH/);
    assert.match(await redisSay(sentinel, 26379, [`AUTH ${state.secrets.sentinelPassword}`, 'PING']), /^\+OK\r\n\+PONG$/);
    const url = `http://${node('mysql-manager').ip}:8080/primary`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer guess' } })).status, 401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${state.secrets.managerToken}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { name: string }).name, 'db-a');
  });

  test('IDC networks lead to the other IDCs only: no default route, nothing outside the topology reachable', async () => {
    const subnets = state.plan.networks.map((n) => n.subnet);
    for (const c of state.plan.containers) {
      const routes = (await runtime.exec(c.name, ['ip', '-4', 'route', 'show'])).stdout.trim().split('\n');
      assert.ok(routes.every((r) => subnets.includes(r.split(' ')[0] ?? '')), `${c.name} routes: ${routes.join('; ')}`);
      const v6 = (await runtime.exec(c.name, ['ip', '-6', 'route', 'show', 'default'])).stdout.trim();
      assert.equal(v6, '', `${c.name} has an IPv6 default route`);
      if (c.kind === 'router') continue;
      assert.equal(routes.length, subnets.length, `${c.name} reaches every IDC`);
      const out = await runtime.exec(c.name, ['ping', '-c', '1', '-W', '1', '8.8.8.8']);
      assert.match(out.stdout + out.stderr, /Network is unreachable/, `${c.name} has a way out`);
    }
    const across = await runtime.exec(node('app-idc-a').name, ['ping', '-c', '1', '-W', '2', node('db-b').ip]);
    assert.equal(across.exitCode, 0, 'the other IDC is reached through the router');
  });
});
