// The workload: clients placed in IDCs, and for each group how often they
// write and read it and by which route. Unless the scenario says otherwise,
// every client writes every group (20/s) and reads it from its own IDC
// (10/s) where the group has a node there, one operation at a time; a
// one-writer group is written through its announced writer, a multi-writer
// group on the client's local node. Load comes from `inFlight` connections
// per client, each writing at its share of the rate or, with `max`, as fast
// as its answers come. Every write route, and every read route the scenario gives, must
// lead somewhere from each IDC its clients take it from.
import { authorityOf, sendsWrites, type Dal, type Group, type GroupWorkload, type ProxyRoute, type ReadRoute, type Workload, type WorkloadClient, type WriteRoute } from './scenario.js';
import { ms, type Checks, type Raw } from './parse-support.js';
import { kindOf, type KindCatalog } from './kind-model.js';
import { DEFAULT_TTL_MS, MAX_TTL_MS, MIN_TTL_MS } from '../lease.js';

const DEFAULT_WRITES = 20;
const DEFAULT_READS = 10;

/** The clients, named after their IDC unless they have a name: read before the rest, so that their names are checked with every other container's. */
export function buildClients(raw: Raw, c: Checks): WorkloadClient[] {
  raw.clients.forEach((client: Raw, i: number) => c.idc(['workload', 'clients', i, 'idc'], client.idc));
  return c.names(raw.clients, 'app', ['workload', 'clients']);
}

export function buildWorkload(
  raw: Raw,
  clients: WorkloadClient[],
  groups: readonly Group[],
  dal: Dal | null,
  idcNames: readonly string[],
  c: Checks,
  shorthands: readonly string[],
  kinds: KindCatalog,
): Workload {
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
    const shorthandRate = (what: 'Writes' | 'Reads'): number | undefined => (shorthands.includes(group.name) ? raw[`${group.name}${what}PerSecond`] : undefined);
    const dalRoutes = dal !== null && (dal.shardedGroup === group.name || dal.globalGroup === group.name);
    const writes: WriteRoute = g.writes ?? (dalRoutes ? 'dal' : authorityOf(group) === 'converged' ? 'local' : 'writer');
    const reads: ReadRoute = g.reads ?? 'local';
    const entry: GroupWorkload = {
      group: group.name,
      writesPerSecond: g.writesPerSecond ?? shorthandRate('Writes') ?? DEFAULT_WRITES,
      readsPerSecond: reads === 'none' ? 0 : (g.readsPerSecond ?? shorthandRate('Reads') ?? DEFAULT_READS),
      inFlight: g.inFlight ?? 1,
      writes,
      proxy: writes === 'proxy' ? buildProxy(g.proxy ?? {}, where, c) : null,
      reads,
      from: g.from ?? [...idcNames],
    };
    if (writes !== 'proxy' && g.proxy !== undefined) c.report([...where, 'proxy'], `"proxy" sets up the proxy route: it needs writes: proxy (this group's writes are "${writes}")`);
    // `from` defaults to every IDC, also those without clients: those send nothing, so routes are checked where clients are.
    const usedFrom: string[] = g.from ?? idcNames.filter((idc) => clients.some((cl) => cl.idc === idc));
    checkRoute(entry, usedFrom, g.reads !== undefined, group, dal, where, c);
    checkFindsWriter(entry, group, kinds, where, c);
    return entry;
  });
  const ttlMs = raw.ttl === undefined ? DEFAULT_TTL_MS : ms(raw.ttl);
  if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) c.report(['workload', 'ttl'], `ttl ${raw.ttl} is out of range: from 1m to 24h (how long the agents write when no hadrill command drives the run; default 1h)`);
  return { clients, groups: entries, keys: raw.keys ?? 32, users: raw.users ?? 1000, opTimeoutMs: ms(raw.opTimeout ?? '2s'), ttlMs };
}

function buildProxy(raw: Raw, where: (string | number)[], c: Checks): ProxyRoute {
  if (raw.idc !== undefined) c.idc([...where, 'proxy', 'idc'], raw.idc);
  return { idc: raw.idc ?? null, checkIntervalMs: ms(raw.checkInterval ?? '1s'), fall: raw.fall ?? 3, rise: raw.rise ?? 2 };
}

