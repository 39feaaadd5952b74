// The engine's side of the data access layer: waiting for its routers at
// `up`, and reading what its routers and controller logged for the report.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeDal, type DalSummary } from '../core/check/dal-summary.js';
import type { ControllerEvent } from '../core/dal-log.js';
import type { OpRecord } from '../core/history.js';
import type { ContainerPlan } from '../core/plan/topology-plan.js';
import { PORTS } from '../core/plan/topology-plan.js';
import { waitFor } from '../core/wait.js';
import { runDir, type RunState } from './run-store.js';
import { fetchWithin } from '../fetch-within.js';

const READY_TIMEOUT_MS = 60_000;

/** A router is ready once it holds a routing table it fetched from the controller. */
export async function waitForRouter(router: ContainerPlan, token: string, signal?: AbortSignal): Promise<void> {
  await waitFor(
    `the data access layer's router ${router.node} to hold a routing table`,
    async () => {
      const health = await fetchWithin(`http://${router.ip}:${PORTS.dal}/health`, { headers: { authorization: `Bearer ${token}` } }, 1000, async (r) => (await r.json()) as { fresh?: boolean });
      return health.fresh === true ? true : undefined;
    },
    { timeoutMs: READY_TIMEOUT_MS, intervalMs: 200, ...(signal ? { signal } : {}) },
  );
}

function readEvents(file: string): { t: string; at: number }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { t: string; at: number }];
      } catch {
        // A line cut short by a kill is not an event.
        return [];
      }
    });
}

/** What the controller logged, in order; empty for a scenario without a data access layer. */
export function readControllerEvents(state: RunState): ControllerEvent[] {
  const dal = state.scenario.dal;
  return dal ? (readEvents(join(runDir(state.run), dal.controller.name, 'events.jsonl')) as ControllerEvent[]) : [];
}

/** The data access layer's summary for the report; null for a scenario without one. */
export function readDalSummary(state: RunState, ops: readonly OpRecord[]): DalSummary | null {
  const dal = state.scenario.dal;
  if (!dal) return null;
  const dir = runDir(state.run);
  return summarizeDal({
    shardedGroup: dal.shardedGroup,
    routerEvents: Object.fromEntries(dal.zones.map((z) => [z.name, readEvents(join(dir, z.name, 'events.jsonl'))])),
    controllerEvents: readControllerEvents(state),
    ops,
  });
}
