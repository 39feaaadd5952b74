// YAML text -> a validated, defaulted Scenario, or a ScenarioError that lists
// every problem with its file:line:col and the fix. Bounded before anything
// else: the size first, then one pass of YAML and one of the schema, and only
// the problems shown are located.
import { ScenarioError, type ScenarioProblem } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { FaultSpec } from '../faults.js';
import { NO_SHAPE, type LinkShape } from '../links.js';
import { nameProblem } from '../names.js';
import { parsePercent, parseRateKbit } from '../units.js';
import { checkAgainstSchema } from './schema-check.js';
import { MAX_PROBLEMS_SHOWN, sizeProblem } from './scenario-limits.js';
import { formatPath, locate } from './yaml-locator.js';
import { readYaml } from './yaml-read.js';
import { OWN_IMAGE, type SloBounds, type DrillPlan, type MysqlService, type RedisService, type Scenario, type Workload } from './scenario.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the raw document is checked by the schema first */
type Raw = any;

export function parseScenario(text: string, file: string): Scenario {
  const tooBig = sizeProblem(Buffer.byteLength(text, 'utf8'));
  if (tooBig) throw new ScenarioError(file, [{ path: '', line: null, column: null, message: tooBig }]);
  const { doc, counter, data } = readYaml(text, file);
  const raw: Raw = data;
  const at = (segments: (string | number)[], message: string, atKey = false): ScenarioProblem => {
    const loc = locate(doc, counter, segments, atKey);
    return { path: formatPath(segments), line: loc?.line ?? null, column: loc?.column ?? null, message };
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ScenarioError(file, [at([], 'a scenario is a YAML mapping with at least name, idcs and workload')]);
  }
  const schema = checkAgainstSchema(raw, MAX_PROBLEMS_SHOWN);
  if (schema.total > 0) throw new ScenarioError(file, schema.problems.map((p) => at(p.segments, p.message, p.atKey)), schema.total - schema.problems.length);

  const found: { segments: (string | number)[]; message: string }[] = [];
  const scenario = build(raw, file, (segments, message) => found.push({ segments, message }));
  if (found.length > 0) {
    const shown = found.slice(0, MAX_PROBLEMS_SHOWN).map((p) => at(p.segments, p.message));
    throw new ScenarioError(file, shown, found.length - shown.length);
  }
  return scenario;
}

type Report = (segments: (string | number)[], message: string) => void;

function build(raw: Raw, file: string, report: Report): Scenario {
  const idcNames: string[] = raw.idcs.map((i: Raw) => i.name);
  reportDuplicates(idcNames, (i, n) => report(['idcs', i, 'name'], `IDC "${n}" is declared twice`));
  const idcs = raw.idcs.map((i: Raw) => ({ name: i.name, city: i.city ?? i.name }));
  const checkIdc = (segments: (string | number)[], idc: string): void => {
    if (!idcNames.includes(idc)) report(segments, `unknown IDC "${idc}"; known: ${idcNames.join(', ')}`);
  };

  if (!raw.mysql && !raw.redis) report([], 'a scenario needs a "mysql" or a "redis" section (or both)');
  const mysql = raw.mysql ? buildMysql(raw.mysql, idcNames, checkIdc, report) : null;
  const redis = raw.redis ? buildRedis(raw.redis, checkIdc, report) : null;
  const workload = buildWorkload(raw.workload, checkIdc, report);

  const containerNames = [
    ...(mysql ? [...mysql.nodes.map((n) => n.name), 'mysql-manager'] : []),
    ...(redis ? [...redis.nodes.map((n) => n.name), ...redis.sentinels.map((s) => s.name)] : []),
    ...workload.clients.map((c) => c.name),
    'router',
  ];
  reportDuplicates(containerNames, (_, n) => report([], `the name "${n}" is used by two nodes, sentinels or clients; names must be unique`));

  const network = buildNetwork(raw.network ?? {}, pairChecker(checkIdc, report));
  const drill = buildDrill(raw.drill ?? {}, mysql, redis, idcNames, checkIdc, report);
  const slo = raw.slo ?? {};
  return {
    name: raw.name,
    tier: raw.tier ?? raw.name,
    description: raw.description ?? '',
    file,
    idcs,
    network,
    mysql,
    redis,
    workload,
    drill,
    slo: {
      ...sloBounds(slo),
      ...(slo.mysql ? { mysql: sloBounds(slo.mysql) } : {}),
      ...(slo.redis ? { redis: sloBounds(slo.redis) } : {}),
    },
  };
}

