// Scenario SLOs come for every service and per service; each service is
// judged by its own bounds over the shared ones.
import type { Slo, SloBounds } from '../scenario/scenario.js';
import type { ServiceResult } from './check-types.js';
import { evaluateSlos, type SloResult } from './slo.js';

export function boundsFor(slo: Slo, service: ServiceResult['name']): SloBounds {
  const { mysql: _mysql, redis: _redis, ...shared } = slo;
  return { ...shared, ...slo[service] };
}

export function evaluateScenarioSlos(services: readonly ServiceResult[], slo: Slo): SloResult[] {
  return services.flatMap((s) => evaluateSlos([s], boundsFor(slo, s.name)));
}

/** Command-line bounds win over the scenario's, for every service. */
export function overrideSlos(slo: Slo, overrides: SloBounds): Slo {
  const strip = (bounds: SloBounds | undefined): SloBounds | undefined => {
    if (!bounds) return undefined;
    const rest = { ...bounds };
    for (const key of Object.keys(overrides) as (keyof SloBounds)[]) delete rest[key];
    return rest;
  };
  const mysql = strip(slo.mysql);
  const redis = strip(slo.redis);
  return { ...slo, ...overrides, ...(mysql ? { mysql } : {}), ...(redis ? { redis } : {}) };
}
