// Routes between IDCs for containers whose image is not hadrill's (hadrill's
// own entrypoint installs them from HADRILL_ROUTES at every start).
import { randomBytes } from 'node:crypto';
import { HadrillError } from '../core/errors.js';
import type { ContainerPlan, TopologyPlan } from '../core/plan/topology-plan.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

/** Images not built by hadrill lack its entrypoint: a helper in their network namespace adds the routes. */
export async function installRoutes(runtime: ContainerRuntime, container: ContainerPlan, plan: TopologyPlan): Promise<void> {
  const router = plan.containers.find((c) => c.kind === 'router');
  const routes = (container.env['HADRILL_ROUTES'] ?? '').split(',').filter(Boolean);
  for (const route of routes) {
    const [subnet, via] = route.split('=') as [string, string];
    const result = await runtime.runOnce(
      {
        name: `${container.name}-routes-${randomBytes(3).toString('hex')}`,
        image: router?.image ?? '',
        cmd: ['ip', 'route', 'replace', subnet, 'via', via],
        env: {},
        labels: container.labels,
        capAdd: ['NET_ADMIN'],
        networkMode: `container:${container.name}`,
      },
      30_000,
    );
    if (result.exitCode !== 0) throw new HadrillError('setup', `Could not add route ${subnet} via ${via} in ${container.name}: ${result.stderr.trim()}`);
  }
}

