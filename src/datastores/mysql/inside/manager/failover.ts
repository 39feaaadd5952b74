// The reference failover: detect a dead primary, fence it where reachable,
// promote a replica (the most advanced by GTID, or one in the lost primary's
// city when it is as advanced) once it has applied all it received, repoint
// the others, and publish the new primary.
import {
  detachSql,
  executedGtidSql,
  replicaStatusSql,
  replicateFromStatements,
  semiSyncSourceSql,
  setReadOnlySql,
  statusFields,
  waitForGtidSql,
} from '../../sql/replication-sql.js';
import { chooseCandidate } from '../../sql/candidate.js';
import { gtidProgress } from '../../sql/gtid.js';
import type { ManagerConfig, ManagerEvent, ManagerMemory, PrimaryAnnouncement } from '../../../../core/plan/runtime-configs.js';
import { NodeAdmin, type ManagedNode } from './node-admin.js';

/** How often replication lag is sampled. */
const LAG_SAMPLE_MS = 1000;

/** How long a promoted replica may take to apply its relay log before it takes writes. */
const APPLY_TIMEOUT_S = 30;

export class FailoverManager {
  private primary: ManagedNode;
  private epoch = 1;
  private failures = 0;
  private busy = false;
  /** Former primaries: kept read-only whenever they are reachable again, never re-admitted automatically. */
  private readonly fenced = new Set<string>();
  private readonly admin: NodeAdmin;
  private lastLagSample = 0;

  /**
   * memory: what a previous run of this manager remembered, when it was
   * restarted; `remember` is called with every change of it, before the
   * change is acted on where it protects data (fencing).
   */
  constructor(
    private readonly config: ManagerConfig,
    private readonly emit: (event: ManagerEvent) => void,
    memory: ManagerMemory | null = null,
    private readonly remember: (memory: ManagerMemory) => void = () => undefined,
  ) {
    const name = memory?.primary ?? config.initialPrimary;
    const primary = config.nodes.find((n) => n.name === name);
    if (!primary) throw new Error(`primary ${name} is not among the nodes`);
    this.primary = primary;
    if (memory) {
      this.epoch = memory.epoch;
      for (const f of memory.fenced) this.fenced.add(f);
      this.emit({ t: 'restored', at: Date.now(), primary: primary.name, epoch: memory.epoch, fenced: [...this.fenced] });
    }
    this.admin = new NodeAdmin(config);
  }

  private memorize(): void {
    this.remember({ primary: this.primary.name, epoch: this.epoch, fenced: [...this.fenced] });
  }

  announcement(): PrimaryAnnouncement {
    return { name: this.primary.name, host: this.primary.host, port: this.primary.port, epoch: this.epoch };
  }

  state(): { primary: string; epoch: number; failures: number; fenced: string[] } {
    return { primary: this.primary.name, epoch: this.epoch, failures: this.failures, fenced: [...this.fenced] };
  }