function buildMysql(raw: Raw, idcNames: string[], checkIdc: (s: (string | number)[], idc: string) => void, report: Report): MysqlService {
  raw.nodes.forEach((n: Raw, i: number) => checkIdc(['mysql', 'nodes', i, 'idc'], n.idc));
  const primaries = raw.nodes.filter((n: Raw) => n.role === 'primary').length;
  if (primaries > 1) report(['mysql', 'nodes'], `${primaries} nodes have role primary; exactly one may (the others replicate from it)`);
  const nodes = raw.nodes.map((n: Raw, i: number) => ({
    name: n.name,
    idc: n.idc,
    role: n.role ?? (primaries === 0 && i === 0 ? 'primary' : 'replica'),
  }));
  const primaryIdc = nodes.find((n: Raw) => n.role === 'primary')?.idc;
  const manager = raw.manager ?? {};
  if (manager.idc) checkIdc(['mysql', 'manager', 'idc'], manager.idc);
  const image = raw.image ?? OWN_IMAGE;
  return {
    image,
    flavor: /(^|\/)mysql(:|$)/.test(image) ? 'mysql' : 'mariadb',
    replication: raw.replication ?? 'async',
    semiSyncTimeoutMs: ms(raw.semiSyncTimeout ?? '10s'),
    nodes,
    manager: {
      // By default the manager lives away from the primary, so that losing the primary's IDC does not take it too.
      idc: manager.idc ?? idcNames.find((n) => n !== primaryIdc) ?? idcNames[0],
      checkIntervalMs: ms(manager.checkInterval ?? '500ms'),
      failureThreshold: manager.failureThreshold ?? 3,
      connectTimeoutMs: ms(manager.connectTimeout ?? '1s'),
    },
  };
}

function buildRedis(raw: Raw, checkIdc: (s: (string | number)[], idc: string) => void, report: Report): RedisService {
  raw.nodes.forEach((n: Raw, i: number) => checkIdc(['redis', 'nodes', i, 'idc'], n.idc));
  raw.sentinels.forEach((s: Raw, i: number) => checkIdc(['redis', 'sentinels', i, 'idc'], s.idc));
  const masters = raw.nodes.filter((n: Raw) => n.role === 'master').length;
  if (masters > 1) report(['redis', 'nodes'], `${masters} nodes have role master; exactly one may`);
  const sentinelCount = raw.sentinels.length;
  const quorum = raw.quorum ?? Math.floor(sentinelCount / 2) + 1;
  if (quorum > sentinelCount) report(['redis', 'quorum'], `quorum ${quorum} is more than the ${sentinelCount} sentinels; no failover could ever be agreed`);
  return {
    image: raw.image ?? OWN_IMAGE,
    nodes: raw.nodes.map((n: Raw, i: number) => ({ name: n.name, idc: n.idc, role: n.role ?? (masters === 0 && i === 0 ? 'master' : 'replica') })),
    sentinels: uniqueNames(raw.sentinels, 'sentinel', ['redis', 'sentinels'], report),
    quorum,
    downAfterMs: ms(raw.downAfter ?? '2s'),
    failoverTimeoutMs: ms(raw.failoverTimeout ?? '10s'),
  };
}

function buildWorkload(raw: Raw, checkIdc: (s: (string | number)[], idc: string) => void, report: Report): Workload {
  raw.clients.forEach((c: Raw, i: number) => checkIdc(['workload', 'clients', i, 'idc'], c.idc));
  return {
    clients: uniqueNames(raw.clients, 'app', ['workload', 'clients'], report),
    mysqlWritesPerSecond: raw.mysqlWritesPerSecond ?? 20,
    redisWritesPerSecond: raw.redisWritesPerSecond ?? 20,
    mysqlReadsPerSecond: raw.mysqlReadsPerSecond ?? 10,
    redisReadsPerSecond: raw.redisReadsPerSecond ?? 10,
    keys: raw.keys ?? 32,
    opTimeoutMs: ms(raw.opTimeout ?? '2s'),
  };
}

