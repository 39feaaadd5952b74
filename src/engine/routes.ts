// Routes between IDCs and segmentation offload, set from outside: nodes run
// without NET_ADMIN, so a helper container with only that capability joins a
// node's network namespace, turns segmentation offload off, removes its
// default route (the IDC leads nowhere else), adds a route to every other IDC
// through the router, and exits. hadrill's own
// entrypoint waits for these routes before it starts the node's process;
// after every start (`up`, a power-on, a restart) the namespace is new and
// the helper runs again.
import { randomBytes } from 'node:crypto';
import { HadrillError } from '../core/errors.js';
import { routeScript } from '../core/plan/route-script.js';
import type { ContainerPlan, TopologyPlan } from '../core/plan/topology-plan.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export async function installRoutes(runtime: ContainerRuntime, container: ContainerPlan, plan: TopologyPlan): Promise<void> {
  const router = plan.containers.find((c) => c.kind === 'router');
  if (container.kind === 'router' || !router) return;
  const result = await runtime.runOnce(
    {
      name: `${container.name}-routes-${randomBytes(3).toString('hex')}`,
      image: router.image,
      cmd: ['sh', '-c', routeScript(container)],
      env: {},
      labels: container.labels,
      capAdd: ['NET_ADMIN'],
      networkMode: `container:${container.name}`,
    },
    30_000,
  );
  if (result.exitCode !== 0) throw new HadrillError('setup', `Could not install the routes between IDCs in ${container.name}: ${result.stderr.trim()}`);
}
