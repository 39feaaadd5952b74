// A workload agent's writer and reader for one group, by the group's kind:
// the agent is a program that imports its kinds' clients (MySQL and Galera
// speak the MySQL protocol; Redis its own).
import type { OpFn } from '../clients/operation.js';
import type { AgentGroupConfig } from '../core/plan/runtime-configs.js';
import { DalReader } from './dal/inside/reader.js';
import { DalWriter } from './dal/inside/writer.js';
import { MysqlReader } from './mysql/inside/reader.js';
import { MysqlWriter } from './mysql/inside/writer.js';
import { RedisReader } from './redis/inside/reader.js';
import { RedisWriter } from './redis/inside/writer.js';

export interface GroupClients {
  write: OpFn;
  read: OpFn | null;
  /** Starts following announcements, and resolves once the first connections are up (or after a bound). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const READY_MS = 10_000;

export function groupClients(config: AgentGroupConfig, client: string, idc: string, opTimeoutMs: number): GroupClients {
  const reads = config.readHost !== null && config.readsPerSecond > 0;
  if (config.kind === 'redis') {
    const writer = new RedisWriter(config, client, opTimeoutMs);
    const reader = reads ? new RedisReader(config.readHost!, config.password, client, opTimeoutMs) : null;
    return {
      write: writer.write,
      read: reader?.read ?? null,
      async start() {
        writer.start();
        await Promise.all([writer.ready(READY_MS), reader?.ready(READY_MS)]);
      },
      async stop() {
        await Promise.all([writer.stop(), reader?.stop()]);
      },
    };
  }
  const writer = config.write.via === 'dal' ? new DalWriter(config, client, idc, opTimeoutMs) : new MysqlWriter(config, client, idc, opTimeoutMs);
  const reader = !reads ? null : config.write.via === 'dal' ? new DalReader(config, client, opTimeoutMs) : new MysqlReader(config, config.readHost!, client, opTimeoutMs);
  return {
    write: writer.write,
    read: reader?.read ?? null,
    async start() {
      if (writer instanceof MysqlWriter) writer.start();
      else await writer.ready(READY_MS);
    },
    async stop() {
      await Promise.all([writer instanceof MysqlWriter ? writer.stop() : undefined, reader instanceof MysqlReader ? reader.stop() : undefined]);
    },
  };
}
