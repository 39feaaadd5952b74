// An attached scenario: every node (and every Sentinel) names a container that
// already runs, and hadrill builds none of the group's parts. What hadrill
// would have to build or change to drill it is refused here, each at its
// place, with the nearest thing that works: machinery of its own (a manager,
// MHA, a restore manager, a proxy), a cold backup, the data access layer,
// link shapes (they need hadrill's own networks or netem), kinds not yet
// supported.
import type { AttachCredentials, AttachSpec, ContainerSelector, Group, SecretSource } from './scenario.js';
import type { GroupPaths } from './parse-groups.js';
import type { Checks, Raw } from './parse-support.js';

/** The kinds an attached scenario can drill, and the failover each accepts (the user's own machinery runs untouched). */
const ATTACHABLE: Record<string, readonly string[]> = { mysql: ['none'], redis: ['sentinel', 'none'] };
/** Routes that need nothing of hadrill's inside the user's stack (a proxy only when it is the user's own). */
const ATTACHABLE_ROUTES = ['writer', 'writable', 'proxy'];

/** The attach section of the scenario, or null when it builds its own topology. Problems are reported at their places. */
export function buildAttach(raw: Raw, groups: readonly Group[], paths: readonly GroupPaths[], c: Checks): AttachSpec | null {
  const rawGroups: Raw[] = raw.groups ?? [];
  const rawRoutes: Raw[] = raw.workload?.groups ?? [];
  const attached =
    rawRoutes.some((w: Raw) => w.proxy?.container !== undefined) ||
    rawGroups.some((g: Raw) => g.credentials !== undefined || (g.nodes ?? []).some((n: Raw) => n.container !== undefined) || (g.failover?.sentinels ?? []).some((s: Raw) => s.container !== undefined));
  if (!attached) return null;

  const containers: Record<string, ContainerSelector> = {};
  const credentials: Record<string, AttachCredentials> = {};
  groups.forEach((group, i) => {
    const g: Raw = rawGroups[i];
    const p = paths[i];
    if (!g || !p) return;
    group.nodes.forEach((node, j) => {
      const selector = g.nodes[j]?.container;
      if (selector === undefined) c.report(p.at('nodes', j), `an attached scenario names the container of every node: add \`container: { name: ... }\` (or compose or labels) to ${node.name}`);
      else containers[node.name] = selectorOf(selector);
    });
    if (group.failover.kind === 'sentinel') {
      group.failover.sentinels.forEach((sentinel, j) => {
        const selector = g.failover?.sentinels?.[j]?.container;
        if (selector === undefined) c.report(p.failover('sentinels', j), `an attached scenario names the container of every Sentinel: add \`container: { name: ... }\` to ${sentinel.name}`);
        else containers[sentinel.name] = selectorOf(selector);
      });
    }
    checkGroup(group, g, p, c);
    credentials[group.name] = credentialsOf(g.credentials);
  });
  for (const name of ['dal', 'mysql', 'redis'] as const) {
    if (raw[name] !== undefined) c.report([name], name === 'dal' ? 'an attached scenario has no data access layer of hadrill\'s: remove "dal" (clients write to the groups themselves)' : `an attached scenario lists its groups under "groups", each node with its container: move "${name}" there`);
  }
  if (raw.network !== undefined) {
    c.report(['network'], 'an attached scenario cannot shape the links between your containers (that needs hadrill\'s own networks, or netem in the kernel): remove "network"');
  }
  rawRoutes.forEach((w: Raw, j: number) => {
    const route = w.writes ?? 'writer';
    const at = ['workload', 'groups', j];
    if (!ATTACHABLE_ROUTES.includes(route)) {
      c.report([...at, 'writes'], `an attached group's clients write through "writer" (the node your machinery names, or the Sentinels' master), "writable" (the node that takes writes) or "proxy" (your own proxy), not "${route}", which needs hadrill's own parts in your stack`);
    }
    if (route !== 'proxy') return;
    if (w.proxy?.container === undefined || w.proxy?.idc === undefined) {
      c.report([...at, 'proxy'], "an attached group's proxy is your own: name its container and the IDC it stands in, `proxy: { idc: IDC, container: { name: ... } }` (hadrill puts no proxy of its own into your stack)");
      return;
    }
    const misplaced = ['checkInterval', 'fall', 'rise'].filter((k) => w.proxy[k] !== undefined);
    for (const key of misplaced) c.report([...at, 'proxy', key], `"${key}" sets up a proxy hadrill builds; your own proxy keeps its own checks: remove it`);
    containers[`${w.group}-proxy`] = selectorOf(w.proxy.container);
  });
  (raw.drill?.timeline ?? []).forEach((step: Raw, k: number) => {
    if (step.fault === 'degrade') c.report(['drill', 'timeline', k, 'fault'], 'an attached scenario cannot shape links (no hadrill networks to shape them on): use cut, isolate or partition instead of degrade');
  });
  return { containers, credentials };
}

