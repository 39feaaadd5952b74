// Every program hadrill runs inside a container, in one place: the compiled
// entry file of each, under the package that is mounted read-only at
// /opt/hadrill. A planner names a program here, never a path; a unit test
// checks that every entry exists in the build.

/** Where hadrill's package is mounted in the containers that run its programs. */
export const PACKAGE_MOUNT = '/opt/hadrill';

/** Each program's entry, relative to the package's compiled `dist/src`. */
export const PROGRAMS = {
  /** The workload agent of an IDC. */
  agent: 'agent/main.js',
  /** hadrill's reference MySQL failover manager. */
  mysqlManager: 'datastores/mysql/inside/manager/main.js',
  /** The HAProxy of a MySQL group's proxy route, and MHA's manager with hadrill's announcement beside it. */
  mysqlProxy: 'datastores/mysql/inside/proxy/main.js',
  mhaManager: 'datastores/mysql/inside/mha/main.js',
  /** The data access layer's controller and its router in each zone. */
  dalController: 'datastores/dal/inside/controller.js',
  dalRouter: 'datastores/dal/inside/router.js',
  /** The cold backup's machinery: storage, restore manager, the writer's supervisor, a standby. */
  backupStorage: 'datastores/cold-backup/inside/storage.js',
  restoreManager: 'datastores/cold-backup/inside/restore-manager.js',
  backupSupervisor: 'datastores/cold-backup/inside/supervisor.js',
  backupStandby: 'datastores/cold-backup/inside/standby.js',
} as const;

export type ProgramName = keyof typeof PROGRAMS;

/** The command line that runs a program in a container. */
export function programCommand(program: ProgramName): string[] {
  return ['node', `${PACKAGE_MOUNT}/dist/src/${PROGRAMS[program]}`];
}
