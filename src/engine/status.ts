// `hadrill status`: per IDC, every node with its container state and role,
// replication state and lag, Sentinel's view, the manager's view, and the
// faults in force.
import { describeFault } from '../core/faults.js';
import { activeFaults } from '../core/journal-model.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { announcedPrimary, containersOf, sentinelsMaster } from './final-read.js';
import { readJournal } from './journal.js';
import { nodeStatus, withMysql } from './mysql-control.js';
import { redisRole } from './redis-control.js';
import { probeLinks, type LinkStatus } from './link-probe.js';
import { runLabels } from './ownership.js';
import type { RunState } from './run-store.js';

export interface NodeStatusRow {
  idc: string;
  node: string;
  kind: string;
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
  mysqlPrimary: { announcedBy: 'manager'; name: string; epoch: number } | null;
  redisMaster: { announcedBy: 'sentinels'; address: string } | null;
  activeFaults: { id: string; fault: string; since: string }[];
  /** How link shapes are applied: netem, or the userspace emulator where the kernel has no netem. */
  wanMechanism: string;
  links: LinkStatus[];
}

export async function runStatus(state: RunState, runtime: ContainerRuntime, options: { probeLinks?: boolean } = {}): Promise<RunStatus> {
  const links = options.probeLinks === false ? Promise.resolve([]) : probeLinks(state, runtime);
  const live = new Map((await runtime.list(runLabels(state.plan))).map((c) => [c.name, c.state]));
  const flavor = state.scenario.mysql?.flavor ?? 'mariadb';
  const rows = await Promise.all(
    state.plan.containers.map(async (c): Promise<NodeStatusRow> => {
      const container = live.get(c.name) ?? 'missing';
      const row: NodeStatusRow = { idc: c.idc, node: c.node, kind: c.kind, ip: c.ip, container, role: '-', replication: '-', lagSeconds: null };
      if (container !== 'running') return row;
      try {
        if (c.kind === 'mysql') {
          const s = await withMysql(c.ip, state.secrets, (conn) => nodeStatus(conn, flavor), 1500);
          row.role = s.readOnly ? (s.replica ? 'replica' : 'read-only') : 'primary';
          row.replication = s.replica ? `io ${s.replica.ioRunning ? 'on' : 'off'}, sql ${s.replica.sqlRunning ? 'on' : 'off'} from ${s.replica.source}` : '-';
          row.lagSeconds = s.replica?.lagSeconds ?? null;
        } else if (c.kind === 'redis') {
          const r = await redisRole(c.ip, state.secrets);
          row.role = r.role;
          row.replication = r.role === 'replica' ? `link ${r.linkUp ? 'up' : 'down'} from ${r.masterHost}` : `${r.connectedReplicas} replicas`;
        } else {
          row.role = c.kind;
        }
      } catch (error) {
        row.role = `unreachable (${(error as Error).message.slice(0, 60)})`;
      }
      return row;
    }),
  );
  const announced = await announcedPrimary(state);
  const master = state.scenario.redis ? await sentinelsMaster(state) : null;
  return {
    run: state.run,
    scenario: state.scenario.name,
    idcs: state.plan.networks.map((n) => ({ name: n.idc, city: state.scenario.idcs.find((i) => i.name === n.idc)?.city ?? n.idc, subnet: n.subnet })),
    nodes: rows,
    mysqlPrimary: announced ? { announcedBy: 'manager', name: announced.name, epoch: announced.epoch } : null,
    redisMaster: master ? { announcedBy: 'sentinels', address: master } : null,
    activeFaults: activeFaults(readJournal(state.run)).map((f) => ({ id: f.id, fault: describeFault(f.spec), since: new Date(f.appliedMs).toISOString() })),
    wanMechanism: state.wan?.mechanism ?? 'none',
    links: await links,
  };
}

