// The workload: clients placed in IDCs, and for each group how often they
// write and read it and by which route. Unless the scenario says otherwise,
// every client writes every group (20/s) and reads it from its own IDC
// (10/s); a one-writer group is written through its announced writer, a
// multi-writer group on the client's local node.
import { authorityOf, type Dal, type Group, type GroupWorkload, type ReadRoute, type Workload, type WriteRoute } from './scenario.js';
import { ms, type Checks, type Raw } from './parse-support.js';

const DEFAULT_WRITES = 20;
const DEFAULT_READS = 10;

export function buildWorkload(raw: Raw, groups: readonly Group[], dal: Dal | null, idcNames: readonly string[], c: Checks): Workload {
  raw.clients.forEach((client: Raw, i: number) => c.idc(['workload', 'clients', i, 'idc'], client.idc));
  const clients = c.names(raw.clients, 'app', ['workload', 'clients']);
  const given: Raw[] = raw.groups ?? [];
  given.forEach((g: Raw, i: number) => {
    if (!groups.some((x) => x.name === g.group)) c.report(['workload', 'groups', i, 'group'], `unknown group "${g.group}"; groups: ${groups.map((x) => x.name).join(', ')}`);
    (g.from ?? []).forEach((idc: string, j: number) => c.idc(['workload', 'groups', i, 'from', j], idc));
  });
  c.duplicates(
    given.map((g: Raw) => g.group),
    (i) => ['workload', 'groups', i, 'group'],
    (n) => `group "${n}" has two workload entries`,
  );

  const entries: GroupWorkload[] = groups.map((group) => {
    const i = given.findIndex((g: Raw) => g.group === group.name);
    const g: Raw = given[i] ?? {};
    const where = i === -1 ? ['workload'] : ['workload', 'groups', i];
    const shorthandRate = (what: 'Writes' | 'Reads'): number | undefined => (group.name === 'mysql' || group.name === 'redis' ? raw[`${group.name}${what}PerSecond`] : undefined);
    const dalRoutes = dal !== null && (dal.shardedGroup === group.name || dal.globalGroup === group.name);
    const writes: WriteRoute = g.writes ?? (dalRoutes ? 'dal' : authorityOf(group) === 'writer' ? 'writer' : 'local');
    const reads: ReadRoute = g.reads ?? 'local';
    const entry: GroupWorkload = {
      group: group.name,
      writesPerSecond: g.writesPerSecond ?? shorthandRate('Writes') ?? DEFAULT_WRITES,
      readsPerSecond: reads === 'none' ? 0 : (g.readsPerSecond ?? shorthandRate('Reads') ?? DEFAULT_READS),
      writes,
      reads,
      from: g.from ?? [...idcNames],
    };
    checkRoute(entry, group, dal, where, c);
    return entry;
  });
  return { clients, groups: entries, keys: raw.keys ?? 32, users: raw.users ?? 1000, opTimeoutMs: ms(raw.opTimeout ?? '2s') };
}

function checkRoute(w: GroupWorkload, group: Group, dal: Dal | null, where: (string | number)[], c: Checks): void {
  if (w.writes === 'writer' && authorityOf(group) === 'converged') {
    c.report([...where, 'writes'], `group "${group.name}" takes writes on every node and has no single writer: write "local" or through the "dal"`);
  }
  if (w.writes === 'local' && w.writesPerSecond > 0) {
    const writable = new Set(group.nodes.filter((n) => n.role === 'primary' || n.role === 'master' || n.role === 'member').map((n) => n.idc));
    const missing = w.from.filter((idc) => !writable.has(idc));
    if (missing.length > 0) c.report([...where, 'writes'], `local writes need a writable node of "${group.name}" in every IDC they come from; none in ${missing.join(', ')} (narrow "from", or write through the "writer")`);
  }
  if (w.writes === 'dal' && (dal === null || (dal.shardedGroup !== group.name && dal.globalGroup !== group.name))) {
    c.report([...where, 'writes'], `writes through the data access layer need a "dal" section that routes group "${group.name}"`);
  }
}
