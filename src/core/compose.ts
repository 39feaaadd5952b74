// The Compose rendering of a scenario's topology, for people who want to read
// it or run it with their own tools. It is the same plan `up` creates, with a
// fixed subnet block, the image and every secret taken from the environment
// (no defaults: a Compose file holds no password), and the route helpers as
// one-shot services.
import { stringify } from 'yaml';
import { routeScript } from './plan/route-script.js';
import type { Planners } from './plan/group-planner.js';
import { planTopology, type Secrets } from './plan/topology-plan.js';
import type { Scenario } from './scenario/scenario.js';

/** 10.200.0.0/16: fixed so the rendered file is stable; change it in the file if it clashes. */
export const COMPOSE_SUBNET_BLOCK = 200;

const required = (name: string): string => `\${${name}:?set ${name}}`;

const SECRETS_FROM_ENV: Secrets = {
  rootPassword: required('HADRILL_ROOT_PASSWORD'),
  replPassword: required('HADRILL_REPL_PASSWORD'),
  appPassword: required('HADRILL_APP_PASSWORD'),
  redisPassword: required('HADRILL_REDIS_PASSWORD'),
  sentinelPassword: required('HADRILL_SENTINEL_PASSWORD'),
  managerToken: required('HADRILL_MANAGER_TOKEN'),
};

export function renderCompose(scenario: Scenario, planners: Planners): string {
  const plan = planTopology(
    scenario,
    {
    // Not a HADRILL_HOME's: no home's `down` removes what Compose starts.
    home: 'compose',
    run: scenario.name,
    subnetBlock: COMPOSE_SUBNET_BLOCK,
    ownImageTag: '${HADRILL_IMAGE:?set HADRILL_IMAGE to the output of `hadrill images tag`}',
    secrets: SECRETS_FROM_ENV,
    packageDir: '${HADRILL_PACKAGE_DIR:-..}',
    runDir: './.hadrill-compose',
    },
    planners,
  );
  const services: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  const literal = (text: string): string => text.replace(/\$/g, '$$$$');
  for (const c of plan.containers) {
    services[c.node] = {
      image: c.image,
      container_name: c.name,
      ...(c.cmd.length > 0 ? { command: c.cmd.map(literal) } : {}),
      environment: c.env,
      labels: c.labels,
      ...(c.capAdd.length > 0 ? { cap_add: c.capAdd } : {}),
      ...(c.capDrop.length > 0 ? { cap_drop: c.capDrop } : {}),
      ...(Object.keys(c.sysctls).length > 0 ? { sysctls: c.sysctls } : {}),
      ...(c.binds.length > 0 ? { volumes: c.binds } : {}),
      ...(c.files.length > 0 ? { configs: c.files.map((f) => ({ source: configName(c.node, f.path), target: f.path, mode: f.mode })) } : {}),
      networks: Object.fromEntries(c.networks.map((n) => [n.network, { ipv4_address: n.ip }])),
    };
    // The secret placeholders stay live for Compose to fill in; everything else is literal.
    for (const f of c.files) configs[configName(c.node, f.path)] = { content: f.content.replace(/\$(?!\{HADRILL_)/g, '$$$$') };
    if (c.kind !== 'router') {
      services[`${c.node}-routes`] = {
        image: plan.containers.find((r) => r.kind === 'router')?.image ?? c.image,
        network_mode: `service:${c.node}`,
        cap_add: ['NET_ADMIN'],
        command: ['sh', '-c', routeScript(c)],
        labels: c.labels,
      };
    }
  }
  const networks = Object.fromEntries(
    plan.networks.map((n) => [n.name, { name: n.name, labels: plan.containers.find((c) => c.idc === n.idc)?.labels ?? {}, ipam: { config: [{ subnet: n.subnet, gateway: n.gateway }] } }]),
  );
  const header = [
    `# ${scenario.name}: ${scenario.description || scenario.tier}`,
    '# Rendered by `hadrill compose` from the scenario; a test keeps this file in sync. Do not edit by hand.',
    '# Run it with: HADRILL_IMAGE=$(hadrill images tag) docker compose -f THIS_FILE up -d, with every secret it names',
    `# set in the environment (${Object.values(SECRETS_FROM_ENV).map((v) => v.slice(2, v.indexOf(':'))).join(', ')}).`,
    '# Nodes have no NET_ADMIN: each *-routes service installs its routes between IDCs once it has started.',
    '# `hadrill up` does the same and then sets up replication (users, GTID replicas) and waits for every phase.',
    '',
  ].join('\n');
  return header + stringify({ name: `hadrill-${scenario.name}`, services, configs, networks }, { lineWidth: 0, aliasDuplicateObjects: false });
}

function configName(node: string, path: string): string {
  return `${node}-${path.slice(path.lastIndexOf('/') + 1).replace(/\./g, '-')}`;
}
