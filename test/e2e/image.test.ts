// Proves the base image with real containers: MariaDB GTID replication,
// Redis replication watched by Sentinel (including one real failover), the
// node runtime, tini as PID 1 and HADRILL_ROUTES. Needs a running Docker
// engine and root (to build the image when it is missing); without them it
// fails rather than skips, because a green run must mean the image works.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import mysql from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { buildBaseImage } from '../../src/images/build-image.js';
import { IMAGE_HASH_LABEL, imageContentHash } from '../../src/images/image-spec.js';
import { DockerImageImporter } from '../../src/runtime/docker-images.js';

const RUN_ID = `image-test-${randomBytes(4).toString('hex')}`;
const LABELS = ['--label', 'dev.hadrill.managed=true', '--label', `dev.hadrill.run=${RUN_ID}`];
const NETWORK = `hadrill-${RUN_ID}`;
// A quote and a backslash make sure the init file escapes the password.
const DB_PASSWORD = `pw'\\${randomBytes(4).toString('hex')}`;
const SENTINEL_MASTER = 'hdmaster';

let image = '';
let subnet: Subnet | null = null;
let networkCreated = false;

interface Subnet {
  cidr: string;
  /** The first three octets, e.g. "10.213.0". */
  prefix: string;
}

async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  const result = await execa('docker', args, { timeout: timeoutMs, stdin: 'ignore' });
  return result.stdout;
}

async function runDetached(name: string, args: string[]): Promise<void> {
  await docker(['run', '-d', '--name', `${RUN_ID}-${name}`, ...LABELS, ...args]);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function cidrRange(cidr: string): [number, number] | null {
  const [ip = '', bitsText = '32'] = cidr.split('/');
  const start = ipv4ToInt(ip);
  const bits = Number(bitsText);
  if (start === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const size = 2 ** (32 - bits);
  const base = start - (start % size);
  return [base, base + size - 1];
}

function overlaps(a: string, b: string): boolean {
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  if (!ra || !rb) return false;
  return ra[0] <= rb[1] && rb[0] <= ra[1];
}

/** Subnets already in use: Docker networks and the host's own routes. */
async function usedSubnets(): Promise<string[]> {
  const used: string[] = [];
  const ids = (await docker(['network', 'ls', '-q'])).split('\n').filter(Boolean);
  if (ids.length > 0) {
    const out = await docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids]);
    used.push(...out.split(/\s+/).filter((s) => s.includes('.')));
  }
  const routes = await execa('ip', ['-4', 'route', 'show'], { reject: false });
  if (!routes.failed) {
    for (const line of routes.stdout.split('\n')) {
      const dest = line.split(' ')[0] ?? '';
      if (dest !== '' && dest !== 'default') used.push(dest.includes('/') ? dest : `${dest}/32`);
    }
  }
  return used;
}

async function pickSubnet(): Promise<Subnet> {
  const used = await usedSubnets();
  for (let third = 0; third < 256; third++) {
    const cidr = `10.213.${third}.0/24`;
    if (!used.some((u) => overlaps(u, cidr))) return { cidr, prefix: `10.213.${third}` };
  }
  throw new Error(`no free /24 in 10.213.0.0/16; in use: ${used.join(', ')}`);
}

function ip(host: number): string {
  assert.ok(subnet, 'test network not created');
  return `${subnet.prefix}.${host}`;
}

async function mariadbConnect(host: string): Promise<Connection> {
  return mysql.createConnection({ host, port: 3306, user: 'root', password: DB_PASSWORD, connectTimeout: 2000 });
}

