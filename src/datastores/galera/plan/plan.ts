// A Galera group's containers: MariaDB nodes joined by wsrep into one
// cluster, every node writable; clients write to the node in their own IDC.
// Nodes of one city share a gmcast segment, so traffic between cities goes
// through one relay and a joiner prefers a donor nearby.
import { secretFile } from '../../../core/plan/container-files.js';
import type { GroupPlanner, PlanContext, PlannedGroup } from '../../../core/plan/group-planner.js';
import { APP_USER, DATABASE, PORTS, readHostFor } from '../../../core/plan/topology-plan.js';
import { OWN_IMAGE, type Group } from '../../../core/scenario/scenario.js';
import { mysqlEnv } from '../../mysql/plan/commands.js';
import { writeTarget } from '../../mysql/plan/plan.js';

export const GALERA_PROVIDER = '/usr/lib/libgalera_smm.so';
/** Understood by hadrill-mariadb (images/): the first node forms a new cluster on its first start only; members keep the init file unreplicated. */
export const GALERA_START = { newCluster: '--hadrill-galera-new-cluster', member: '--hadrill-galera-member' } as const;

export const galeraPlanner: GroupPlanner = {
  plan(group: Group, ctx: PlanContext): PlannedGroup {
    const g = group;
    const own = g.image === OWN_IMAGE;
    const nodes = g.nodes.map((n) => ctx.add('galera', n.name, n.idc, g.image, [], { env: mysqlEnv('mariadb', own), files: [secretFile('db-root-password', ctx.inputs.secrets.rootPassword, own)] }));
    const cities = [...new Set(g.nodes.map((n) => ctx.cityOf(n.idc)))];
    const members = nodes.map((c) => c.ip).join(',');
    nodes.forEach((c, i) => {
      const args = [
        `--server-id=${i + 1}`,
        '--log-bin=mysql-bin',
        '--binlog-format=ROW',
        '--log-slave-updates=1',
        '--innodb-autoinc-lock-mode=2',
        // Jepsen's advice for Galera: an acknowledged commit is on disk.
        '--innodb-flush-log-at-trx-commit=1',
        '--innodb-buffer-pool-size=64M',
        // A state transfer ships the whole datadir across the WAN: a small redo log keeps it small.
        '--innodb-log-file-size=8M',
        '--performance-schema=OFF',
        '--wsrep-on=ON',
        `--wsrep-provider=${GALERA_PROVIDER}`,
        `--wsrep-cluster-name=${g.name}`,
        `--wsrep-cluster-address=gcomm://${members}`,
        `--wsrep-node-address=${c.ip}`,
        `--wsrep-node-name=${c.node}`,
        '--wsrep-sst-method=rsync',
        // One options line (only the last counts); suspect < inactive <= install, each above the largest round trip.
        `--wsrep-provider-options=gmcast.segment=${cities.indexOf(ctx.cityOf(c.idc))};evs.keepalive_period=PT1S;evs.suspect_timeout=PT5S;evs.inactive_timeout=PT15S;evs.install_timeout=PT15S`,
      ];
      // The first node forms the cluster (on its first start only), the others join it by state transfer.
      c.cmd = own ? ['hadrill-mariadb', i === 0 ? GALERA_START.newCluster : GALERA_START.member, ...args] : args;
    });
    const roles = new Map(g.nodes.map((n) => [n.name, n.role]));
    return {
      group: g, nodes,
      clientConfig: (client, w) => ({
        group: g.name,
        kind: 'galera',
        writesPerSecond: w.writesPerSecond,
        readsPerSecond: w.readsPerSecond,
        inFlight: w.inFlight,
        write: writeTarget(w, client, nodes, roles, null, null, ctx),
        readHost: readHostFor(nodes, roles, client.idc, w.reads, null),
        port: PORTS.mysql,
        user: APP_USER,
        password: ctx.inputs.secrets.appPassword,
        database: DATABASE,
      }),
    };
  },
};
