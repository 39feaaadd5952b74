// Scenario SLOs come for every group and per group; each group is judged by
// its own bounds over the shared ones.
import type { Slo, SloBounds } from '../scenario/scenario.js';
import type { ServiceResult } from './check-types.js';
import { evaluateSlos, type SloResult } from './slo.js';

export function boundsFor(slo: Slo, group: ServiceResult['name']): SloBounds {
  const { groups, ...shared } = slo;
  return { ...shared, ...groups[group] };
}

export function evaluateScenarioSlos(services: readonly ServiceResult[], slo: Slo): SloResult[] {
  return services.flatMap((s) => evaluateSlos([s], boundsFor(slo, s.name)));
}

/** Command-line bounds win over the scenario's, for every group. */
export function overrideSlos(slo: Slo, overrides: SloBounds): Slo {
  const strip = (bounds: SloBounds): SloBounds => {
    const rest = { ...bounds };
    for (const key of Object.keys(overrides) as (keyof SloBounds)[]) delete rest[key];
    return rest;
  };
  const groups = Object.fromEntries(Object.entries(slo.groups).map(([name, bounds]) => [name, strip(bounds)]));
  return { ...slo, ...overrides, groups };
}
