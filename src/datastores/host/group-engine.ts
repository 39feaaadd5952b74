// What a datastore kind does on a live topology, for the engine: bring a
// group up once its containers run, tell who its writer is, read its final
// state, say whether it has converged, report its failover milestones and
// status. The engine composes these per group; a tier is the composition.
import type { FailoverMilestones } from '../../core/check/rto-split.js';
import type { EventSink } from '../../core/engine-events.js';
import type { ServiceFinalState } from '../../core/history.js';
import type { LagSeries } from '../../core/manager-log.js';
import type { BackupEvent } from '../../core/plan/runtime-configs.js';
import type { ContainerPlan, Secrets } from '../../core/plan/topology-plan.js';
import type { Group } from '../../core/scenario/scenario.js';

export interface GroupContext {
  group: Group;
  /** The containers of the group's nodes. */
  nodes: ContainerPlan[];
  /** The containers of its failover machinery and backups (manager, sentinels, restore manager, storage). */
  machinery: ContainerPlan[];
  secrets: Secrets;
  /** The run's directory on the host: machinery event logs are under `<runDir>/<node>/`. */
  runDir: string;
  /** How many shared keys (registers) the workload writes: k0 to k<n-1>. */
  sharedKeys: number;
  signal?: AbortSignal;
  emit: EventSink;
}

/** One node as `hadrill status` shows it. */
export interface NodeRow {
  role: string;
  replication: string;
  lagSeconds: number | null;
}

export interface GroupEngine {
  /**
   * What keeps groups of this shape from being drilled yet (null when
   * nothing does): `up` refuses them up front, naming what is missing.
   */
  missing(group: Group): string | null;
  /** The nodes' containers run: wait until they answer, set up replication, then start the machinery and wait for it. */
  bootstrap(ctx: GroupContext, startMachinery: (containers: ContainerPlan[]) => Promise<void>): Promise<void>;
  /** The writer the failover machinery names now (its address), or null when it names none or cannot be asked. */
  writer(ctx: GroupContext): Promise<{ name: string; host: string; epoch: number | null } | null>;
  /** Every node that answers, read; the authority named. */
  finalRead(ctx: GroupContext): Promise<ServiceFinalState>;
  /** Replicas get a bounded chance to apply what they received before the final read. */
  catchUp(ctx: GroupContext, timeoutMs: number): Promise<void>;
  /** What still keeps the group from being one system again after a heal (empty when converged). */
  convergencePending(ctx: GroupContext): Promise<string[]>;
  /** Detections and promotions its machinery reported since `sinceMs`. */
  milestones(ctx: GroupContext, sinceMs: number, logs: (container: string) => Promise<string>): Promise<FailoverMilestones>;
  /** Replication lag its machinery sampled, when it samples any. */
  lag(ctx: GroupContext, fromMs: number, toMs: number): LagSeries[];
  /** Cold backups its machinery took, when it takes any. */
  backups(ctx: GroupContext): BackupEvent[];
  /** One node's role and replication, for `hadrill status`. */
  nodeRow(ctx: GroupContext, node: ContainerPlan): Promise<NodeRow>;
  /** Stops (or restarts) a replica's receiving, for the replication-stop fault. */
  replication(ctx: GroupContext, node: ContainerPlan, action: 'stop' | 'start'): Promise<void>;
  /**
   * An attached group (nodes hadrill did not create): check it is as the
   * scenario says and add what the workload writes into. Kinds without it
   * cannot be attached.
   */
  prepareAttached?(ctx: GroupContext): Promise<void>;
  /** Removes what prepareAttached and the workload added, and says what it did. */
  releaseAttached?(ctx: GroupContext): Promise<string>;
  /** Asks the group's machinery to move the writer on purpose (to `to`, or a node of its choice), and returns once it has. */
  switchover?(ctx: GroupContext, to: string | null): Promise<void>;
}
