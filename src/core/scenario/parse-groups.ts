// The datastore groups of a scenario: written as `groups:`, or as the `mysql:`
// and `redis:` shorthand of a one-primary MySQL group named "mysql" and a
// Sentinel-watched Redis group named "redis". Either way each group is
// checked for what its kind, replication and failover machinery need, and
// every problem points at the place in the file the user wrote.
import type { KindCatalog, KindModel, KindSettings } from './kind-model.js';
import { OWN_IMAGE, type Authority, type Backup, type Failover, type Group, type GroupNode } from './scenario.js';
import { ms, type Checks, type Path, type Raw } from './parse-support.js';
import { REDIS_MASTER_NAME } from '../plan/topology-plan.js';

/** Where the parts of a group are in the file: `groups[i]`, or the shorthand's own places. */
export interface GroupPaths {
  at(...sub: (string | number)[]): Path;
  failover(...sub: (string | number)[]): Path;
}

/** The groups, and where each one is written (`paths[i]` for `groups[i]`), for checks made once the whole scenario is read. */
export function buildGroups(raw: Raw, idcNames: readonly string[], c: Checks, kinds: KindCatalog): { groups: Group[]; paths: GroupPaths[] } {
  const groups: Group[] = [];
  const paths: GroupPaths[] = [];
  const add = (g: Raw, p: GroupPaths): void => {
    const kind = kinds.get(g.kind);
    if (!kind) {
      c.report(p.at('kind'), `unknown datastore kind "${g.kind}"; known: ${[...kinds.keys()].join(', ')}`);
      return;
    }
    groups.push(buildGroup(g, kind, kinds, p, idcNames, c));
    paths.push(p);
  };
  (raw.groups ?? []).forEach((g: Raw, i: number) => {
    const at = (...sub: (string | number)[]): Path => ['groups', i, ...sub];
    add(g, { at, failover: (...sub) => at('failover', ...sub) });
  });
  // A shorthand section (`mysql:`, `redis:`) stands for one group of its kind, named after the section.
  for (const kind of kinds.values()) {
    const short = kind.shorthand;
    if (short && raw[short.section]) add(short.expand(raw[short.section]), { at: (...sub) => [short.section, ...sub], failover: (...sub) => [...short.failoverPath, ...sub] });
  }
  if (groups.length === 0 && c !== undefined) c.report([], `a scenario needs datastore groups: a "groups" list${shorthandHint(kinds)}`);
  c.duplicates(
    groups.map((g) => g.name),
    () => ['groups'],
    (n) => `two groups are named "${n}"; group names must be unique`,
  );
  return { groups, paths };
}

function shorthandHint(kinds: KindCatalog): string {
  const sections = [...kinds.values()].flatMap((k) => (k.shorthand ? [`"${k.shorthand.section}"`] : []));
  return sections.length === 0 ? '' : `, or the ${sections.join(' and ')} shorthand`;
}

function buildGroup(raw: Raw, kind: KindModel, kinds: KindCatalog, p: GroupPaths, idcNames: readonly string[], c: Checks): Group {
  const name: string = raw.name;
  foreignSettings(raw, kind, kinds, p, c);
  raw.nodes.forEach((n: Raw, i: number) => c.idc(p.at('nodes', i, 'idc'), n.idc));
  const image: string = raw.image ?? OWN_IMAGE;
  const settings = kind.settings(raw, image, p.at, c);
  const authority = kind.authority(settings);
  const nodes = buildNodes(raw.nodes, kind, authority, p, c);
  const backup = raw.backup ? buildBackup(raw.backup, kind, image, name, p, c) : null;
  const failover = buildFailover(raw.failover, kind, settings, authority, name, nodes, idcNames, p, c);
  if (failover.kind === 'restore' && backup === null) c.report(p.failover('kind'), 'restore needs a "backup" on the group: there is nothing to restore without one');
  if (nodes.some((n) => n.role === 'standby') && failover.kind !== 'restore') c.report(p.at('nodes'), 'standby nodes hold data only once a backup is restored onto them: they need failover kind "restore"');
  if (failover.kind === 'restore' && !nodes.some((n) => n.role === 'standby')) c.report(p.at('nodes'), 'restore needs a node with role "standby" to restore the backup onto');
  const group: Group = { name, kind: kind.name, image, nodes, failover, backup, authority, settings };
  kind.checkGroup(group, p.at, c);
  return group;
}

