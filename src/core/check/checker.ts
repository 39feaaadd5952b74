// Jepsen-style set checking of each service's write history against the
// final state: the history split by service, and the services with no final
// state to judge against set apart. All of it is a pure function of CheckInput.
import type { OpRecord, ServiceName } from '../history.js';
import type { CheckInput, IncompleteService, ServiceResult } from './check-types.js';
import { scratchInt32 } from './scratch.js';
import { checkServiceOps } from './service-check.js';
import { timelineFrame } from './timeline.js';

// The engine builds CheckInput.down with it before calling checkAll, and imports both from here.
export { downFromFaults } from './recovery.js';

export function checkAll(input: CheckInput): ServiceResult[] {
  const byService = opsByService(input);
  const frame = timelineFrame(input.history);
  const incomplete = new Set(incompleteServices(input).map((s) => s.name));
  return [...byService.keys()]
    .filter((service) => !incomplete.has(service))
    .sort()
    .map((service) => checkServiceOps(service, byService.get(service)!, input, frame));
}

/**
 * Services with writes but no authoritative final state (no node the
 * failover machinery names, and no single writable node): judging them
 * against nothing would call every acknowledged write lost, which is a
 * guess, so they are left out of the check and listed with the reason.
 */
export function incompleteServices(input: CheckInput): IncompleteService[] {
  const counts = new Map<ServiceName, { attempted: number; acknowledged: number }>();
  for (const op of input.history) {
    if (op.kind !== 'write') continue;
    const c = counts.get(op.service) ?? { attempted: 0, acknowledged: 0 };
    c.attempted++;
    if (op.outcome === 'ok') c.acknowledged++;
    counts.set(op.service, c);
  }
  const out: IncompleteService[] = [];
  for (const [name, c] of counts) {
    const state = input.finalState.services.find((s) => s.service === name);
    if (state !== undefined && state.authoritativeNode !== null) continue;
    out.push({
      name,
      reason: state === undefined ? 'the final read holds no state for this service' : (state.noAuthority ?? 'no node could be named authoritative for the final state'),
      ...c,
      readable: state === undefined ? [] : [...state.nodes, ...(state.outOfService ?? [])].map((n) => `${n.node} (${n.role})`),
      unreadable: state?.unreadable ?? [],
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** One service's result, judged even without an authoritative final state (for tests and tools; checkAll leaves such services out). */
export function checkService(service: ServiceName, input: CheckInput): ServiceResult {
  return checkServiceOps(service, input.history.filter((op) => op.service === service), input, timelineFrame(input.history));
}

/** Each service's ops in history order, and an empty list for a service the final state has but no op touched. */
function opsByService(input: CheckInput): Map<ServiceName, OpRecord[]> {
  // Counted first, so each service's list is allocated once at its size:
  // growing a million-element array by pushing leaves several copies of it
  // for the garbage collector. There are a handful of services, so a short
  // array beats a map.
  const history = input.history;
  const names: ServiceName[] = [];
  const sizes: number[] = [];
  const slot = scratchInt32('check.serviceOf', history.length);
  for (let i = 0; i < history.length; i++) {
    const service = history[i]!.service;
    let k = names.indexOf(service);
    if (k === -1) {
      k = names.push(service) - 1;
      sizes.push(0);
    }
    sizes[k]!++;
    slot[i] = k;
  }
  const lists = sizes.map((n) => new Array<OpRecord>(n));
  const filled = sizes.map(() => 0);
  for (let i = 0; i < history.length; i++) {
    const k = slot[i]!;
    lists[k]![filled[k]!++] = history[i]!;
  }
  const byService = new Map<ServiceName, OpRecord[]>(names.map((name, k) => [name, lists[k]!]));
  for (const s of input.finalState.services) if (!byService.has(s.service)) byService.set(s.service, []);
  return byService;
}
