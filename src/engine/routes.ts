// Networking for containers whose image is not hadrill's. hadrill's own
// entrypoint installs the routes between IDCs (HADRILL_ROUTES) and turns
// segmentation offload off at every start; for other images a helper of
// hadrill's image runs that same entrypoint in their network namespace.
import { randomBytes } from 'node:crypto';
import { HadrillError } from '../core/errors.js';
import type { ContainerPlan, TopologyPlan } from '../core/plan/topology-plan.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export async function installRoutes(runtime: ContainerRuntime, container: ContainerPlan, plan: TopologyPlan): Promise<void> {
  const router = plan.containers.find((c) => c.kind === 'router');
  const result = await runtime.runOnce(
    {
      name: `${container.name}-net-${randomBytes(3).toString('hex')}`,
      image: router?.image ?? '',
      // The image's entrypoint does the work, then runs this command.
      cmd: ['true'],
      env: { HADRILL_ROUTES: container.env['HADRILL_ROUTES'] ?? '' },
      labels: container.labels,
      capAdd: ['NET_ADMIN'],
      networkMode: `container:${container.name}`,
    },
    30_000,
  );
  if (result.exitCode !== 0) throw new HadrillError('setup', `Could not set up the network of ${container.name}: ${(result.stderr || result.stdout).trim()}`);
}
