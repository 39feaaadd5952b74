// A MySQL-protocol group's clients in the agent (MariaDB/MySQL replication
// and Galera alike): the writer follows the announced writer or writes to
// one node, the reader asks the node its route names.
import { readsOf, type GroupClientsFactory } from '../../../clients/group-clients.js';
import { MysqlReader } from './reader.js';
import { MysqlWriter } from './writer.js';

export const mysqlClients: GroupClientsFactory = (config, client, idc, opTimeoutMs) => {
  const writer = new MysqlWriter(config, client, idc, opTimeoutMs);
  const reader = readsOf(config) ? new MysqlReader(config, config.readHost!, client, opTimeoutMs) : null;
  return {
    write: writer.write,
    read: reader?.read ?? null,
    async start() {
      writer.start();
    },
    async stop() {
      await Promise.all([writer.stop(), reader?.stop()]);
    },
  };
};
