// The Docker, MySQL and Redis client libraries, loaded on first use. Most
// invocations (validate, init, compose, report, a scenario error, --help)
// never talk to any of them, and loading all three at start-up cost about
// a third of a second on every command.
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import type * as MysqlPromise from 'mysql2/promise';
import type * as IORedis from 'ioredis';

const require = createRequire(import.meta.url);

export function dockerode(): typeof Dockerode {
  return require('dockerode') as typeof Dockerode;
}

export function mysql2(): typeof MysqlPromise {
  return require('mysql2/promise') as typeof MysqlPromise;
}

export function ioredis(): typeof IORedis {
  return require('ioredis') as typeof IORedis;
}
