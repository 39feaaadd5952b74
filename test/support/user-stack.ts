// A user's own stack, started the way a user would, with plain `docker run`
// on a network of its own: hadrill did not create it and must leave it as it
// found it. The containers run the example's scripts (examples/attach/shop),
// with the user's own configuration: their replication, their Sentinels.
import { execa } from 'execa';
import { join } from 'node:path';
import { imageTag } from '../../src/images/image-spec.js';
import { ROOT } from './hadrill-cli.js';

export const USER_NETWORK = 'userstack-net';
export const DB_PASSWORD = 'userstack-db-pw';
export const REDIS_PASSWORD = 'userstack-redis-pw';

interface UserContainer {
  name: string;
  /** A script of the example's, or (proxy) the command line of the container's own program. */
  script?: string;
  command?: string[];
  env: Record<string, string>;
  labels?: Record<string, string>;
}

const CONTAINERS: UserContainer[] = [
  { name: 'userstack-db-a', script: 'mariadb.sh', env: { SERVER_ID: '1', DB_PASSWORD } },
  { name: 'userstack-db-b', script: 'mariadb.sh', env: { SERVER_ID: '2', DB_PASSWORD, PRIMARY_HOST: 'userstack-db-a' } },
  { name: 'userstack-redis-a', script: 'redis.sh', env: { REDIS_PASSWORD }, labels: { 'userstack.part': 'redis-a' } },
  { name: 'userstack-redis-b', script: 'redis.sh', env: { REDIS_PASSWORD, MASTER_HOST: 'userstack-redis-a' }, labels: { 'userstack.part': 'redis-b' } },
  ...['a', 'b', 'c'].map((x) => ({ name: `userstack-sentinel-${x}`, script: 'sentinel.sh', env: { REDIS_PASSWORD, MASTER_HOST: 'userstack-redis-a' } })),
  // The user's own HAProxy in front of MariaDB: the primary, and the replica as a backup server.
  { name: 'userstack-haproxy', command: ['haproxy', '-db', '-f', '/fixtures/haproxy.cfg'], env: {} },
];

export const USER_CONTAINERS = CONTAINERS.map((c) => c.name);

export async function docker(args: string[]): Promise<string> {
  return (await execa('docker', args)).stdout;
}

export async function startUserStack(): Promise<void> {
  await removeUserStack();
  await docker(['network', 'create', USER_NETWORK]);
  for (const c of CONTAINERS) {
    await docker([
      'run', '-d', '--name', c.name, '--network', USER_NETWORK,
      '-v', `${join(ROOT, 'examples', 'attach', 'shop')}:/shop:ro`,
      '-v', `${join(ROOT, 'test', 'fixtures', 'attach')}:/fixtures:ro`,
      ...Object.entries(c.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      ...Object.entries(c.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      ...(c.command ? ['--entrypoint', c.command[0]!, imageTag(), ...c.command.slice(1)] : ['--entrypoint', 'sh', imageTag(), `/shop/${c.script}`]),
    ]);
  }
}

export async function removeUserStack(): Promise<void> {
  await execa('docker', ['rm', '-f', ...USER_CONTAINERS], { reject: false });
  await execa('docker', ['network', 'rm', USER_NETWORK], { reject: false });
}

/** What must not change: each container's id, configuration, host configuration and networks' endpoints. */
export async function userStackSnapshot(): Promise<Record<string, { id: string; config: unknown; hostConfig: unknown; networks: string[]; running: boolean }>> {
  const inspected = JSON.parse(await docker(['inspect', ...USER_CONTAINERS])) as {
    Id: string;
    Name: string;
    Config: unknown;
    HostConfig: unknown;
    State: { Running: boolean };
    NetworkSettings: { Networks: Record<string, unknown> };
  }[];
  return Object.fromEntries(
    inspected.map((c) => [c.Name.replace(/^\//, ''), { id: c.Id, config: c.Config, hostConfig: c.HostConfig, networks: Object.keys(c.NetworkSettings.Networks).sort(), running: c.State.Running }]),
  );
}

/** The address of one of the stack's containers on its network. */
export async function userIp(name: string): Promise<string> {
  return docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${USER_NETWORK}").IPAddress}}`, name]);
}
