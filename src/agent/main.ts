// The workload agent: runs inside an IDC, writes to MySQL and Redis at a
// steady rate and records every operation. SIGUSR1 pauses the writes (after
// in-flight ones finish) so a final read sees a quiet system; SIGUSR2 resumes.
import type { AgentConfig } from '../core/plan/runtime-configs.js';
import { HistoryWriter, nowMs } from './history-writer.js';
import { MysqlWriter } from './mysql-writer.js';
import { RedisWriter } from './redis-writer.js';
import { WriteLoop } from './write-loop.js';

const config = JSON.parse(process.env['HADRILL_AGENT_CONFIG'] ?? 'null') as AgentConfig | null;
if (!config) {
  console.error('hadrill agent: HADRILL_AGENT_CONFIG is not set');
  process.exit(2);
}

// A restarted agent (after a power loss) continues the same history file; the incarnation keeps op ids unique.
const incarnation = Math.floor(nowMs()).toString(36);
const history = new HistoryWriter(config.historyFile);
const loops: WriteLoop[] = [];
const closers: (() => Promise<void>)[] = [];

if (config.mysql) {
  const writer = new MysqlWriter(config.mysql, config.client, config.idc, config.opTimeoutMs);
  writer.start();
  closers.push(() => writer.stop());
  loops.push(new WriteLoop('mysql', config.client, config.idc, incarnation, config.mysql.writesPerSecond, history, writer.write));
}
if (config.redis) {
  const writer = new RedisWriter(config.redis, config.client, config.opTimeoutMs);
  await writer.ready(10_000);
  closers.push(() => writer.stop());
  loops.push(new WriteLoop('redis', config.client, config.idc, incarnation, config.redis.writesPerSecond, history, writer.write));
}
for (const loop of loops) loop.start();
console.log(`hadrill agent ${config.client} in ${config.idc}: writing (incarnation ${incarnation})`);

process.on('SIGUSR1', () => {
  void Promise.all(loops.map((l) => l.pause())).then(() => {
    history.write({ t: 'paused', client: config.client, at: nowMs() });
    console.log('paused');
  });
});
process.on('SIGUSR2', () => {
  for (const loop of loops) loop.resume();
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
