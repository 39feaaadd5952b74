// Measures the real round trip between every pair of IDCs, from a container
// in one to a container in the other (both hadrill's own), next to the shape
// configured for that link.
import { pairKey, effectiveLinks, type LinkShape, type WanMechanism } from '../core/links.js';
import { activeFaults } from '../core/journal-model.js';
import type { FaultSpec } from '../core/faults.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { readJournal } from './journal.js';
import { runLabels } from './ownership.js';
import type { RunState } from './run-store.js';
import { scenarioBaseline } from './wan.js';

export interface LinkStatus {
  from: string;
  to: string;
  configuredLatencyMs: number;
  configuredShape: LinkShape;
  /** Average ping round trip, or null when no reply came (a cut, a dead IDC). */
  measuredRttMs: number | null;
  mechanism: WanMechanism;
}

export function configuredLinks(state: RunState): ReturnType<typeof effectiveLinks> {
  const degradations = activeFaults(readJournal(state.run))
    .map((f) => f.spec)
    .filter((s): s is Extract<FaultSpec, { kind: 'degrade' }> => s.kind === 'degrade');
  return effectiveLinks(scenarioBaseline(state), degradations);
}

export async function probeLinks(state: RunState, runtime: ContainerRuntime, count = 5): Promise<LinkStatus[]> {
  const running = new Set((await runtime.list(runLabels(state.plan))).filter((c) => c.state === 'running').map((c) => c.name));
  const candidates = (idc: string) => state.plan.containers.filter((c) => c.idc === idc && c.ownImage && c.kind !== 'router' && running.has(c.name));
  const links = configuredLinks(state);
  const shapeOf = new Map(links.map((l) => [pairKey(l.a, l.b), l.shape]));
  return Promise.all(
    links.map(async (link): Promise<LinkStatus> => {
      const source = candidates(link.a)[0];
      const target = candidates(link.b)[0];
      const shape = shapeOf.get(pairKey(link.a, link.b)) ?? link.shape;
      let measured: number | null = null;
      if (source && target) {
        const result = await runtime.exec(source.name, ['ping', '-n', '-q', '-c', String(count), '-i', '0.2', '-W', '2', target.ip], 30_000);
        const m = /= [\d.]+\/([\d.]+)\//.exec(result.stdout);
        measured = m ? Number(m[1]) : null;
      }
      return { from: link.a, to: link.b, configuredLatencyMs: shape.latencyMs, configuredShape: shape, measuredRttMs: measured, mechanism: state.wan?.mechanism ?? 'none' };
    }),
  );
}