function buildDrill(
  raw: Raw,
  mysql: MysqlService | null,
  redis: RedisService | null,
  idcNames: string[],
  checkIdc: (s: (string | number)[], idc: string) => void,
  report: Report,
): DrillPlan {
  const steadyMs = ms(raw.steady ?? '5s');
  const checkPair = pairChecker(checkIdc, report);
  const mysqlNodes = mysql?.nodes.map((n) => n.name) ?? [];
  const crashable = [...mysqlNodes, ...(redis?.nodes.map((n) => n.name) ?? []), ...(redis?.sentinels.map((n) => n.name) ?? []), ...(mysql ? ['mysql-manager'] : [])];
  const timeline = (raw.timeline ?? []).map((f: Raw, i: number) => {
    const where = ['drill', 'timeline', i];
    const need = (key: string, what: string): boolean => {
      if (f[key] !== undefined) return true;
      report(where, `${f.fault} needs "${key}": ${what}`);
      return false;
    };
    const pairOk = (): boolean => {
      if (!need('between', 'the two IDCs of the link, e.g. [idc-a, idc-b]')) return false;
      checkPair([...where, 'between'], f.between);
      return true;
    };
    let spec: FaultSpec;
    switch (f.fault) {
      case 'replication-stop': {
        const replicas = mysql?.nodes.filter((n) => n.role === 'replica').map((n) => n.name) ?? [];
        if (need('node', 'the MySQL replica whose replication stops') && !replicas.includes(f.node)) report([...where, 'node'], `"${f.node}" is not a MySQL replica; replicas: ${replicas.join(', ') || 'none'}`);
        spec = { kind: 'replication-stop', node: f.node };
        break;
      }
      case 'cut':
        pairOk();
        spec = { kind: 'cut', from: f.between?.[0], to: f.between?.[1], oneWay: f.oneWay ?? false };
        break;
      case 'partition':
        if (need('groups', 'the groups of IDCs, e.g. [[idc-a, idc-b], [idc-c]]')) {
          f.groups.forEach((g: string[], j: number) => g.forEach((idc, k) => checkIdc([...where, 'groups', j, k], idc)));
          reportDuplicates(f.groups.flat(), (_, idc) => report([...where, 'groups'], `IDC "${idc}" is in two groups; each IDC is in at most one`));
        }
        spec = { kind: 'partition', groups: f.groups ?? [] };
        break;
      case 'degrade':
        pairOk();
        spec = { kind: 'degrade', a: f.between?.[0], b: f.between?.[1], shape: partialShape(f) };
        if (Object.keys(spec.shape).length === 0) report(where, 'degrade needs at least one of latency, jitter, loss, rate');
        break;
      case 'crash':
        if (need('node', `the node whose process dies, one of ${crashable.join(', ')}`) && !crashable.includes(f.node)) report([...where, 'node'], `unknown node "${f.node}"; nodes: ${crashable.join(', ')}`);
        spec = { kind: 'crash', node: f.node, restart: f.restart ?? false };
        break;
      default:
        if (need('idc', `the IDC it hits (one of ${idcNames.join(', ')})`)) checkIdc([...where, 'idc'], f.idc);
        spec = { kind: f.fault, idc: f.idc };
    }
    return { atMs: ms(f.at), spec, ...(f.duration !== undefined ? { durationMs: ms(f.duration) } : {}) };
  });
  if (timeline.length === 0) {
    // The default drill: the primary's IDC loses power once the workload is steady.
    const primaryIdc = mysql?.nodes.find((n) => n.role === 'primary')?.idc ?? redis?.nodes.find((n) => n.role === 'master')?.idc ?? idcNames[0];
    timeline.push({ atMs: steadyMs, spec: { kind: 'power', idc: primaryIdc } });
  }
  return {
    steadyMs,
    timeline: timeline.sort((a: Raw, b: Raw) => a.atMs - b.atMs),
    recoveryMs: ms(raw.recovery ?? '20s'),
    settleMs: ms(raw.settle ?? '5s'),
    rtoWindowMs: ms(raw.rtoWindow ?? '1s'),
  };
}

/** A link joins two known, different IDCs. */
function pairChecker(checkIdc: (s: (string | number)[], idc: string) => void, report: Report): (where: (string | number)[], pair: string[]) => void {
  return (where, pair) => {
    pair.forEach((idc, j) => checkIdc([...where, j], idc));
    if (pair[0] === pair[1]) report(where, `a link joins two different IDCs; both ends here are "${pair[0]}"`);
  };
}

function buildNetwork(raw: Raw, checkPair: (where: (string | number)[], pair: string[]) => void): Scenario['network'] {
  const links = (raw.links ?? []).map((l: Raw, i: number) => {
    checkPair(['network', 'links', i, 'between'], l.between);
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

function sloBounds(raw: Raw): SloBounds {
  return {
    ...(raw.rto !== undefined ? { rtoMs: ms(raw.rto) } : {}),
    ...(raw.lostWrites !== undefined ? { lostWrites: raw.lostWrites } : {}),
    ...(raw.p99WriteDuringFault !== undefined ? { p99WriteMsDuringFault: ms(raw.p99WriteDuringFault) } : {}),
    ...(raw.divergentRows !== undefined ? { divergentRows: raw.divergentRows } : {}),
    ...(raw.conflicts !== undefined ? { conflicts: raw.conflicts } : {}),
    ...(raw.p99StaleRead !== undefined ? { p99StaleReadMs: ms(raw.p99StaleRead) } : {}),
    ...(raw.splitBrain !== undefined ? { splitBrainMs: ms(raw.splitBrain) } : {}),
  };
}

/** Names for entries without one (`sentinel-idc-a`, `app-idc-a-2`), held to the same rule as given names. */
function uniqueNames(items: Raw[], prefix: string, where: (string | number)[], report: Report): { name: string; idc: string }[] {
  const used = new Map<string, number>();
  return items.map((item: Raw, i: number) => {
    if (item.name) return { name: item.name, idc: item.idc };
    const base = `${prefix}-${item.idc}`;
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    const name = count === 1 ? base : `${base}-${count}`;
    const problem = nameProblem(name);
    if (problem) report([...where, i], `the name made for it from its IDC, ${problem}; give it a shorter "name" of its own`);
    return { name, idc: item.idc };
  });
}

function reportDuplicates(names: string[], onDuplicate: (index: number, name: string) => void): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) onDuplicate(i, name);
    seen.add(name);
  });
}

/** Durations were checked by the schema, so this cannot fail. */
function ms(value: unknown): number {
  const parsed = parseDuration(value);
  if (parsed === null) throw new Error(`unvalidated duration ${String(value)}`);
  return parsed;
}

