// A Redis group's clients in the agent: the writer follows the Sentinels (or
// an announcement, or one node), the reader asks the node in its own IDC.
import { READY_MS, readsOf, type GroupClientsFactory } from '../../../clients/group-clients.js';
import { RedisReader } from './reader.js';
import { RedisWriter } from './writer.js';

export const redisClients: GroupClientsFactory = (config, client, _idc, opTimeoutMs) => {
  const writer = new RedisWriter(config, client, opTimeoutMs);
  const reader = readsOf(config) ? new RedisReader(config.readHost!, { user: config.user, password: config.password }, client, opTimeoutMs) : null;
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
};
