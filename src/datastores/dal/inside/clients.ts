// Clients of a group routed by the data access layer: every write and read
// goes to the router of the client's zone, whatever the group's kind.
import { READY_MS, readsOf, type GroupClientsFactory } from '../../../clients/group-clients.js';
import { DalReader } from './reader.js';
import { DalWriter } from './writer.js';

export const dalClients: GroupClientsFactory = (config, client, idc, opTimeoutMs) => {
  const writer = new DalWriter(config, client, idc, opTimeoutMs);
  const reader = readsOf(config) ? new DalReader(config, client, opTimeoutMs) : null;
  return {
    write: writer.write,
    read: reader?.read ?? null,
    async start() {
      await writer.ready(READY_MS);
    },
    async stop() {},
  };
};
