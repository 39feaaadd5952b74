// The datastore groups of a scenario: written as `groups:`, or as the `mysql:`
// and `redis:` shorthand of a one-primary MySQL group named "mysql" and a
// Sentinel-watched Redis group named "redis". Either way each group is
// checked for what its kind, replication and failover machinery need, and
// every problem points at the place in the file the user wrote.
import { OWN_IMAGE, type Backup, type Failover, type Group, type GroupKind, type GroupNode, type NodeRole } from './scenario.js';
import { ms, type Checks, type Path, type Raw } from './parse-support.js';

/** Where the parts of a group are in the file: `groups[i]`, or the shorthand's own places. */
export interface GroupPaths {
  at(...sub: (string | number)[]): Path;
  failover(...sub: (string | number)[]): Path;
}

/** The groups, and where each one is written (`paths[i]` for `groups[i]`), for checks made once the whole scenario is read. */
export function buildGroups(raw: Raw, idcNames: readonly string[], c: Checks): { groups: Group[]; paths: GroupPaths[] } {
  const groups: Group[] = [];
  const paths: GroupPaths[] = [];
  const add = (g: Raw, p: GroupPaths): void => {
    groups.push(buildGroup(g, p, idcNames, c));
    paths.push(p);
  };
  (raw.groups ?? []).forEach((g: Raw, i: number) => {
    const at = (...sub: (string | number)[]): Path => ['groups', i, ...sub];
    add(g, { at, failover: (...sub) => at('failover', ...sub) });
  });
  // The shorthand's failover settings are the mysql section's `manager`, and the redis section's own keys.
  if (raw.mysql) add(mysqlShorthand(raw.mysql), shorthandPaths('mysql', ['mysql', 'manager']));
  if (raw.redis) add(redisShorthand(raw.redis), shorthandPaths('redis', ['redis']));
  if (groups.length === 0) c.report([], 'a scenario needs datastore groups: a "groups" list, or the "mysql" and "redis" shorthand');
  c.duplicates(
    groups.map((g) => g.name),
    () => ['groups'],
    (n) => `two groups are named "${n}"; group names must be unique`,
  );
  return { groups, paths };
}

function shorthandPaths(section: 'mysql' | 'redis', failover: Path): GroupPaths {
  return {
    at: (...sub) => [section, ...sub],
    failover: (...sub) => [...failover, ...sub],
  };
}

function mysqlShorthand(raw: Raw): Raw {
  const manager = raw.manager ?? {};
  return { ...raw, name: 'mysql', kind: 'mysql', manager: undefined, failover: { kind: 'manager', name: 'mysql-manager', ...manager } };
}

function redisShorthand(raw: Raw): Raw {
  const { sentinels, quorum, downAfter, failoverTimeout, ...rest } = raw;
  return { ...rest, name: 'redis', kind: 'redis', failover: { kind: 'sentinel', sentinels, quorum, downAfter, failoverTimeout } };
}

function buildGroup(raw: Raw, p: GroupPaths, idcNames: readonly string[], c: Checks): Group {
  const kind: GroupKind = raw.kind;
  const name: string = raw.name;
  raw.nodes.forEach((n: Raw, i: number) => c.idc(p.at('nodes', i, 'idc'), n.idc));
  const image: string = raw.image ?? OWN_IMAGE;
  const replication = kind === 'mysql' ? (raw.replication ?? 'async') : null;
  if (kind !== 'mysql' && raw.replication !== undefined) c.report(p.at('replication'), `${kind} groups have no "replication" setting; it is for mysql groups`);
  const multiWriter = kind === 'galera' || replication === 'bidirectional';
  const nodes = buildNodes(raw.nodes, kind, multiWriter, p, c);
  const backup = raw.backup ? buildBackup(raw.backup, kind, image, name, p, c) : null;
  const failover = buildFailover(raw.failover, kind, multiWriter, name, nodes, idcNames, p, c);
  if (failover.kind === 'restore' && backup === null) c.report(p.failover('kind'), 'restore needs a "backup" on the group: there is nothing to restore without one');
  if (nodes.some((n) => n.role === 'standby') && failover.kind !== 'restore') c.report(p.at('nodes'), 'standby nodes hold data only once a backup is restored onto them: they need failover kind "restore"');
  if (failover.kind === 'restore' && !nodes.some((n) => n.role === 'standby')) c.report(p.at('nodes'), 'restore needs a node with role "standby" to restore the backup onto');
  if (kind === 'galera' && image !== OWN_IMAGE && !/(^|\/)mariadb(:|$)/.test(image)) c.report(p.at('image'), `Galera needs MariaDB: use hadrill's own image or a mariadb image, not "${image}"`);
  const base = { name, image, nodes, failover, backup };
  if (kind === 'redis') return { ...base, kind };
  if (kind === 'galera') return { ...base, kind, flavor: 'mariadb' };
  return {
    ...base,
    kind,
    flavor: /(^|\/)mysql(:|$)/.test(image) ? 'mysql' : 'mariadb',
    replication: replication ?? 'async',
    semiSyncTimeoutMs: ms(raw.semiSyncTimeout ?? '10s'),
  };
}