/**
 * The proxy and writable routes find the writer by asking every node
 * whether it takes writes: only kinds whose one writer says so (MySQL's
 * read_only) can be reached that way.
 */
function checkFindsWriter(w: GroupWorkload, group: Group, kinds: KindCatalog, where: (string | number)[], c: Checks): void {
  if (w.writes !== 'proxy' && w.writes !== 'writable') return;
  const model = kindOf(kinds, group.kind);
  const how = w.writes === 'proxy' ? 'a proxy health-checks every node' : 'the client tries every node';
  if (!model.findsWritableNode(group.settings)) {
    c.report([...where, 'writes'], `writes: ${w.writes} finds the writer as ${how} for the one that takes writes; ${authorityOf(group) === 'converged' ? `${model.name} groups like this one take writes on every node, so theirs cannot be found that way: write "local" (or through the "dal") instead` : `a ${model.name} group's writer cannot be found that way: write through the "writer" instead`}`);
  }
}

/**
 * A route must lead somewhere from every IDC it is used from (`usedFrom`):
 * local writes to a writable node there, local reads to a node with data,
 * writes through the data access layer to its router there; and routes to
 * "the writer" need a group that has one. Local reads are checked only when
 * the scenario asks for them (`readsGiven`): by default a client reads the
 * group's node in its own IDC where there is one, and makes no reads where
 * there is none (see readHostFor), while every write must go somewhere.
 */
function checkRoute(w: GroupWorkload, usedFrom: readonly string[], readsGiven: boolean, group: Group, dal: Dal | null, where: (string | number)[], c: Checks): void {
  // A sharded group's writer is each shard's: its clients follow the group's own map of them.
  const single = authorityOf(group) !== 'converged';
  const lacking = (has: (idc: string) => boolean): string[] => usedFrom.filter((idc) => !has(idc));
  if (w.writes === 'writer' && !single) {
    c.report([...where, 'writes'], `group "${group.name}" takes writes on every node and has no single writer: write "local" or through the "dal"`);
  }
  if (w.writes === 'local' && sendsWrites(w.writesPerSecond)) {
    const writable = new Set(group.nodes.filter((n) => n.role === 'primary' || n.role === 'master' || n.role === 'member').map((n) => n.idc));
    const missing = lacking((idc) => writable.has(idc));
    if (missing.length > 0) c.report([...where, 'writes'], `local writes need a writable node of "${group.name}" in every IDC they come from; none in ${missing.join(', ')} (narrow "from", or write through the "writer")`);
  }
  const routed = dal !== null && (dal.shardedGroup === group.name || dal.globalGroup === group.name);
  if (w.writes === 'dal' && !routed) {
    c.report([...where, 'writes'], `writes through the data access layer need a "dal" section that routes group "${group.name}"`);
  }
  if (w.writes === 'dal' && routed && sendsWrites(w.writesPerSecond)) {
    // A client sends its operations to the router of its own IDC's zone.
    const missing = lacking((idc) => dal.zones.some((z) => z.idc === idc));
    if (missing.length > 0) c.report([...where, 'writes'], `writes through the data access layer go to its router in the client's own IDC; the "dal" has no zone in ${missing.join(', ')} (add a zone there, or narrow "from")`);
  }
  if (w.reads === 'writer' && !single) {
    c.report([...where, 'reads'], `group "${group.name}" takes writes on every node and has no single writer to read from: read "local", or set reads: none`);
  }
  if (w.reads === 'local' && readsGiven && w.readsPerSecond > 0) {
    // A standby holds no data until a backup is restored onto it (see readHostFor in topology-plan.ts).
    const readable = new Set(group.nodes.filter((n) => n.role !== 'standby').map((n) => n.idc));
    const missing = lacking((idc) => readable.has(idc));
    if (missing.length > 0) c.report([...where, 'reads'], `local reads need a node of "${group.name}" holding data in every IDC they come from; none in ${missing.join(', ')} (narrow "from", ${single ? 'read from the "writer", ' : ''}or set reads: none)`);
  }
}
