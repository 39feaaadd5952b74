// The workload agent: runs inside an IDC, writes to MySQL and Redis at a
// steady rate, reads back from the nodes in its own IDC, and records every
// operation. SIGUSR1 pauses the writes (after
// in-flight ones finish) so a final read sees a quiet system; SIGUSR2 resumes.
import { readConfigFile } from '../config-file.js';
import type { AgentConfig } from '../core/plan/runtime-configs.js';
import { HistoryWriter, nowMs } from './history-writer.js';
import { MysqlReader } from './mysql-reader.js';
import { MysqlWriter } from './mysql-writer.js';
import { OpLoop, type OpFn, type OpLoopOptions } from './op-loop.js';
import { RedisReader } from './redis-reader.js';
import { RedisWriter } from './redis-writer.js';

const config = readConfigFile<AgentConfig>('HADRILL_AGENT_CONFIG_FILE', 'hadrill agent');

// A restarted agent (after a power loss) continues the same history file; the incarnation keeps op ids unique.
const incarnation = Math.floor(nowMs()).toString(36);
const history = new HistoryWriter(config.historyFile);
const loops: OpLoop[] = [];
const closers: (() => Promise<void>)[] = [];
const loop = (service: OpLoopOptions['service'], kind: OpLoopOptions['kind'], perSecond: number, perform: OpFn): void => {
  const { client, idc, keys } = config;
  loops.push(new OpLoop({ service, kind, client, idc, incarnation, perSecond, keys }, history, perform));
};

if (config.mysql) {
  const writer = new MysqlWriter(config.mysql, config.client, config.idc, config.opTimeoutMs);
  writer.start();
  closers.push(() => writer.stop());
  loop('mysql', 'write', config.mysql.writesPerSecond, writer.write);
  if (config.mysql.readHost !== null && config.mysql.readsPerSecond > 0) {
    const reader = new MysqlReader(config.mysql, config.mysql.readHost, config.client, config.opTimeoutMs);
    closers.push(() => reader.stop());
    loop('mysql', 'read', config.mysql.readsPerSecond, reader.read);
  }
}
if (config.redis) {
  const writer = new RedisWriter(config.redis, config.client, config.opTimeoutMs);
  await writer.ready(10_000);
  closers.push(() => writer.stop());
  loop('redis', 'write', config.redis.writesPerSecond, writer.write);
  if (config.redis.readHost !== null && config.redis.readsPerSecond > 0) {
    const reader = new RedisReader(config.redis.readHost, config.redis.password, config.client, config.opTimeoutMs);
    await reader.ready(10_000);
    closers.push(() => reader.stop());
    loop('redis', 'read', config.redis.readsPerSecond, reader.read);
  }
}
for (const l of loops) l.start();
console.log(`hadrill agent ${config.client} in ${config.idc}: writing (incarnation ${incarnation})`);

process.on('SIGUSR1', () => {
  void Promise.all(loops.map((l) => l.pause())).then(() => {
    history.write({ t: 'paused', client: config.client, at: nowMs() });
    console.log('paused');
  });
});
process.on('SIGUSR2', () => {
  for (const l of loops) l.resume();
  history.write({ t: 'resumed', client: config.client, at: nowMs() });
  console.log('resumed');
});
const shutdown = (): void => {
  void Promise.all(loops.map((l) => l.stop()))
    .then(() => Promise.all(closers.map((c) => c())))
    .finally(() => {
      history.close();
      process.exit(0);
    });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
