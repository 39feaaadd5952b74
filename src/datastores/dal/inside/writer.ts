// A workload agent's writes through the data access layer: every one goes to
// the router of the agent's own zone, named by the user it is for; the
// router decides where it is written. The answer says how it was routed,
// which the history keeps (one home per user at a time is checked from it).
import type { OpAttempt, OpRequest } from '../../../clients/operation.js';
import type { AgentGroupConfig } from '../../../core/plan/runtime-configs.js';
import { postWrite, routerAnswered } from './router-client.js';

export class DalWriter {
  constructor(
    private readonly config: AgentGroupConfig,
    private readonly client: string,
    private readonly idc: string,
    private readonly opTimeoutMs: number,
  ) {
    if (config.write.via !== 'dal') throw new Error(`group ${config.group}: not routed through the data access layer`);
  }

  /**
   * An application that has just booted (its whole IDC powered on again) takes no traffic until its
   * router answers: otherwise its first writes would fail only because the router's process starts a
   * moment after the application's.
   */
  async ready(withinMs: number): Promise<void> {
    const w = this.config.write;
    if (w.via === 'dal') await routerAnswered(w.url, w.token, withinMs);
  }

  write = async ({ id, key, keyIndex }: OpRequest): Promise<OpAttempt> => {
    const w = this.config.write;
    if (w.via !== 'dal') throw new Error('not routed through the data access layer');
    // The router answers within the operation timeout; a little more covers the hop to it.
    return postWrite(w.url, w.token, { group: this.config.group, id, client: this.client, idc: this.idc, user: keyIndex ?? 0, ...(key ? { key } : {}) }, this.opTimeoutMs + 250);
  };
}
