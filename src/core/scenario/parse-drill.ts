// The drill: the fault timeline and the phases around it. Every fault names
// something the scenario has (an IDC, a link, a replica, a node), and a drill
// without a timeline cuts power to the IDC of the first group's writer (an
// empty one has no fault at all).
import type { FaultSpec } from '../faults.js';
import { NO_SHAPE, type LinkShape } from '../links.js';
import { parsePercent, parseRateKbit } from '../units.js';
import { initialWriter, type DrillPlan, type Group, type Scenario } from './scenario.js';
import { ms, type Checks, type Raw } from './parse-support.js';
import { kindOf, type KindCatalog } from './kind-model.js';

export function buildDrill(raw: Raw, groups: readonly Group[], crashable: readonly string[], idcNames: readonly string[], c: Checks, kinds: KindCatalog): DrillPlan {
  const steadyMs = ms(raw.steady ?? '5s');
  const replicas = groups.flatMap((g) => kindOf(kinds, g.kind).stoppableReplicas(g));
  const timeline = (raw.timeline ?? []).map((f: Raw, i: number) => {
    const where = ['drill', 'timeline', i];
    const need = (key: string, what: string): boolean => {
      if (f[key] !== undefined) return true;
      c.report(where, `${f.fault} needs "${key}": ${what}`);
      return false;
    };
    const pairOk = (): boolean => {
      if (!need('between', 'the two IDCs of the link, e.g. [idc-a, idc-b]')) return false;
      c.pair([...where, 'between'], f.between);
      return true;
    };
    let spec: FaultSpec;
    switch (f.fault) {
      case 'replication-stop':
        if (need('node', 'the MySQL replica whose replication stops') && !replicas.includes(f.node)) c.report([...where, 'node'], `"${f.node}" is not a replica whose replication can be stopped; such replicas: ${replicas.join(', ') || 'none'}`);
        spec = { kind: 'replication-stop', node: f.node };
        break;
      case 'cut':
        pairOk();
        spec = { kind: 'cut', from: f.between?.[0], to: f.between?.[1], oneWay: f.oneWay ?? false };
        break;
      case 'partition':
        if (need('groups', 'the groups of IDCs, e.g. [[idc-a, idc-b], [idc-c]]')) {
          f.groups.forEach((g: string[], j: number) => g.forEach((idc, k) => c.idc([...where, 'groups', j, k], idc)));
          c.duplicates(
            f.groups.flat(),
            () => [...where, 'groups'],
            (idc) => `IDC "${idc}" is in two groups; each IDC is in at most one`,
          );
        }
        spec = { kind: 'partition', groups: f.groups ?? [] };
        break;
      case 'degrade':
        pairOk();
        spec = { kind: 'degrade', a: f.between?.[0], b: f.between?.[1], shape: partialShape(f) };
        if (Object.keys(spec.shape).length === 0) c.report(where, 'degrade needs at least one of latency, jitter, loss, rate');
        break;
      case 'crash':
        if (need('node', `the node whose process dies, one of ${crashable.join(', ')}`) && !crashable.includes(f.node)) c.report([...where, 'node'], `unknown node "${f.node}"; nodes: ${crashable.join(', ')}`);
        spec = { kind: 'crash', node: f.node, restart: f.restart ?? false };
        break;
      case 'switchover': {
        const group = groups.find((g) => g.name === f.group);
        if (need('group', `the group whose writer moves, one of ${groups.map((g) => g.name).join(', ')}`)) {
          if (!group) c.report([...where, 'group'], `unknown group "${f.group}"; groups: ${groups.map((g) => g.name).join(', ')}`);
          else {
            const why = kindOf(kinds, group.kind).switchover(group, f.to ?? null);
            if (why !== null) c.report([...where, f.to !== undefined && /"to"|not a node/.test(why) ? 'to' : 'group'], `no planned switchover of "${group.name}": ${why}`);
          }
        }
        spec = { kind: 'switchover', group: f.group, to: f.to ?? null };
        break;
      }
      default:
        if (need('idc', `the IDC it hits (one of ${idcNames.join(', ')})`)) c.idc([...where, 'idc'], f.idc);
        spec = { kind: f.fault, idc: f.idc };
    }
    return { atMs: ms(f.at), spec, ...(f.duration !== undefined ? { durationMs: ms(f.duration) } : {}) };
  });
  // `timeline: []` asks for a drill without faults (a soak: do the links alone make the machinery fail over?).
  if (raw.timeline === undefined) {
    // The default drill: the writer's IDC loses power once the workload is steady.
    const writerIdc = groups.map(initialWriter).find((n) => n !== null)?.idc ?? groups[0]?.nodes[0]?.idc ?? idcNames[0];
    timeline.push({ atMs: steadyMs, spec: { kind: 'power', idc: writerIdc } });
  }
  return {
    steadyMs,
    timeline: timeline.sort((a: Raw, b: Raw) => a.atMs - b.atMs),
    recoveryMs: ms(raw.recovery ?? '20s'),
    settleMs: ms(raw.settle ?? '5s'),
    rtoWindowMs: ms(raw.rtoWindow ?? '1s'),
  };
}

export function buildNetwork(raw: Raw, c: Checks): Scenario['network'] {
  const links = (raw.links ?? []).map((l: Raw, i: number) => {
    c.pair(['network', 'links', i, 'between'], l.between);
    return { a: l.between[0], b: l.between[1], shape: { ...NO_SHAPE, ...partialShape(l) } };
  });
  return { sameCityLatencyMs: ms(raw.sameCityLatency ?? '1ms'), crossCityLatencyMs: ms(raw.crossCityLatency ?? '30ms'), links };
}

/** latency/jitter/loss/rate as given (schema-checked), in hadrill's units. */
function partialShape(raw: Raw): Partial<LinkShape> {
  return {
    ...(raw.latency !== undefined ? { latencyMs: ms(raw.latency) } : {}),
    ...(raw.jitter !== undefined ? { jitterMs: ms(raw.jitter) } : {}),
    ...(raw.loss !== undefined ? { lossPct: parsePercent(raw.loss) ?? 0 } : {}),
    ...(raw.rate !== undefined ? { rateKbit: parseRateKbit(raw.rate) } : {}),
  };
}