  /** Makes the initial primary writable (every node starts read-only); retried until it answers. */
  async openPrimary(): Promise<void> {
    for (;;) {
      try {
        for (const sql of setReadOnlySql(this.config.flavor, false)) await this.admin.run(this.primary, sql);
        this.memorize();
        this.emit({ t: 'started', at: Date.now(), primary: this.primary.name });
        return;
      } catch {
        await sleep(this.config.checkIntervalMs);
      }
    }
  }

  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.check();
      await this.keepFencedReadOnly();
      if (Date.now() - this.lastLagSample >= LAG_SAMPLE_MS && this.failures === 0) await this.sampleLag();
    } finally {
      this.busy = false;
    }
  }

  /** Replication lag of every replica, sampled over the whole run (the manager is the one watching anyway). */
  private async sampleLag(): Promise<void> {
    this.lastLagSample = Date.now();
    const fields = statusFields(this.config.flavor);
    const [primaryRow] = await this.admin.run<{ gtid: string }[]>(this.primary, executedGtidSql(this.config.flavor)).catch(() => []);
    if (!primaryRow) return;
    const primaryProgress = gtidProgress(this.config.flavor, primaryRow.gtid);
    for (const node of this.config.nodes) {
      if (node.name === this.primary.name || this.fenced.has(node.name)) continue;
      try {
        const rows = await this.admin.run<Record<string, unknown>[]>(node, replicaStatusSql(this.config.flavor));
        const [executed] = await this.admin.run<{ gtid: string }[]>(node, executedGtidSql(this.config.flavor));
        const row = rows[0];
        const seconds = row?.[fields.lag];
        this.emit({
          t: 'lag',
          at: Date.now(),
          node: node.name,
          transactionsBehind: Math.max(0, primaryProgress - gtidProgress(this.config.flavor, executed?.gtid)),
          secondsBehind: seconds === null || seconds === undefined ? null : Number(seconds),
          replicating: row?.[fields.ioRunning] === 'Yes' && row?.[fields.sqlRunning] === 'Yes',
        });
      } catch {
        // an unreachable replica has no lag to report
      }
    }
  }

  private async check(): Promise<void> {
    try {
      // A primary fenced before a crash left the failover unfinished: it stays fenced and is replaced.
      if (this.fenced.has(this.primary.name)) throw new Error(`${this.primary.name} is fenced`);
      await this.admin.run(this.primary, 'SELECT 1');
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.emit({ t: 'primary-unhealthy', at: Date.now(), primary: this.primary.name, failures: this.failures, error: (error as Error).message });
      if (this.failures >= this.config.failureThreshold) await this.failover();
    }
  }

  private async failover(): Promise<void> {
    const old = this.primary;
    if (this.failures === this.config.failureThreshold) this.emit({ t: 'failure-detected', at: Date.now(), primary: old.name });
    // Fence before promoting (in parallel with choosing): if the old primary is only cut off from us, those who
    // can still reach it stop writing to it before a second primary exists.
    const [candidate] = await Promise.all([this.chooseReplica(old), this.fence(old)]);
    if (!candidate) {
      this.emit({ t: 'failover-failed', at: Date.now(), error: 'no replica is reachable' });
      return;
    }
    const chosen = candidate.node;
    try {
      if (candidate.received) {
        await this.admin.run(chosen, waitForGtidSql(this.config.flavor), [candidate.received, APPLY_TIMEOUT_S], (APPLY_TIMEOUT_S + 2) * 1000);
      }
      for (const sql of detachSql(this.config.flavor)) await this.admin.run(chosen, sql);
    } catch (error) {
      this.emit({ t: 'failover-failed', at: Date.now(), error: `promoting ${chosen.name}: ${(error as Error).message}` });
      return;
    }
    // Replicas are repointed and semi-sync settled while the new primary is still read-only, so its first
    // writes neither stall on a semi-sync wait nor race the topology change.
    const repointed = await this.repointOthers(chosen);
    if (this.config.semiSync) await this.adjustSemiSync(chosen, repointed);
    try {
      await this.openAsPrimary(chosen, candidate.reason);
    } catch (error) {
      this.emit({ t: 'failover-failed', at: Date.now(), error: `opening ${chosen.name} for writes: ${(error as Error).message}` });
    }
  }

  /**
   * A planned switchover: the primary is made read-only (write protection:
   * from here no client write is accepted anywhere), the target applies
   * everything the primary committed, and is promoted; every other node,
   * the old primary too, replicates from it. Nothing acknowledged can be
   * lost. On any error the old primary is opened again.
   */
  async switchover(to: string | null): Promise<{ ok: true; primary: string } | { ok: false; error: string }> {
    for (let waited = 0; this.busy; waited += 50) {
      if (waited > 10_000) return { ok: false, error: 'the manager is busy with a failover' };
      await sleep(50);
    }
    this.busy = true;
    const old = this.primary;
    try {
      const target = to === null ? (await this.chooseReplica(old))?.node : this.config.nodes.find((n) => n.name === to);
      if (!target) return { ok: false, error: to === null ? 'no replica is reachable' : `no node ${to}` };
      if (target.name === old.name) return { ok: false, error: `${to} is already the primary` };
      if (this.fenced.has(target.name)) return { ok: false, error: `${target.name} is fenced` };
      this.emit({ t: 'switchover-started', at: Date.now(), from: old.name, to: target.name });
      try {
        for (const sql of setReadOnlySql(this.config.flavor, true)) await this.admin.run(old, sql);
        const [row] = await this.admin.run<{ gtid: string }[]>(old, executedGtidSql(this.config.flavor));
        await this.admin.run(target, waitForGtidSql(this.config.flavor), [row?.gtid ?? '', APPLY_TIMEOUT_S], (APPLY_TIMEOUT_S + 2) * 1000);
        for (const sql of detachSql(this.config.flavor)) await this.admin.run(target, sql);
        // The old primary's own writes are in its binary log, not in what it applied as a replica: MariaDB's
        // replica position must start from the log, or it would ask the new primary for them again.
        if (this.config.flavor === 'mariadb') await this.admin.run(old, 'SET GLOBAL gtid_slave_pos = @@global.gtid_binlog_pos');
      } catch (error) {
        for (const sql of setReadOnlySql(this.config.flavor, false)) await this.admin.run(old, sql).catch(() => undefined);
        const message = `switchover to ${target.name}: ${(error as Error).message}`;
        this.emit({ t: 'failover-failed', at: Date.now(), error: message });
        return { ok: false, error: message };
      }
      const repointed = await this.repointOthers(target);
      if (this.config.semiSync) await this.adjustSemiSync(target, repointed);
      await this.openAsPrimary(target, `planned switchover from ${old.name}`);
      return { ok: true, primary: target.name };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    } finally {
      this.busy = false;
    }
  }

  /** Makes the node writable and the one the manager announces, under a new epoch. */
  private async openAsPrimary(node: ManagedNode, reason: string): Promise<void> {
    for (const sql of setReadOnlySql(this.config.flavor, false)) await this.admin.run(node, sql);
    const [row] = await this.admin.run<{ gtid: string }[]>(node, executedGtidSql(this.config.flavor));
    this.primary = node;
    this.epoch += 1;
    this.failures = 0;
    this.memorize();
    this.emit({ t: 'promoted', at: Date.now(), node: node.name, epoch: this.epoch, gtid: row?.gtid ?? '', reason });
  }

  private async repointOthers(primary: ManagedNode): Promise<number> {
    let repointed = 0;
    for (const node of this.config.nodes) {
      if (node.name === primary.name || this.fenced.has(node.name)) continue;
      try {
        for (const s of replicateFromStatements(this.config.flavor, { host: primary.host, port: primary.port, user: this.config.replUser, password: this.config.replPassword })) {
          await this.admin.run(node, s.sql, s.values);
        }
        repointed += 1;
        this.emit({ t: 'repointed', at: Date.now(), node: node.name, ok: true });
      } catch (error) {
        this.emit({ t: 'repointed', at: Date.now(), node: node.name, ok: false, error: (error as Error).message });
      }
    }
    return repointed;
  }

  /**
   * A semi-sync primary with no replica left would hold every commit for the
   * whole semi-sync timeout; like production orchestrators, the manager runs
   * the new primary asynchronously until a replica can acknowledge again.
   */
  private async adjustSemiSync(primary: ManagedNode, replicas: number): Promise<void> {
    const enabled = replicas > 0;
    try {
      await this.admin.run(primary, semiSyncSourceSql(this.config.flavor, enabled));
      this.emit({ t: 'semi-sync', at: Date.now(), node: primary.name, enabled, reason: enabled ? `${replicas} replicas repointed` : 'no replica left to acknowledge' });
    } catch (error) {
      this.emit({ t: 'failover-failed', at: Date.now(), error: `semi-sync on ${primary.name}: ${(error as Error).message}` });
    }
  }

  /** The replica to promote, by the manager's preference, with the reason and what it has received. */
  private async chooseReplica(old: ManagedNode): Promise<{ node: ManagedNode; received: string; reason: string } | null> {
    const fields = statusFields(this.config.flavor);
    const candidates = this.config.nodes.filter((n) => n.name !== old.name && !this.fenced.has(n.name));
    const probed = await Promise.all(
      candidates.map(async (node) => {
        try {
          const rows = await this.admin.run<Record<string, unknown>[]>(node, replicaStatusSql(this.config.flavor));
          const received = String(rows[0]?.[fields.received] ?? '');
          const [executed] = await this.admin.run<{ gtid: string }[]>(node, executedGtidSql(this.config.flavor));
          const progress = Math.max(gtidProgress(this.config.flavor, received), gtidProgress(this.config.flavor, executed?.gtid));
          return { node, received, progress };
        } catch {
          return null;
        }
      }),
    );
    const reachable = probed.filter((p): p is NonNullable<typeof p> => p !== null);
    const choice = chooseCandidate(
      reachable.map((p) => ({ name: p.node.name, city: p.node.city, progress: p.progress })),
      old.city,
      this.config.prefer,
    );
    const chosen = reachable.find((p) => p.node.name === choice?.name);
    return chosen && choice ? { node: chosen.node, received: chosen.received, reason: choice.reason } : null;
  }

  private async fence(node: ManagedNode): Promise<void> {
    this.fenced.add(node.name);
    this.memorize();
    try {
      for (const sql of setReadOnlySql(this.config.flavor, true)) await this.admin.run(node, sql);
      this.emit({ t: 'fenced', at: Date.now(), node: node.name, ok: true });
    } catch (error) {
      this.emit({ t: 'fenced', at: Date.now(), node: node.name, ok: false, error: (error as Error).message });
    }
  }

  private async keepFencedReadOnly(): Promise<void> {
    for (const name of this.fenced) {
      const node = this.config.nodes.find((n) => n.name === name);
      if (!node) continue;
      try {
        const [row] = await this.admin.run<{ ro: number }[]>(node, 'SELECT @@GLOBAL.read_only AS ro');
        if (row && Number(row.ro) === 0) {
          for (const sql of setReadOnlySql(this.config.flavor, true)) await this.admin.run(node, sql);
          this.emit({ t: 'fenced-returning', at: Date.now(), node: name });
        }
      } catch {
        // Still unreachable: nothing to fence.
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
