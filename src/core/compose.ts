// The Compose rendering of a scenario's topology, for people who want to read
// it or run it with their own tools. It is the same plan `up` creates, with a
// fixed subnet block and secrets and the image taken from the environment.
import { stringify } from 'yaml';
import { planTopology } from './plan/topology-plan.js';
import type { Scenario } from './scenario/scenario.js';

/** 10.200.0.0/16: fixed so the rendered file is stable; change it in the file if it clashes. */
export const COMPOSE_SUBNET_BLOCK = 200;

export function renderCompose(scenario: Scenario): string {
  const plan = planTopology(scenario, {
    run: scenario.name,
    subnetBlock: COMPOSE_SUBNET_BLOCK,
    ownImageTag: '${HADRILL_IMAGE:?set HADRILL_IMAGE to the output of `hadrill images tag`}',
    secrets: { rootPassword: '${HADRILL_ROOT_PASSWORD:-hadrill-root}', replPassword: '${HADRILL_REPL_PASSWORD:-hadrill-repl}', appPassword: '${HADRILL_APP_PASSWORD:-hadrill-app}' },
    packageDir: '${HADRILL_PACKAGE_DIR:-..}',
    runDir: './.hadrill-compose',
  });
  const services: Record<string, unknown> = {};
  for (const c of plan.containers) {
    services[c.node] = {
      image: c.image,
      container_name: c.name,
      ...(c.cmd.length > 0 ? { command: c.cmd.map((a) => a.replace(/\$/g, '$$$$')) } : {}),
      environment: Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, k === 'HADRILL_AGENT_CONFIG' || k === 'HADRILL_MANAGER_CONFIG' ? v : v])),
      labels: c.labels,
      cap_add: c.capAdd,
      ...(Object.keys(c.sysctls).length > 0 ? { sysctls: c.sysctls } : {}),
      ...(c.binds.length > 0 ? { volumes: c.binds } : {}),
      networks: Object.fromEntries(c.networks.map((n) => [n.network, { ipv4_address: n.ip }])),
    };
  }
  const networks = Object.fromEntries(
    plan.networks.map((n) => [n.name, { name: n.name, labels: plan.containers.find((c) => c.idc === n.idc)?.labels ?? {}, ipam: { config: [{ subnet: n.subnet, gateway: n.gateway }] } }]),
  );
  const header = [
    `# ${scenario.name}: ${scenario.description || scenario.tier}`,
    '# Rendered by `hadrill compose` from the scenario; a test keeps this file in sync. Do not edit by hand.',
    '# Run it with: HADRILL_IMAGE=$(hadrill images tag) docker compose -f THIS_FILE up -d',
    '# `hadrill up` does the same and then sets up replication (users, GTID replicas) and waits for every phase.',
    '',
  ].join('\n');
  return header + stringify({ name: `hadrill-${scenario.name}`, services, networks }, { lineWidth: 0, aliasDuplicateObjects: false });
}
