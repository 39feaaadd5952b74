// A workload agent's reads through the data access layer: the router of its
// own zone serves them from the zone's copy of the group.
import type { OpAttempt } from '../../../clients/operation.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';
import { postRead } from './router-client.js';

export class DalReader {
  constructor(
    private readonly config: AgentGroupConfig,
    private readonly client: string,
    private readonly opTimeoutMs: number,
  ) {
    if (config.write.via !== 'dal') throw new Error(`group ${config.group}: not routed through the data access layer`);
  }

  read = async (): Promise<OpAttempt> => {
    const w = this.config.write;
    if (w.via !== 'dal') throw new Error('not routed through the data access layer');
    return postRead(w.url, w.token, { group: this.config.group, client: this.client }, this.opTimeoutMs + 250);
  };
}