async function withMariadb<T>(host: string, use: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await mariadbConnect(host);
  try {
    return await use(conn);
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}

async function scalar(conn: Connection, sql: string): Promise<unknown> {
  const [rows] = await conn.query<RowDataPacket[]>(sql);
  const first = rows[0];
  assert.ok(first, `no row from ${sql}`);
  return Object.values(first)[0];
}

async function withRedis<T>(host: string, port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

describe('hadrill base image', () => {
  before(
    async () => {
      const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 30_000 });
      if (info.failed || info.stdout.trim() === '') {
        throw new Error(
          `Docker is unreachable, so the image cannot be tested.\n${info.stderr.trim() || (info.shortMessage ?? '')}\n` +
            'Start the engine (e.g. `dockerd >/var/log/dockerd.log 2>&1 &`) and run the test again.',
        );
      }

      const result = await buildBaseImage({
        importer: new DockerImageImporter(),
        onProgress: (msg) => {
          if (!msg.startsWith('debootstrap: ')) console.error(msg);
        },
      });
      image = result.tag;
      console.error(`image ${image} ${result.built ? `built in ${result.seconds} s` : 'reused'}`);

      subnet = await pickSubnet();
      await docker([
        'network', 'create', '--driver', 'bridge',
        '--subnet', subnet.cidr, '--gateway', `${subnet.prefix}.1`,
        ...LABELS, NETWORK,
      ]);
      networkCreated = true;
    },
    { timeout: 20 * 60_000 },
  );

  after(async () => {
    const problems: string[] = [];
    const ids = (await docker(['ps', '-aq', '--filter', `label=dev.hadrill.run=${RUN_ID}`]).catch((e: Error) => {
      problems.push(e.message);
      return '';
    }))
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await docker(['rm', '-f', '-v', ...ids]).catch((e: Error) => problems.push(e.message));
    if (networkCreated) await docker(['network', 'rm', NETWORK]).catch((e: Error) => problems.push(e.message));
    assert.deepEqual(problems, [], 'clean-up of test containers and network failed');
  });

  it('carries its content hash and runs tini as PID 1 in front of the entrypoint', async () => {
    const label = await docker(['image', 'inspect', '--format', `{{index .Config.Labels "${IMAGE_HASH_LABEL}"}}`, image]);
    assert.equal(label.trim(), imageContentHash());
    assert.ok(image.endsWith(`:${imageContentHash().slice(0, 12)}`), `tag ${image} does not match the content hash`);

    const cmdline = await docker(['run', '--rm', ...LABELS, image, 'cat', '/proc/1/cmdline']);
    assert.deepEqual(cmdline.split('\0').filter(Boolean).slice(0, 3), ['/usr/bin/tini', '--', '/usr/local/bin/hadrill-entrypoint']);
  });

  it('runs node from the image', async () => {
    const version = await docker(['run', '--rm', ...LABELS, image, 'node', '--version']);
    assert.match(version.trim(), /^v18\.\d+\.\d+$/);
  });

  it('adds HADRILL_ROUTES routes with NET_ADMIN; without it, waits for them to be installed from outside, and fails if they never are', { timeout: 120_000 }, async () => {
    const gateway = ip(254);
    const routes = await docker([
      'run', '--rm', ...LABELS, '--network', NETWORK, '--cap-add', 'NET_ADMIN',
      '-e', `HADRILL_ROUTES=10.77.2.0/24=${gateway},10.77.3.0/24=${gateway}`,
      image, 'ip', '-4', 'route', 'show',
    ]);
    assert.match(routes, new RegExp(`^10\\.77\\.2\\.0/24 via ${gateway.replaceAll('.', '\\.')} dev eth0`, 'm'));
    assert.match(routes, new RegExp(`^10\\.77\\.3\\.0/24 via ${gateway.replaceAll('.', '\\.')} dev eth0`, 'm'));

    const never = await execa(
      'docker',
      [
        'run', '--rm', ...LABELS, '--network', NETWORK,
        '-e', `HADRILL_ROUTES=10.77.2.0/24=${gateway}`, '-e', 'HADRILL_ROUTES_WAIT_S=1',
        image, 'true',
      ],
      { reject: false, timeout: 60_000 },
    );
    assert.notEqual(never.exitCode, 0, 'a container whose routes never came must not start its command');
    assert.match(never.stderr, /route 10\.77\.2\.0\/24 via .* did not appear within 1s: without NET_ADMIN it must be installed from outside/);

    // The way hadrill runs its nodes: no NET_ADMIN, the routes installed by a helper in the node's namespace.
    await runDetached('routes-from-outside', ['--network', NETWORK, '-e', `HADRILL_ROUTES=10.77.2.0/24=${gateway}`, image, 'sh', '-c', 'echo command started; ip -4 route show; sleep 120']);
    await docker(['run', '--rm', ...LABELS, '--network', `container:${RUN_ID}-routes-from-outside`, '--cap-add', 'NET_ADMIN', image, 'ip', 'route', 'replace', '10.77.2.0/24', 'via', gateway]);
    // The command prints its routes just after it starts: wait for both, not for the first line only.
    const routeLine = new RegExp(`^10\\.77\\.2\\.0/24 via ${gateway.replaceAll('.', '\\.')} dev eth0`, 'm');
    const logs = await waitFor('the command to start once its route is in place, and print its routes', 20_000, async () => {
      const out = await execa('docker', ['logs', `${RUN_ID}-routes-from-outside`], { timeout: 10_000 });
      return out.stdout.includes('command started') && routeLine.test(out.stdout) ? `${out.stdout}\n${out.stderr}` : undefined;
    });
    assert.match(logs, /hadrill-entrypoint: route 10\.77\.2\.0\/24 via .* \(installed from outside\)/);
    assert.match(logs, routeLine);
  });

  it('turns segmentation offload off, so every TCP segment crosses the WAN router as its own packet', async () => {
    const features = await docker(['run', '--rm', ...LABELS, '--network', NETWORK, '--cap-add', 'NET_ADMIN', image, 'ethtool', '-k', 'eth0']);
    assert.match(features, /^tcp-segmentation-offload: off$/m);
    assert.match(features, /^generic-segmentation-offload: off$/m);
  });

  it('replicates MariaDB with GTID from primary to replica', { timeout: 180_000 }, async () => {
    const primary = ip(11);
    const replica = ip(12);
    const common = ['--network', NETWORK, '-e', `HADRILL_DB_ROOT_PASSWORD=${DB_PASSWORD}`];
    const replicationFlags = ['--log-bin', '--log-slave-updates', '--gtid-strict-mode=1'];
    await runDetached('db1', [...common, '--ip', primary, image, 'hadrill-mariadb', '--server-id=1', ...replicationFlags]);
    await runDetached('db2', [...common, '--ip', replica, image, 'hadrill-mariadb', '--server-id=2', ...replicationFlags]);

    for (const host of [primary, replica]) {
      await waitFor(`MariaDB on ${host}`, 60_000, () => withMariadb(host, (c) => scalar(c, 'SELECT 1')));
      await withMariadb(host, async (conn) => {
        assert.equal(await scalar(conn, 'SELECT @@bind_address'), '0.0.0.0');
        assert.equal(Number(await scalar(conn, 'SELECT @@skip_name_resolve')), 1);
        assert.equal(Number(await scalar(conn, 'SELECT @@log_bin')), 1);
        // The root@'%' set-up must not have produced a local transaction,
        // or strict-mode replication would break on the replica.
        assert.equal(await scalar(conn, 'SELECT @@gtid_binlog_pos'), '');
      });
    }

    await withMariadb(replica, async (conn) => {
      await conn.query(
        `CHANGE MASTER TO MASTER_HOST=?, MASTER_PORT=3306, MASTER_USER='root', MASTER_PASSWORD=?, ` +
          `MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
        [primary, DB_PASSWORD],
      );
      await conn.query('START SLAVE');
    });

    await withMariadb(primary, async (conn) => {
      await conn.query('CREATE DATABASE hadrill_image_test');
      await conn.query('CREATE TABLE hadrill_image_test.t (id INT PRIMARY KEY, note VARCHAR(64)) ENGINE=InnoDB');
      await conn.query('INSERT INTO hadrill_image_test.t VALUES (1, ?)', [RUN_ID]);
    });
    const primaryGtid = await withMariadb(primary, (c) => scalar(c, 'SELECT @@gtid_binlog_pos'));
    assert.match(String(primaryGtid), /^0-1-\d+$/);

    const note = await waitFor('the row on the replica', 30_000, () =>
      withMariadb(replica, async (conn) => {
        const [rows] = await conn.query<RowDataPacket[]>('SELECT note FROM hadrill_image_test.t WHERE id = 1');
        return rows[0]?.['note'] as string | undefined;
      }),
    );
    assert.equal(note, RUN_ID);

    await withMariadb(replica, async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>('SHOW SLAVE STATUS');
      const status = rows[0];
      assert.ok(status, 'replica has no slave status');
      assert.equal(status['Slave_IO_Running'], 'Yes');
      assert.equal(status['Slave_SQL_Running'], 'Yes');
      assert.equal(status['Using_Gtid'], 'Slave_Pos');
      assert.equal(await scalar(conn, 'SELECT @@gtid_slave_pos'), primaryGtid);
    });
  });

  it('runs Redis replication under Sentinel, which reports and fails over the master; a node keeps the role Sentinel gave it across a restart', { timeout: 240_000 }, async () => {
    const master = ip(21);
    const replica = ip(22);
    const sentinel = ip(31);
    const redisArgs = ['redis-server', '--port', '6379', '--protected-mode', 'no', '--bind', '0.0.0.0', '--save', '', '--appendonly', 'no'];
    await runDetached('redis1', ['--network', NETWORK, '--ip', master, image, ...redisArgs]);
    // hadrill-redis keeps its options in a config file that Sentinel's CONFIG REWRITE updates.
    await runDetached('redis2', ['--network', NETWORK, '--ip', replica, image, 'hadrill-redis', ...redisArgs.slice(1), '--replicaof', master, '6379']);

    await waitFor('the Redis replica to sync', 30_000, () =>
      withRedis(replica, 6379, async (client) => {
        const info = await client.info('replication');
        return info.includes('master_link_status:up') ? true : undefined;
      }),
    );
    await withRedis(master, 6379, (client) => client.set('hadrill:image-test', RUN_ID));
    const copied = await waitFor('the key on the Redis replica', 10_000, () =>
      withRedis(replica, 6379, async (client) => (await client.get('hadrill:image-test')) ?? undefined),
    );
    assert.equal(copied, RUN_ID);

    await runDetached('sentinel1', [
      '--network', NETWORK, '--ip', sentinel,
      '-e', `HADRILL_SENTINEL_MASTER_NAME=${SENTINEL_MASTER}`,
      '-e', `HADRILL_SENTINEL_MASTER_IP=${master}`,
      '-e', 'HADRILL_SENTINEL_QUORUM=1',
      '-e', 'HADRILL_SENTINEL_DOWN_AFTER_MS=1000',
      '-e', 'HADRILL_SENTINEL_FAILOVER_TIMEOUT_MS=10000',
      '-e', `HADRILL_SENTINEL_ANNOUNCE_IP=${sentinel}`,
      image, 'hadrill-sentinel',
    ]);

    const addr = await waitFor('Sentinel to answer', 30_000, () =>
      withRedis(sentinel, 26379, async (client) => (await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER)) as string[]),
    );
    assert.deepEqual(addr, [master, '6379']);
    await waitFor('Sentinel to discover the replica', 30_000, () =>
      withRedis(sentinel, 26379, async (client) => {
        const replicas = (await client.call('SENTINEL', 'replicas', SENTINEL_MASTER)) as string[][];
        return replicas.some((fields) => fields[fields.indexOf('ip') + 1] === replica) ? true : undefined;
      }),
    );

    await docker(['kill', `${RUN_ID}-redis1`]);
    const promoted = await waitFor('Sentinel to fail over to the replica', 60_000, () =>
      withRedis(sentinel, 26379, async (client) => {
        const now = (await client.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER)) as string[];
        return now[0] === replica ? now : undefined;
      }),
    );
    assert.deepEqual(promoted, [replica, '6379']);
    assert.equal(await withRedis(replica, 6379, async (client) => (await client.call('ROLE')) as unknown[]).then((r) => r[0]), 'master');

    // A power cycle of the promoted node: it comes back a master, as Sentinel left it, not a replica of its first master.
    await docker(['restart', '-t', '0', `${RUN_ID}-redis2`]);
    const role = await waitFor('the restarted node to answer', 30_000, () => withRedis(replica, 6379, async (client) => ((await client.call('ROLE')) as unknown[])[0] as string));
    assert.equal(role, 'master');

    // The drill timeline is rebuilt from these lines, so they must be in
    // `docker logs` with millisecond timestamps.
    // Sentinel logs +switch-master a moment after it starts answering with the new master.
    const text = await waitFor('Sentinel to log +switch-master', 30_000, async () => {
      const logs = await execa('docker', ['logs', `${RUN_ID}-sentinel1`], { timeout: 30_000 });
      const all = `${logs.stdout}\n${logs.stderr}`;
      return all.includes('+switch-master') ? all : undefined;
    });
    const stamped = (event: string): RegExp => new RegExp(`\\d{2}:\\d{2}:\\d{2}\\.\\d{3} # \\${event} `);
    assert.match(text, stamped('+monitor'));
    assert.match(text, stamped('+sdown'));
    assert.match(text, stamped('+odown'));
    assert.match(text, stamped('+switch-master'));
    assert.ok(text.includes(`+switch-master ${SENTINEL_MASTER} ${master} 6379 ${replica} 6379`), 'switch-master line names the old and new master');
  });
});