/** A setting that only other kinds have (a Redis group's `replication`, say) is named with the kinds it belongs to. */
function foreignSettings(raw: Raw, kind: KindModel, kinds: KindCatalog, p: GroupPaths, c: Checks): void {
  const owners = new Map<string, string[]>();
  for (const other of kinds.values()) for (const key of Object.keys(other.schemaProperties)) owners.set(key, [...(owners.get(key) ?? []), other.name]);
  for (const [key, names] of owners) {
    if (raw[key] !== undefined && !names.includes(kind.name)) c.report(p.at(key), `${kind.name} groups have no "${key}" setting; it is for ${names.join(' and ')} groups`);
  }
}

/**
 * Nodes with their roles: one writer (a first node without a role is it),
 * or, where every node takes writes or holds a shard, the kind's writer
 * role for every node not given another.
 */
function buildNodes(raw: Raw[], kind: KindModel, authority: Authority, p: GroupPaths, c: Checks): GroupNode[] {
  const { writerRole: writer, roles: allowed } = kind;
  raw.forEach((n: Raw, i: number) => {
    if (n.role !== undefined && !allowed.includes(n.role)) c.report(p.at('nodes', i, 'role'), `a ${kind.name} node's role is one of ${allowed.join(', ')}, not "${n.role}"`);
  });
  const multiWriter = authority === 'converged';
  const writers = raw.filter((n: Raw) => n.role === writer).length;
  if (authority === 'writer' && writers > 1) c.report(p.at('nodes'), `${writers} nodes have role ${writer}; exactly one may (the others replicate from it)`);
  const nodes: GroupNode[] = raw.map((n: Raw, i: number) => ({
    name: n.name,
    idc: n.idc,
    role: n.role ?? (multiWriter || (writers === 0 && i === 0) ? writer : allowed.find((r) => r !== writer) ?? writer),
  }));
  // A first node without a role is the writer; when it has one, some node must be given the writer's role.
  // (A role the kind does not have is reported above, and likely meant as the writer.)
  const rolesKnown = raw.every((n: Raw) => n.role === undefined || allowed.includes(n.role));
  if (!multiWriter && rolesKnown && !nodes.some((n) => n.role === writer)) {
    c.report(p.at('nodes'), `no node has role ${writer}: the group has no writer to start from and its replicas nothing to follow; give one node role ${writer} (or leave the first node's role out)`);
  }
  return nodes;
}

function buildBackup(raw: Raw, kind: KindModel, image: string, group: string, p: GroupPaths, c: Checks): Backup {
  c.idc(p.at('backup', 'storage', 'idc'), raw.storage.idc);
  if (kind.noColdBackup !== null) c.report(p.at('backup'), `${kind.noColdBackup}; remove "backup"`);
  // The backup supervisor and the standby's restore program run inside the node, as hadrill's programs.
  else if (image !== OWN_IMAGE) c.report(p.at('backup'), `a cold backup runs hadrill's backup programs inside the nodes: it needs hadrill's own image (image: ${OWN_IMAGE}), not "${image}"`);
  return { everyMs: ms(raw.every), storage: { name: raw.storage.name ?? `${group}-storage`, idc: raw.storage.idc } };
}

