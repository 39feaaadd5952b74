// MHA as a MySQL group's failover machinery: masterha_manager in its own
// container (the failover's IDC) with hadrill's announcement beside it, and
// on every node the run's SSH key pair that MHA drives them by.
import { programConfig, secretFile } from '../../../core/plan/container-files.js';
import type { PlanContext } from '../../../core/plan/group-planner.js';
import { MACHINERY_DIR, MACHINERY_EVENTS, MACHINERY_MEMORY, machineryMount } from '../../../core/plan/machinery.js';
import { programCommand } from '../../../core/plan/programs.js';
import { PORTS, REPL_USER, type ContainerPlan } from '../../../core/plan/topology-plan.js';
import { initialWriter, OWN_IMAGE } from '../../../core/scenario/scenario.js';
import type { ContainerFile } from '../../../core/plan/container-files.js';
import type { MysqlGroup } from '../model.js';
import type { MhaConfig } from '../mha-config.js';

/** Where a container of an MHA group finds the run's key pair (the nodes' entrypoint and the MHA program copy it to ~/.ssh). */
export const SSH_DIR = '/etc/hadrill/ssh';

/** The key pair's files and the variable that names their directory, for every container MHA drives or runs in. */
export function sshFiles(ctx: PlanContext): { env: Record<string, string>; files: ContainerFile[] } {
  const key = ctx.inputs.secrets.sshKey;
  if (!key) throw new Error('this run has no SSH key pair: MHA needs one (the run was made by an older hadrill; run `hadrill down` and `up` again)');
  return {
    env: { HADRILL_SSH_DIR: SSH_DIR },
    files: [secretFile('ssh/id_rsa', key.privatePem, true), secretFile('ssh/authorized_keys', `${key.publicLine}\n`, true)],
  };
}

/** Plans MHA's container; returns the URL of the announcement beside it. */
export function planMha(g: MysqlGroup, ctx: PlanContext, nodes: readonly ContainerPlan[]): string {
  const f = g.failover;
  if (f.kind !== 'mha') throw new Error('not MHA');
  const { secrets } = ctx.inputs;
  const config: MhaConfig = {
    group: g.name,
    nodes: nodes.map((n) => ({ name: n.node, host: n.ip, port: PORTS.mysql })),
    initialPrimary: initialWriter(g)?.name ?? '',
    adminUser: 'root',
    adminPassword: secrets.rootPassword,
    replUser: REPL_USER,
    replPassword: secrets.replPassword,
    pingIntervalS: Math.round(f.pingIntervalMs / 1000),
    pingType: f.pingType === 'connect' ? 'CONNECT' : 'SELECT',
    token: secrets.managerToken,
    listenPort: PORTS.manager,
    eventsFile: MACHINERY_EVENTS,
    stateFile: MACHINERY_MEMORY,
    managerLog: `${MACHINERY_DIR}/mha-manager.log`,
    workDir: `${MACHINERY_DIR}/mha-work`,
  };
  const ssh = sshFiles(ctx);
  const program = programConfig('mha.json', config);
  const mha = ctx.add('mha', f.name, f.idc, OWN_IMAGE, programCommand('mhaManager'), {
    binds: machineryMount(ctx, f.name),
    env: { ...program.env, ...ssh.env },
    files: [...program.files, ...ssh.files],
  });
  return `http://${mha.ip}:${PORTS.manager}/primary`;
}