/** The writer role of a kind, and the role its other nodes take by default. */
const ROLES: Record<GroupKind, { writer: NodeRole; allowed: NodeRole[] }> = {
  mysql: { writer: 'primary', allowed: ['primary', 'replica', 'standby'] },
  galera: { writer: 'member', allowed: ['member'] },
  redis: { writer: 'master', allowed: ['master', 'replica', 'standby'] },
};

function buildNodes(raw: Raw[], kind: GroupKind, multiWriter: boolean, p: GroupPaths, c: Checks): GroupNode[] {
  const { writer, allowed } = ROLES[kind];
  raw.forEach((n: Raw, i: number) => {
    if (n.role !== undefined && !allowed.includes(n.role)) c.report(p.at('nodes', i, 'role'), `a ${kind} node's role is one of ${allowed.join(', ')}, not "${n.role}"`);
  });
  const writers = raw.filter((n: Raw) => (n.role ?? (kind === 'galera' ? 'member' : undefined)) === writer).length;
  if (kind === 'galera') {
    if (raw.length < 2) c.report(p.at('nodes'), 'a Galera cluster needs at least 2 nodes (3 or more to survive the loss of one)');
  } else if (multiWriter) {
    if (writers + raw.filter((n: Raw) => n.role === undefined).length < 2) c.report(p.at('nodes'), 'bidirectional replication needs at least 2 primaries');
    if (raw.some((n: Raw) => n.role !== undefined && n.role !== 'primary')) c.report(p.at('nodes'), 'in bidirectional replication every node is a primary');
  } else if (writers > 1) {
    c.report(p.at('nodes'), `${writers} nodes have role ${writer}; exactly one may (the others replicate from it)`);
  }
  const nodes: GroupNode[] = raw.map((n: Raw, i: number) => ({
    name: n.name,
    idc: n.idc,
    role: n.role ?? (kind === 'galera' ? 'member' : multiWriter || (writers === 0 && i === 0) ? writer : 'replica'),
  }));
  // A first node without a role is the writer; when it has one, some node must be given the writer's role.
  // (A role the kind does not have is reported above, and likely meant as the writer.)
  const rolesKnown = raw.every((n: Raw) => n.role === undefined || allowed.includes(n.role));
  if (!multiWriter && rolesKnown && !nodes.some((n) => n.role === writer)) {
    c.report(p.at('nodes'), `no node has role ${writer}: the group has no writer to start from and its replicas nothing to follow; give one node role ${writer} (or leave the first node's role out)`);
  }
  return nodes;
}

function buildBackup(raw: Raw, kind: GroupKind, image: string, group: string, p: GroupPaths, c: Checks): Backup {
  c.idc(p.at('backup', 'storage', 'idc'), raw.storage.idc);
  // Every Galera node is a writer, and a node that comes back rejoins by the cluster's own state transfer: no node is ever stopped to be copied.
  if (kind === 'galera') c.report(p.at('backup'), 'a Galera group takes no cold backup: every node takes writes and a returning node rejoins by state transfer; remove "backup"');
  // The backup supervisor and the standby's restore program run inside the node, as hadrill's programs.
  else if (image !== OWN_IMAGE) c.report(p.at('backup'), `a cold backup runs hadrill's backup programs inside the nodes: it needs hadrill's own image (image: ${OWN_IMAGE}), not "${image}"`);
  return { everyMs: ms(raw.every), storage: { name: raw.storage.name ?? `${group}-storage`, idc: raw.storage.idc } };
}