function buildFailover(raw: Raw, kind: KindModel, settings: KindSettings, authority: Authority, group: string, nodes: GroupNode[], idcNames: readonly string[], p: GroupPaths, c: Checks): Failover {
  const f: Raw = raw ?? {};
  const which: Failover['kind'] = f.kind ?? kind.defaultFailover(settings);
  if (!kind.failovers.includes(which)) c.report(p.failover('kind'), `a ${kind.name} group's failover is one of ${kind.failovers.join(', ')}, not "${which}"`);
  if (authority === 'converged' && which !== 'none' && which !== 'quorum') c.report(p.failover('kind'), 'a group whose every node takes writes has no writer to fail over: failover kind "none"');
  const misplaced = (keys: string[]): void => {
    for (const key of keys) if (f[key] !== undefined) c.report(p.failover(key), `"${key}" is not a setting of failover kind "${which}"`);
  };
  const writerIdc = nodes.find((n) => n.role === 'primary' || n.role === 'master')?.idc;
  switch (which) {
    case 'manager':
    case 'restore': {
      misplaced(['sentinels', 'quorum', 'downAfter', 'failoverTimeout', 'masterName', 'pingInterval', 'pingType', ...(which === 'restore' ? ['prefer'] : [])]);
      if (f.idc !== undefined) c.idc(p.failover('idc'), f.idc);
      const probe = { checkIntervalMs: ms(f.checkInterval ?? '500ms'), failureThreshold: f.failureThreshold ?? 3, connectTimeoutMs: ms(f.connectTimeout ?? '1s') };
      // By default the machinery lives away from the writer, so that losing the writer's IDC does not take it too.
      const idc = f.idc ?? idcNames.find((n) => n !== writerIdc) ?? idcNames[0]!;
      if (which === 'restore') return { kind: which, name: f.name ?? `${group}-restore`, idc, ...probe };
      return { kind: which, name: f.name ?? `${group}-manager`, idc, prefer: f.prefer ?? 'most-advanced', ...probe };
    }
    case 'sentinel': {
      misplaced(['idc', 'checkInterval', 'failureThreshold', 'connectTimeout', 'pingInterval', 'pingType']);
      const raws: Raw[] = f.sentinels ?? [];
      if (raws.length === 0) c.report(p.failover('sentinels'), 'Sentinel failover needs sentinels, e.g. [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]');
      raws.forEach((s: Raw, i: number) => c.idc(p.failover('sentinels', i, 'idc'), s.idc));
      // The shorthand's group (named after its section) keeps the names its Sentinels always had.
      const sentinels = c.names(raws, group === kind.shorthand?.section ? 'sentinel' : `${group}-sentinel`, p.failover('sentinels'));
      const quorum = f.quorum ?? Math.floor(sentinels.length / 2) + 1;
      if (quorum > sentinels.length) c.report(p.failover('quorum'), `quorum ${quorum} is more than the ${sentinels.length} sentinels; no failover could ever be agreed`);
      return { kind: which, sentinels, quorum, downAfterMs: ms(f.downAfter ?? '2s'), failoverTimeoutMs: ms(f.failoverTimeout ?? '10s'), prefer: f.prefer ?? 'most-advanced', masterName: f.masterName ?? REDIS_MASTER_NAME };
    }
    case 'mha': {
      misplaced(['prefer', 'checkInterval', 'failureThreshold', 'connectTimeout', 'sentinels', 'quorum', 'downAfter', 'failoverTimeout', 'masterName']);
      if (f.idc !== undefined) c.idc(p.failover('idc'), f.idc);
      const pingIntervalMs = ms(f.pingInterval ?? '3s');
      // MHA's ping_interval is whole seconds, at least one.
      if (pingIntervalMs < 1000 || pingIntervalMs % 1000 !== 0) c.report(p.failover('pingInterval'), `MHA pings in whole seconds (its ping_interval), at least 1s; "${f.pingInterval}" is not`);
      const idc = f.idc ?? idcNames.find((n) => n !== writerIdc) ?? idcNames[0]!;
      return { kind: which, name: f.name ?? `${group}-mha`, idc, pingIntervalMs, pingType: f.pingType ?? 'select' };
    }
    default:
      misplaced(['idc', 'prefer', 'checkInterval', 'failureThreshold', 'connectTimeout', 'sentinels', 'quorum', 'downAfter', 'failoverTimeout', 'masterName', 'name', 'pingInterval', 'pingType']);
      return { kind: which };
  }
}
