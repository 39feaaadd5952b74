// Attaching a drill to containers that already run: find each node's
// container, read the credentials the scenario points at, and say (before
// anything is touched) every container the run will act on and how. The
// user's containers are never created, changed or removed: only the faults
// the scenario asks for touch them, and `down` undoes those.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { HadrillError } from '../core/errors.js';
import { describeFault } from '../core/faults.js';
import { formatMs } from '../core/duration.js';
import { selectContainer, sharedNetwork, type AttachedContainer, type Candidate } from '../core/attach/select.js';
import type { Secrets } from '../core/plan/topology-plan.js';
import type { Scenario, SecretSource } from '../core/scenario/scenario.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
// The one kind-specific read attaching needs before the run is planned.
import { readServerIds } from '../datastores/mysql/host/attached.js';

export interface ResolvedAttach {
  /** The network every node shares, which hadrill's agents join. */
  network: string;
  containers: Record<string, AttachedContainer>;
}

/** Each node's container, found; every problem at once, so one edit fixes the scenario. */
export async function resolveAttach(scenario: Scenario, runtime: ContainerRuntime): Promise<ResolvedAttach> {
  const attach = scenario.attach;
  if (!attach) throw new Error('resolveAttach: the scenario is not an attached one');
  const all: Candidate[] = (await runtime.list({})).map((c) => ({ ...c, networkMode: c.networkMode ?? '' }));
  const problems: string[] = [];
  const found = new Map<string, Candidate>();
  for (const [node, selector] of Object.entries(attach.containers)) {
    const result = selectContainer(node, selector, all);
    if ('problem' in result) problems.push(result.problem);
    else found.set(node, result.found);
  }
  const twice = [...found.entries()].filter(([node, c]) => [...found.entries()].some(([other, d]) => other < node && d.id === c.id));
  for (const [node, c] of twice) problems.push(`${node}: ${c.name} is also another node of the scenario; each node is a container of its own`);
  const notRunning = [...found.entries()].filter(([, c]) => c.state !== 'running');
  for (const [node, c] of notRunning) problems.push(`${node}: ${c.name} is ${c.state}; hadrill attaches to a stack that runs (start it first)`);
  const network = problems.length === 0 ? sharedNetwork([...found.values()]) : null;
  if (problems.length === 0 && network === null) problems.push(`the containers share no network, and hadrill's clients join one network to reach them all; put them on one (a Compose project's default network does)`);
  if (problems.length > 0 || network === null) {
    throw new HadrillError('usage', `${scenario.file ?? scenario.name}: cannot attach:\n  ${problems.join('\n  ')}`, { hint: 'Fix the containers the scenario names (`container:` of each node), or start your stack; nothing was touched.' });
  }
  const containers: Record<string, AttachedContainer> = {};
  for (const [node, c] of found) containers[node] = { node, name: c.name, id: c.id, image: c.image, ip: c.ips[network]!, };
  return { network, containers };
}

/** The server ids of the nodes of MySQL groups written through the user's own proxy (see readServerIds). */
export async function proxiedServerIds(scenario: Scenario, resolved: ResolvedAttach, groupSecrets: Record<string, Secrets>): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const group of scenario.groups) {
    const proxied = scenario.workload.groups.some((w) => w.group === group.name && w.writes === 'proxy');
    const secrets = groupSecrets[group.name];
    if (group.kind !== 'mysql' || !proxied || !secrets) continue;
    Object.assign(ids, await readServerIds(group.nodes.map((n) => ({ node: n.name, ip: resolved.containers[n.name]!.ip })), secrets));
  }
  return ids;
}