function checkGroup(group: Group, g: Raw, p: GroupPaths, c: Checks): void {
  const failovers = ATTACHABLE[group.kind];
  if (failovers === undefined) {
    c.report(p.at('kind'), `an attached group is mysql or redis (one writer, replicas, your own machinery); ${group.kind} groups are built by hadrill only`);
    return;
  }
  if (g.failover === undefined) {
    // The kind's default (hadrill's manager, for MySQL) is machinery hadrill would build: an attached group says what it runs.
    c.report(p.at(), `an attached group says how it fails over: add \`failover: { kind: ${failovers.join(' }` or `failover: { kind: ')} }\``);
  } else if (!failovers.includes(group.failover.kind)) {
    const hint = group.kind === 'redis' ? 'sentinel (your Sentinels, each with its container) or none' : 'none: your own failover machinery (MHA, Orchestrator, a script) runs untouched, and clients find the writer with writes: writable';
    c.report(p.failover('kind'), `an attached ${group.kind} group's failover is ${hint}, not "${group.failover.kind}", which hadrill would have to build`);
  }
  if (g.image !== undefined) c.report(p.at('image'), 'an attached node runs the image you started it with: remove "image"');
  if (g.backup !== undefined) c.report(p.at('backup'), 'a cold backup runs hadrill\'s programs inside the nodes: remove "backup" from an attached group');
  if (g.replication === 'bidirectional') c.report(p.at('replication'), 'an attached MySQL group has one writer; bidirectional groups are built by hadrill only');
  if (group.kind === 'mysql' && g.credentials?.password === undefined) {
    c.report(p.at('credentials'), 'hadrill reads an attached MySQL group as an administrator: add `credentials: { password: { env: NAME } }` (or { file: PATH }), and `user` unless it is root');
  }
  if (group.kind === 'mysql' && g.credentials?.sentinelPassword !== undefined) c.report(p.at('credentials', 'sentinelPassword'), 'a MySQL group has no Sentinels: remove "sentinelPassword"');
  if (group.kind === 'redis' && g.credentials?.user !== undefined) c.report(p.at('credentials', 'user'), 'Redis has no administrator name here: remove "user" (password is its requirepass)');
}

function selectorOf(raw: Raw): ContainerSelector {
  if (raw.name !== undefined) return { name: raw.name };
  if (raw.compose !== undefined) return { compose: { project: raw.compose.project, service: raw.compose.service, number: raw.compose.number ?? 1 } };
  return { labels: { ...raw.labels } };
}

function credentialsOf(raw: Raw): AttachCredentials {
  const source = (s: Raw): SecretSource | null => (s === undefined ? null : s.env !== undefined ? { env: s.env } : { file: s.file });
  return { user: raw?.user ?? 'root', password: source(raw?.password), sentinelPassword: source(raw?.sentinelPassword) };
}
