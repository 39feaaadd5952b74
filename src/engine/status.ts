// `hadrill status`: per IDC, every node with its container state and role,
// replication state and lag, the writer each group's failover machinery
// names, and the faults in force.
import { describeFault } from '../core/faults.js';
import { authorityOf } from '../core/scenario/scenario.js';
import { activeFaults } from '../core/journal-model.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { liveGroups } from './groups.js';
import { readJournal } from './journal.js';
import { probeLinks, type LinkStatus } from './link-probe.js';
import { liveRunContainers } from './ownership.js';
import type { RunState } from './run-store.js';

export interface NodeStatusRow {
  idc: string;
  node: string;
  kind: string;
  /** The datastore group it belongs to, if any. */
  group: string | null;
  ip: string;
  container: string;
  role: string;
  replication: string;
  lagSeconds: number | null;
}

export interface RunStatus {
  run: string;
  scenario: string;
  idcs: { name: string; city: string; subnet: string }[];
  nodes: NodeStatusRow[];
  /** Per group, the writer its failover machinery names now (null when it names none); multi-writer groups have none. */
  /** multiWriter: every node takes writes (Galera, bidirectional), so no writer is named. */
  writers: { group: string; kind: string; multiWriter: boolean; writer: { name: string; host: string; epoch: number | null } | null }[];
  activeFaults: { id: string; fault: string; since: string }[];
  /** How link shapes are applied: netem, or the userspace emulator where the kernel has no netem. */
  wanMechanism: string;
  links: LinkStatus[];
}

export async function runStatus(state: RunState, runtime: ContainerRuntime, options: { probeLinks?: boolean } = {}): Promise<RunStatus> {
  // An attached run's IDCs share the user's network: there are no links of hadrill's to probe.
  const links = options.probeLinks === false || state.attach ? Promise.resolve([]) : probeLinks(state, runtime);
  const live = new Map((await liveRunContainers(runtime, state)).map((c) => [c.name, c.state]));
  const groups = liveGroups(state);
  const rows = await Promise.all(
    state.plan.containers.map(async (c): Promise<NodeStatusRow> => {
      const container = live.get(c.name) ?? 'missing';
      const row: NodeStatusRow = { idc: c.idc, node: c.node, kind: c.kind, group: c.group, ip: c.ip, container, role: '-', replication: '-', lagSeconds: null };
      if (container !== 'running') return row;
      const owner = groups.find((g) => g.ctx.nodes.includes(c));
      if (!owner) {
        row.role = c.kind;
        return row;
      }
      try {
        Object.assign(row, await owner.engine.nodeRow(owner.ctx, c));
      } catch (error) {
        row.role = `unreachable (${(error as Error).message.slice(0, 60)})`;
      }
      return row;
    }),
  );
  const writers = await Promise.all(
    groups.map(async ({ group, engine, ctx }) => ({ group: group.name, kind: group.kind, multiWriter: authorityOf(group) === 'converged', writer: await engine.writer(ctx).catch(() => null) })),
  );
  return {
    run: state.run,
    scenario: state.scenario.name,
    idcs: state.plan.networks.map((n) => ({ name: n.idc, city: state.scenario.idcs.find((i) => i.name === n.idc)?.city ?? n.idc, subnet: n.subnet })),
    nodes: rows,
    writers,
    activeFaults: activeFaults(readJournal(state.run)).map((f) => ({ id: f.id, fault: describeFault(f.spec), since: new Date(f.appliedMs).toISOString() })),
    wanMechanism: state.wan?.mechanism ?? 'none',
    links: await links,
  };
}