/** Each attached group's credentials over the run's own secrets, read from where the scenario says. */
export function attachedSecrets(scenario: Scenario, base: Secrets): Record<string, Secrets> {
  const attach = scenario.attach;
  if (!attach) return {};
  const file = scenario.file ?? scenario.name;
  const read = (group: string, what: string, source: SecretSource | null): string | null => {
    if (source === null) return null;
    if ('env' in source) {
      const value = process.env[source.env];
      if (value === undefined) throw new HadrillError('usage', `${file}: group ${group}'s ${what} comes from the environment variable ${source.env}, which is not set.`, { hint: `Export it first, e.g. \`export ${source.env}=...\`; the scenario never holds the value.` });
      return value;
    }
    const path = isAbsolute(source.file) || scenario.file === null ? source.file : resolve(dirname(scenario.file), source.file);
    if (!existsSync(path)) throw new HadrillError('usage', `${file}: group ${group}'s ${what} comes from the file ${path}, which does not exist.`, { hint: 'Name a file that holds only the credential (a trailing newline is ignored).' });
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  };
  const out: Record<string, Secrets> = {};
  for (const group of scenario.groups) {
    const creds = attach.credentials[group.name];
    if (!creds) continue;
    const password = read(group.name, 'password', creds.password);
    const sentinelPassword = read(group.name, 'Sentinel password', creds.sentinelPassword);
    out[group.name] =
      group.kind === 'mysql'
        ? { ...base, rootPassword: password ?? '', mysqlAdminUser: creds.user }
        : { ...base, redisPassword: password ?? '', sentinelPassword: sentinelPassword ?? '' };
  }
  return out;
}

/** Every container the run will touch and how, and what it adds: shown by `up --dry-run` and at the top of every attached drill. */
export function attachPlanText(scenario: Scenario, resolved: ResolvedAttach, run: string): string {
  const lines: string[] = [`Attaching run ${run} to containers that already run (network ${resolved.network}):`];
  const faults = scenario.drill.timeline.map((t) => ({ at: t.atMs, spec: t.spec }));
  for (const group of scenario.groups) {
    const proxy = `${group.name}-proxy`;
    const members = [...group.nodes.map((n) => n.name), ...(group.failover.kind === 'sentinel' ? group.failover.sentinels.map((s) => s.name) : []), ...(resolved.containers[proxy] ? [proxy] : [])];
    lines.push(`  group ${group.name} (${group.kind}):`);
    for (const node of members) {
      const c = resolved.containers[node]!;
      const idc =
        group.nodes.find((n) => n.name === node)?.idc ??
        (group.failover.kind === 'sentinel' ? group.failover.sentinels.find((s) => s.name === node)?.idc : undefined) ??
        scenario.workload.groups.find((w) => w.group === group.name)?.proxy?.idc ??
        undefined;
      const touched = faults.filter(({ spec }) => touches(spec, node, idc ?? '')).map(({ at, spec }) => `${describeFault(spec)} at +${formatMs(at)}`);
      lines.push(`    ${node} = ${c.name} (${c.id.slice(0, 12)}, ${c.ip}) in ${idc}: ${touched.length > 0 ? touched.join('; ') : 'read only'}`);
    }
    lines.push(
      group.kind === 'mysql'
        ? `    adds database hadrill and user hadrill_app on the primary (dropped by \`hadrill down\`)`
        : `    adds keys hadrill:* on the master (deleted by \`hadrill down\`)`,
    );
  }
  const agents = scenario.workload.clients.length;
  lines.push(`  adds ${agents} workload ${agents === 1 ? 'agent' : 'agents'} of hadrill's on ${resolved.network} (removed by \`hadrill down\`), and short-lived helpers for cuts and isolation`);
  lines.push('  nothing else is touched; `hadrill down` starts, unpauses and unfilters every container a fault left stopped, paused or cut off.');
  return lines.join('\n');
}

function touches(spec: Parameters<typeof describeFault>[0], node: string, idc: string): boolean {
  switch (spec.kind) {
    case 'crash':
    case 'replication-stop':
      return spec.node === node;
    case 'power':
    case 'freeze':
      return spec.idc === idc;
    case 'isolate':
      // The isolated IDC's containers, and every other container, which stops talking to them.
      return true;
    case 'cut':
      return spec.from === idc || spec.to === idc;
    case 'partition':
      return spec.groups.flat().includes(idc);
    default:
      return false;
  }
}

/** Acting on someone else's containers needs a yes: on a terminal it is the user's run, elsewhere `--yes` says so. */
export function requireConsent(scenario: Scenario, yes: boolean, interactive: boolean): void {
  if (!scenario.attach || yes || interactive) return;
  throw new HadrillError('usage', `${scenario.file ?? scenario.name} attaches to containers hadrill did not create, and this is not a terminal.`, {
    hint: 'Check what it will touch with `hadrill up --dry-run FILE`, then pass --yes.',
  });
}
