// The Compose rendering of a scenario's topology, for people who want to read
// it or run it with their own tools. It is the same plan `up` creates, with a
// fixed subnet block, the image and every secret taken from the environment
// (no defaults: a Compose file holds no password), and the route helpers as
// one-shot services.
import { Document, Scalar, visit } from 'yaml';
import { routeScript } from './plan/route-script.js';
import type { Planners } from './plan/group-planner.js';
import { planTopology, type Secrets } from './plan/topology-plan.js';
import type { Scenario } from './scenario/scenario.js';
import { HELPER_LIMITS, type ContainerLimits } from './plan/container-limits.js';

/** 10.200.0.0/16: fixed so the rendered file is stable; change it in the file if it clashes. */
export const COMPOSE_SUBNET_BLOCK = 200;

/**
 * The variables a rendered file leaves for Compose to fill in, each as the one
 * reference the file makes to it; every other `$` in it is doubled, which
 * Compose reads as a literal `$` (Compose Specification, interpolation).
 */
const required = (name: string, why = `set ${name}`): string => `\${${name}:?${why}}`;
const IMAGE = required('HADRILL_IMAGE', 'set HADRILL_IMAGE to the output of `hadrill images tag`');
const PACKAGE_DIR = '${HADRILL_PACKAGE_DIR:-..}';

const SECRETS_FROM_ENV: Secrets = {
  rootPassword: required('HADRILL_ROOT_PASSWORD'),
  replPassword: required('HADRILL_REPL_PASSWORD'),
  appPassword: required('HADRILL_APP_PASSWORD'),
  redisPassword: required('HADRILL_REDIS_PASSWORD'),
  redisAppPassword: required('HADRILL_REDIS_APP_PASSWORD'),
  sentinelPassword: required('HADRILL_SENTINEL_PASSWORD'),
  managerToken: required('HADRILL_MANAGER_TOKEN'),
  sshKey: { privatePem: required('HADRILL_SSH_PRIVATE_KEY'), publicLine: required('HADRILL_SSH_PUBLIC_KEY') },
};

