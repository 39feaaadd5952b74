// Which running container an attached node is: its selector matched against
// every container the engine has, and refused unless exactly one matches, it
// is not hadrill's own, and it has an address of its own on a network the
// clients can join. Then one network they all share, which hadrill's agents
// join: the addresses on it are how clients and faults name the nodes.
import { LABEL_MANAGED } from '../plan/labels.js';
import type { ContainerSelector } from '../scenario/scenario.js';

/** What the engine says of a container, as this module needs it. */
export interface Candidate {
  id: string;
  name: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  /** network name -> IPv4 address */
  ips: Record<string, string>;
  networkMode: string;
}

/** A node of an attached scenario, found. */
export interface AttachedContainer {
  /** The scenario's name for it. */
  node: string;
  /** The engine's name and id for it: faults act on the name, and the id says it is still the same container. */
  name: string;
  id: string;
  image: string;
  /** Its address on the shared network. */
  ip: string;
}

export const COMPOSE_PROJECT = 'com.docker.compose.project';
export const COMPOSE_SERVICE = 'com.docker.compose.service';
export const COMPOSE_NUMBER = 'com.docker.compose.container-number';
export const COMPOSE_ONEOFF = 'com.docker.compose.oneoff';

export function describeSelector(s: ContainerSelector): string {
  if ('name' in s) return `the container named "${s.name}"`;
  if ('compose' in s) return `service "${s.compose.service}" (number ${s.compose.number}) of Compose project "${s.compose.project}"`;
  return `the container labelled ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(', ')}`;
}

function matches(s: ContainerSelector, c: Candidate): boolean {
  if ('name' in s) return c.name === s.name || c.id === s.name || (s.name.length >= 12 && c.id.startsWith(s.name));
  if ('compose' in s) {
    const l = c.labels;
    // `docker compose run` containers are one-off: never the service itself.
    return l[COMPOSE_PROJECT] === s.compose.project && l[COMPOSE_SERVICE] === s.compose.service && l[COMPOSE_NUMBER] === String(s.compose.number) && l[COMPOSE_ONEOFF] !== 'True';
  }
  return Object.entries(s.labels).every(([k, v]) => c.labels[k] === v);
}

/** The one container the selector names, or why there is none to attach to. */
export function selectContainer(node: string, selector: ContainerSelector, all: readonly Candidate[]): { found: Candidate } | { problem: string } {
  const what = describeSelector(selector);
  const found = all.filter((c) => matches(selector, c));
  if (found.length === 0) return { problem: `${node}: no container on this Docker engine is ${what}; start your stack first (\`docker ps -a\` lists what there is)` };
  if (found.length > 1) return { problem: `${node}: ${found.length} containers match ${what} (${found.map((c) => c.name).join(', ')}); name one container, or add a label only it carries` };
  const c = found[0]!;
  if (c.labels[LABEL_MANAGED] === 'true') return { problem: `${node}: ${c.name} is one of hadrill's own containers; an attached scenario drills your containers, not a hadrill run` };
  if (c.networkMode === 'host' || c.networkMode.startsWith('container:')) {
    return { problem: `${node}: ${c.name} shares ${c.networkMode === 'host' ? "the host's" : 'another container\'s'} network stack; hadrill cannot cut or isolate it without cutting more than it; give it a network of its own` };
  }
  if (Object.values(c.ips).every((ip) => !ip)) return { problem: `${node}: ${c.name} has no IPv4 address${c.state === 'running' ? '' : ` (it is ${c.state}: start it first)`}` };
  return { found: c };
}

/**
 * The network every selected container is on, which hadrill's clients join:
 * the user's own network, alphabetically first when they share several.
 */
export function sharedNetwork(found: readonly Candidate[]): string | null {
  const [first, ...rest] = found;
  if (!first) return null;
  const shared = Object.keys(first.ips)
    .filter((n) => first.ips[n] && rest.every((c) => c.ips[n]))
    .sort();
  return shared[0] ?? null;
}
