// Cold backup, as the seed defines it: on a schedule the writer is stopped,
// its data files are copied to backup storage in another IDC, and it is
// started again; on the writer's loss the newest complete backup is restored
// onto a standby node. The containers: a supervisor wraps the writer's
// server, a storage server keeps the uploads, the standby waits for a
// restore, and a restore manager detects the loss and drives the restore.
import { programConfig } from '../../../core/plan/container-files.js';
import type { PlanContext } from '../../../core/plan/group-planner.js';
import type { BackupSupervisorConfig, RestoreManagerConfig, ServerAccess, StandbyConfig, StorageConfig } from '../../../core/plan/runtime-configs.js';
import { MACHINERY_EVENTS, machineryMount, probingMachinery } from '../../../core/plan/machinery.js';
import { PORTS, type ContainerPlan } from '../../../core/plan/topology-plan.js';
import { OWN_IMAGE, type Group } from '../../../core/scenario/scenario.js';
import { programCommand } from '../../../core/plan/programs.js';

export interface ColdBackupServer {
  /** How to reach a node's server as an administrator. */
  access(node: ContainerPlan): ServerAccess;
  /** The node's server command line, which the supervisor or the standby runs as a child. */
  serverCommand(node: ContainerPlan): string[];
  dataDir: string;
}

/**
 * Turns the group's writer into a supervised, backed-up server and its
 * standby nodes into restore targets, and adds the storage and (with failover
 * kind restore) the restore manager. Returns the URL clients follow for the
 * writer: the restore manager's announcement, or null without one.
 */
export function planColdBackup(group: Group, ctx: PlanContext, nodes: readonly ContainerPlan[], server: ColdBackupServer): string | null {
  const backup = group.backup;
  if (backup === null) return null;
  const token = ctx.inputs.secrets.managerToken;
  const role = (c: ContainerPlan): string | undefined => group.nodes.find((n) => n.name === c.node)?.role;
  const storageConfig: StorageConfig = { listenPort: PORTS.storage, dir: '/var/lib/hadrill/backups', token, eventsFile: MACHINERY_EVENTS };
  const storage = ctx.add('storage', backup.storage.name, backup.storage.idc, OWN_IMAGE, programCommand('backupStorage'), {
    binds: machineryMount(ctx, backup.storage.name),
    ...programConfig('storage.json', storageConfig),
  });
  const storageUrl = `http://${storage.ip}:${PORTS.storage}`;

  const writer = nodes.find((c) => role(c) === 'primary' || role(c) === 'master');
  const standbys = nodes.filter((c) => role(c) === 'standby');
  const f = group.failover;
  const standby = standbys[0];
  let announcementUrl: string | null = null;
  if (f.kind === 'restore' && writer && standby) {
    const config: RestoreManagerConfig = {
      group: group.name,
      primary: { name: writer.node, statusUrl: `http://${writer.ip}:${PORTS.control}/status`, ...server.access(writer) },
      standby: { name: standby.node, controlUrl: `http://${standby.ip}:${PORTS.control}`, ...server.access(standby) },
      storageUrl,
      ...probingMachinery(f, token),
    };
    const manager = ctx.add('restore', f.name, f.idc, OWN_IMAGE, programCommand('restoreManager'), {
      binds: machineryMount(ctx, f.name),
      ...programConfig('restore-manager.json', config),
    });
    announcementUrl = `http://${manager.ip}:${PORTS.manager}/primary`;
  }
  if (writer) {
    const config: BackupSupervisorConfig = {
      group: group.name,
      node: writer.node,
      announcementUrl,
      server: server.access(writer),
      serverCommand: server.serverCommand(writer),
      dataDir: server.dataDir,
      everyMs: backup.everyMs,
      storageUrl,
      token,
      eventsFile: MACHINERY_EVENTS,
      listenPort: PORTS.control,
    };
    supervise(writer, programCommand('backupSupervisor'), machineryMount(ctx, writer.node), programConfig('supervisor.json', config));
  }
  for (const node of standbys) {
    const config: StandbyConfig = {
      group: group.name,
      server: server.access(node),
      serverCommand: server.serverCommand(node),
      dataDir: server.dataDir,
      listenPort: PORTS.control,
      token,
      eventsFile: MACHINERY_EVENTS,
    };
    supervise(node, programCommand('backupStandby'), machineryMount(ctx, node.node), programConfig('standby.json', config));
  }
  return announcementUrl;
}

/** The node's own process becomes a child of hadrill's program, which needs hadrill's package and a place for its events. */
function supervise(node: ContainerPlan, cmd: string[], binds: string[], program: ReturnType<typeof programConfig>): void {
  // An internal assertion: the parser refuses a cold backup on any other image.
  if (!node.ownImage) throw new Error(`planner bug: cold backup of ${node.node} needs hadrill's own image`);
  node.cmd = cmd;
  node.binds = [...node.binds, ...binds];
  node.env = { ...node.env, ...program.env };
  node.files = [...node.files, ...program.files];
}
