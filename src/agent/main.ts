// The workload agent: runs inside an IDC, writes to each of its groups at a
// steady rate (or as fast as it goes) by the group's route, on as many
// connections as the group keeps in flight, reads back from the group's node in its
// own IDC, and records every operation. SIGUSR1 pauses the writes (after
// in-flight ones finish) so a final read sees a quiet system; SIGUSR2 resumes.
// A run nobody drives pauses too, once its lease runs out (src/core/lease.ts).
import { readConfigFile } from '../config-file.js';
import type { AgentConfig } from '../core/plan/runtime-configs.js';
import { groupClients } from '../datastores/clients-registry.js';
import { HistoryWriter, nowMs } from './history-writer.js';
import { OpLoop } from './op-loop.js';
import { connectionNames, shareOf } from './connections.js';
import { CpuAccount } from './cpu-account.js';
import { sendsWrites } from '../core/scenario/scenario.js';
import { LEASE_FILE } from '../core/lease.js';
import { keepLease } from './lease-keeper.js';
import { dirname, join } from 'node:path';

/** How often the agent writes down its CPU time and operations sent. */
const ACCOUNT_INTERVAL_MS = 2000;

const config = readConfigFile<AgentConfig>('HADRILL_CONFIG_FILE', 'hadrill agent');

// A restarted agent (after a power loss) continues the same history file; the incarnation keeps op ids unique.
const incarnation = Math.floor(nowMs()).toString(36);
const history = new HistoryWriter(config.historyFile);
const loops: OpLoop[] = [];
const cpu = new CpuAccount(config.historyFile.replace(/\.jsonl$/, '.cpu.json'), config.client, incarnation);
const account = (): void => cpu.write(loops.reduce((n, l) => n + l.sent, 0));
// Often enough that an agent killed with its IDC leaves most of its account.
setInterval(account, ACCOUNT_INTERVAL_MS).unref();
const closers: (() => Promise<void>)[] = [];
const { client, idc, keys } = config;

// Signals are handled from the first moment: a restarted agent (its IDC's power back) may still be
// connecting when the drill pauses every agent for the final read; a loop made after a pause starts paused.
// Two things pause the writes: the signal (a final read) and a lease that ran out (a run nobody drives);
// they resume when neither holds.
let pausedBySignal = false;
let pausedByLease = false;
const pauseAll = (reason: 'signal' | 'lease'): void => {
  void Promise.all(loops.map((l) => l.pause())).then(() => {
    history.write({ t: 'paused', client: config.client, at: nowMs(), ...(reason === 'lease' ? { reason } : {}) });
    account();
    console.log(reason === 'lease' ? `paused: the run's lease ran out (nothing drove it for ${Math.round(config.ttlMs / 60_000)} min)` : 'paused');
  });
};
const resumeAll = (): void => {
  if (pausedBySignal || pausedByLease) return;
  for (const l of loops) l.resume();
  history.write({ t: 'resumed', client: config.client, at: nowMs() });
  console.log('resumed');
};
const lease = keepLease(join(dirname(config.historyFile), LEASE_FILE), config.ttlMs, {
  expired: () => {
    pausedByLease = true;
    pauseAll('lease');
  },
  renewed: () => {
    pausedByLease = false;
    resumeAll();
  },
});
process.on('SIGUSR1', () => {
  pausedBySignal = true;
  pauseAll('signal');
});
process.on('SIGUSR2', () => {
  pausedBySignal = false;
  // Whoever resumes has renewed the lease just before: seen now, not at the next look.
  lease.look();
  resumeAll();
});

// The groups connect at once: one whose writer is down must not hold back the others.
await Promise.all(
  config.groups.map(async (group) => {
    const made: OpLoop[] = [];
    await Promise.all(
      connectionNames(client, group.inFlight).map(async (name, k) => {
        // The reads go with the first connection only: each reads its own client's latest write.
        const clients = groupClients(k === 0 ? group : { ...group, readsPerSecond: 0 }, name, idc, config.opTimeoutMs);
        closers.push(() => clients.stop());
        await clients.start();
        const common = { service: group.group, client: name, idc, incarnation, keys: group.keys ?? keys };
        if (sendsWrites(group.writesPerSecond)) made.push(new OpLoop({ ...common, kind: 'write', perSecond: shareOf(group.writesPerSecond, group.inFlight) }, history, clients.write));
        if (clients.read !== null) made.push(new OpLoop({ ...common, kind: 'read', perSecond: group.readsPerSecond }, history, clients.read));
      }),
    );
    for (const l of made) {
      if (pausedBySignal || pausedByLease) void l.pause();
      loops.push(l);
      l.start();
    }
  }),
);
console.log(`hadrill agent ${client} in ${idc}: writing ${config.groups.map((g) => g.group).join(', ')} (incarnation ${incarnation})`);

const shutdown = (): void => {
  void Promise.all(loops.map((l) => l.stop()))
    .then(() => Promise.all(closers.map((c) => c())))
    .finally(() => {
      account();
      history.close();
      process.exit(0);
    });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