const FAILOVERS: Record<GroupKind, { default: (multiWriter: boolean) => Failover['kind']; allowed: Failover['kind'][] }> = {
  mysql: { default: (multi) => (multi ? 'none' : 'manager'), allowed: ['manager', 'restore', 'none'] },
  galera: { default: () => 'quorum', allowed: ['quorum'] },
  redis: { default: () => 'none', allowed: ['sentinel', 'restore', 'none'] },
};

function buildFailover(raw: Raw, kind: GroupKind, multiWriter: boolean, group: string, nodes: GroupNode[], idcNames: readonly string[], p: GroupPaths, c: Checks): Failover {
  const f: Raw = raw ?? {};
  const which: Failover['kind'] = f.kind ?? FAILOVERS[kind].default(multiWriter);
  if (!FAILOVERS[kind].allowed.includes(which)) c.report(p.failover('kind'), `a ${kind} group's failover is one of ${FAILOVERS[kind].allowed.join(', ')}, not "${which}"`);
  if (multiWriter && which !== 'none' && which !== 'quorum') c.report(p.failover('kind'), 'a group whose every node takes writes has no writer to fail over: failover kind "none"');
  const misplaced = (keys: string[]): void => {
    for (const key of keys) if (f[key] !== undefined) c.report(p.failover(key), `"${key}" is not a setting of failover kind "${which}"`);
  };
  const writerIdc = nodes.find((n) => n.role === 'primary' || n.role === 'master')?.idc;
  switch (which) {
    case 'manager':
    case 'restore': {
      misplaced(['sentinels', 'quorum', 'downAfter', 'failoverTimeout', ...(which === 'restore' ? ['prefer'] : [])]);
      if (f.idc !== undefined) c.idc(p.failover('idc'), f.idc);
      const probe = { checkIntervalMs: ms(f.checkInterval ?? '500ms'), failureThreshold: f.failureThreshold ?? 3, connectTimeoutMs: ms(f.connectTimeout ?? '1s') };
      // By default the machinery lives away from the writer, so that losing the writer's IDC does not take it too.
      const idc = f.idc ?? idcNames.find((n) => n !== writerIdc) ?? idcNames[0]!;
      if (which === 'restore') return { kind: which, name: f.name ?? `${group}-restore`, idc, ...probe };
      return { kind: which, name: f.name ?? `${group}-manager`, idc, prefer: f.prefer ?? 'most-advanced', ...probe };
    }
    case 'sentinel': {
      misplaced(['idc', 'checkInterval', 'failureThreshold', 'connectTimeout']);
      const raws: Raw[] = f.sentinels ?? [];
      if (raws.length === 0) c.report(p.failover('sentinels'), 'Sentinel failover needs sentinels, e.g. [{ idc: idc-a }, { idc: idc-b }, { idc: idc-c }]');
      raws.forEach((s: Raw, i: number) => c.idc(p.failover('sentinels', i, 'idc'), s.idc));
      const sentinels = c.names(raws, group === 'redis' ? 'sentinel' : `${group}-sentinel`, p.failover('sentinels'));
      const quorum = f.quorum ?? Math.floor(sentinels.length / 2) + 1;
      if (quorum > sentinels.length) c.report(p.failover('quorum'), `quorum ${quorum} is more than the ${sentinels.length} sentinels; no failover could ever be agreed`);
      return { kind: which, sentinels, quorum, downAfterMs: ms(f.downAfter ?? '2s'), failoverTimeoutMs: ms(f.failoverTimeout ?? '10s'), prefer: f.prefer ?? 'most-advanced' };
    }
    default:
      misplaced(['idc', 'prefer', 'checkInterval', 'failureThreshold', 'connectTimeout', 'sentinels', 'quorum', 'downAfter', 'failoverTimeout', 'name']);
      return { kind: which };
  }
}