/** Every reference the file may make, with its variable's name. */
const VARIABLES: readonly { ref: string; name: string }[] = [IMAGE, PACKAGE_DIR, ...Object.values(SECRETS_FROM_ENV).flatMap((v: string | Record<string, string>) => (typeof v === 'string' ? [v] : Object.values(v)))].map((ref) => ({ ref, name: /^\$\{([A-Z_]+)/.exec(ref)![1]! }));

/** The Compose version that reads what a rendered file uses: configs given by `content` came in 2.23.1. */
export const COMPOSE_MIN_VERSION = '2.23.1';

export function renderCompose(scenario: Scenario, planners: Planners): string {
  const plan = planTopology(
    scenario,
    {
    // Not a HADRILL_HOME's: no home's `down` removes what Compose starts.
    home: 'compose',
    run: scenario.name,
    subnetBlock: COMPOSE_SUBNET_BLOCK,
    ownImageTag: IMAGE,
    secrets: SECRETS_FROM_ENV,
    packageDir: PACKAGE_DIR,
    runDir: './.hadrill-compose',
    },
    planners,
  );
  const services: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  for (const c of plan.containers) {
    services[c.node] = {
      image: c.image,
      container_name: c.name,
      ...(c.cmd.length > 0 ? { command: c.cmd } : {}),
      environment: c.env,
      labels: c.labels,
      ...(c.capAdd.length > 0 ? { cap_add: c.capAdd } : {}),
      ...(c.capDrop.length > 0 ? { cap_drop: c.capDrop } : {}),
      ...(Object.keys(c.sysctls).length > 0 ? { sysctls: c.sysctls } : {}),
      ...(c.binds.length > 0 ? { volumes: c.binds } : {}),
      ...composeHardening(c.limits),
      ...(c.files.length > 0 ? { configs: c.files.map((f) => ({ source: configName(c.node, f.path), target: f.path, mode: f.mode })) } : {}),
      networks: Object.fromEntries(c.networks.map((n) => [n.network, { ipv4_address: n.ip }])),
    };
    for (const f of c.files) configs[configName(c.node, f.path)] = { content: f.content };
    if (c.kind !== 'router') {
      services[`${c.node}-routes`] = {
        image: plan.containers.find((r) => r.kind === 'router')?.image ?? c.image,
        network_mode: `service:${c.node}`,
        cap_add: ['NET_ADMIN'],
        ...composeHardening(HELPER_LIMITS),
        command: ['sh', '-c', routeScript(c)],
        labels: c.labels,
      };
    }
  }
  const networks = Object.fromEntries(
    plan.networks.map((n) => [n.name, { name: n.name, labels: plan.containers.find((c) => c.idc === n.idc)?.labels ?? {}, ipam: { config: [{ subnet: n.subnet, gateway: n.gateway }] } }]),
  );
  const used = new Set<string>();
  const body = composeYaml(escapeDollars({ name: `hadrill-${scenario.name}`, services, configs, networks }, used));
  const requiredUsed = VARIABLES.filter((v) => used.has(v.name) && v.ref.includes(':?')).map((v) => v.name);
  const defaultedUsed = VARIABLES.filter((v) => used.has(v.name) && !v.ref.includes(':?'));
  const header = [
    `# ${scenario.name}: ${commentText(scenario.description || scenario.tier)}`,
    '# Rendered by `hadrill compose` from the scenario; a test keeps this file in sync. Do not edit by hand.',
    ...(Object.keys(configs).length > 0 ? [`# Needs Docker Compose ${COMPOSE_MIN_VERSION} or newer: its configs give their files inline (configs.content).`] : []),
    '# Run it with: HADRILL_IMAGE=$(hadrill images tag) docker compose -f THIS_FILE up -d, with every variable it reads set',
    '# in the environment (no secret has a default).',
    `# Variables it reads: ${[
      ...(requiredUsed.length > 0 ? [`${requiredUsed.join(', ')} (required)`] : []),
      ...defaultedUsed.map((v) => `${v.name} (default ${v.ref.slice(v.ref.indexOf(':-') + 2, -1)})`),
    ].join('; ')}.`,
    '# Every other $ in a value is written $$, which Compose reads as a literal $ (shell variables of the route helpers).',
    '# Nodes have no NET_ADMIN: each *-routes service installs its routes between IDCs once it has started.',
    '# `hadrill up` does the same and then sets up replication (users, GTID replicas) and waits for every phase.',
    '',
  ].join('\n');
  return header + body;
}

/** The same ceilings and no-new-privileges that `hadrill up` gives each container (see container-limits.ts). */
function composeHardening(limits: ContainerLimits): Record<string, unknown> {
  const memory = `${limits.memoryBytes / (1024 * 1024)}m`;
  return { mem_limit: memory, memswap_limit: memory, pids_limit: limits.pids, security_opt: ['no-new-privileges:true'] };
}

/**
 * Every string value with each `$` doubled, except where it starts one of
 * hadrill's variable references (whose names are added to `used`). Keys are
 * left alone: Compose does not interpolate them, and hadrill's hold no `$`.
 */
function escapeDollars(value: unknown, used: Set<string>): unknown {
  if (typeof value === 'string') {
    let out = '';
    for (let i = 0; i < value.length; ) {
      if (value[i] !== '$') {
        out += value[i++];
        continue;
      }
      const live = VARIABLES.find((v) => value.startsWith(v.ref, i));
      if (live) {
        used.add(live.name);
        out += live.ref;
        i += live.ref.length;
      } else {
        out += '$$';
        i += 1;
      }
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => escapeDollars(v, used));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v, used)]));
  return value;
}

/** Line breaks some YAML reader honours: LF and CR, and NEL, LS and PS (YAML 1.1, libyaml, go-yaml). */
const LINE_BREAKS = /\r\n|[\n\r\u0085\u2028\u2029]/g;
/** What may not stand raw in a Compose file: characters outside YAML's printable set, and the byte order mark. */
const UNPRINTABLE = /[^\t\n\r\x20-\x7e\u0085\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|\ufeff/gu;
/** A string a YAML reader could take apart or refuse unless it is double-quoted with these escaped. */
const NEEDS_ESCAPES = /[\r\u0085\u2028\u2029\ufeff]|[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const NAMED_ESCAPES: Record<string, string> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };
const hexEscape = (ch: string): string => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;

/**
 * Free text as the rest of a `#` comment line: each line break (any a reader
 * honours) becomes a space and every other character a reader would refuse
 * is written as an escape, so the comment cannot end early.
 */
export function commentText(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(UNPRINTABLE, hexEscape);
}

/**
 * A value as YAML by the yaml library's own quoting, with one more rule for
 * strings it would leave plain or in a block although a reader breaks lines at
 * their NEL, LS or PS, or refuses their characters: those are double-quoted,
 * and such characters escaped in them (\N, \L, \P, \uXXXX).
 */
export function composeYaml(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && NEEDS_ESCAPES.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  // Only double-quoted scalars hold such characters now (no comment is rendered here), where these escapes mean them.
  return doc.toString({ lineWidth: 0 }).replace(/[\u0085\u2028\u2029]/g, (ch) => NAMED_ESCAPES[ch]!).replace(UNPRINTABLE, hexEscape);
}

function configName(node: string, path: string): string {
  return `${node}-${path.slice(path.lastIndexOf('/') + 1).replace(/\./g, '-')}`;
}
