// The data access layer's router: one per zone, the only address the zone's
// applications write to. It follows the controller's routing table, writes a
// user's data on the node of the user's home zone (forwarding to that zone's
// router when it is not its own), refuses writes to shards being moved and
// all writes once its table is older than its lease, and sends global data
// to the master zone's writer. It logs every table it adopts and its
// counters, for the report.
import type { IncomingMessage } from 'node:http';
import { readConfigFile } from '../../../config-file.js';
import { fetchWithin } from '../../../fetch-within.js';
import type { AgentGroupConfig, WriteTarget } from '../../../core/plan/runtime-configs.js';
import { MysqlReader } from '../../mysql/inside/reader.js';
import { MysqlWriter } from '../../mysql/inside/writer.js';
import { postWrite } from './router-client.js';
import { eventLog, json, tokenServer } from '../../inside/program-support.js';
import { ROUTER_PATHS, type DalAnswer, type DalConfig, type DalEvent, type DalRead, type DalWrite, type RouterMetrics, type TableAnswer } from '../protocol.js';
import { initialTable, routeWrite, shardOf, type RouteDecision, type RoutingTable } from '../table.js';

const config = readConfigFile<DalConfig>('HADRILL_CONFIG_FILE', 'hadrill dal router');
const emit = eventLog<DalEvent>(config.eventsFile);
const incarnation = Date.now().toString(36);
const FORWARD_HEADER = 'x-hadrill-forwarded-by';
const METRICS_EVERY_MS = 1000;

// Until the first fetch the router knows the table of the scenario but holds no lease: it writes nothing.
let table: RoutingTable = { ...initialTable(config.shards, config.homes), epoch: 0 };
let leaseFrom = -Infinity;
// A router that has just booted (after a power cut, its routes may not even be installed yet) holds the
// first requests until it has heard the controller, as a proxy that is not ready would, rather than
// refusing writes the moment it listens.
let markReady: () => void = () => {};
const ready = new Promise<void>((resolve) => (markReady = resolve));
async function untilReady(): Promise<void> {
  if (leaseFrom !== -Infinity) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ready, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, config.opTimeoutMs - 600))))]);
  clearTimeout(timer);
}
// The epoch the router tells the controller it holds: only once no write it let through to a now protected shard is still under way.
let acknowledgedEpoch = 0;
const inFlight = new Map<number, number>();
const drained = (): boolean => table.protectedShards.every((s) => (inFlight.get(s) ?? 0) === 0);
const metrics: RouterMetrics = { local: 0, forwarded: 0, received: 0, global: 0, reads: 0, refused: {}, failed: 0 };
const own = config.zones.find((z) => z.name === config.zone);
if (!own) throw new Error(`zone ${config.zone} is not in the configuration`);

async function refreshTable(): Promise<void> {
  const askedAt = Date.now();
  try {
    const url = `${config.controllerUrl}${ROUTER_PATHS.table}?zone=${encodeURIComponent(config.zone)}&epoch=${acknowledgedEpoch}`;
    const answer = await fetchWithin(url, { headers: { authorization: `Bearer ${config.token}` } }, Math.min(800, config.leaseMs / 2), async (r) => (r.ok ? ((await r.json()) as TableAnswer) : null));
    if (answer === null || answer.table.epoch < table.epoch) return;
    // The lease runs from when the question was asked: the controller counts from when it heard it, which is later.
    leaseFrom = askedAt;
    markReady();
    if (answer.table.epoch !== table.epoch) {
      table = answer.table;
      emit({ t: 'table', at: Date.now(), zone: config.zone, epoch: table.epoch, protectedShards: table.protectedShards, homes: table.homes });
    }
    if (drained() && acknowledgedEpoch !== table.epoch) {
      acknowledgedEpoch = table.epoch;
      emit({ t: 'acknowledged', at: Date.now(), zone: config.zone, epoch: acknowledgedEpoch });
    }
  } catch {
    // The controller may be in a dead zone: the lease runs out, and the router stops writing.
  }
}

/** Reads are served where the zone keeps a copy: never forwarded, so they stay local and may be stale. */
const readers = new Map<string, MysqlReader>();
async function handleRead(read: DalRead): Promise<DalAnswer> {
  const host = own!.reads[read.group] ?? null;
  if (host === null) return { outcome: 'failed', error: `DAL_NO_LOCAL_COPY zone ${config.zone} keeps no copy of ${read.group}` };
  const key = `${read.client}|${read.group}`;
  let reader = readers.get(key);
  if (!reader) {
    reader = new MysqlReader(groupConfig(read.group, { via: 'node', host }), host, read.client, Math.max(500, config.opTimeoutMs - 600));
    readers.set(key, reader);
  }
  metrics.reads++;
  return reader.read();
}

function groupConfig(group: string, target: WriteTarget): AgentGroupConfig {
  return {
    group,
    kind: 'mysql',
    writesPerSecond: 0,
    readsPerSecond: 0,
    inFlight: 1,
    write: target,
    readHost: null,
    port: config.mysql.port,
    user: config.mysql.user,
    password: config.mysql.password,
    database: config.mysql.database,
  };
}

function targetName(target: WriteTarget): string {
  if (target.via === 'node' || target.via === 'proxy') return target.host;
  if (target.via === 'sentinel') return target.masterName;
  if (target.via === 'nodes' || target.via === 'writable') return target.hosts.join(',');
  return target.url;
}

/** A writer per client and target: each client keeps its own connection, as it would without the router. */
const writers = new Map<string, MysqlWriter>();
function writerFor(client: string, idc: string, target: WriteTarget, group: string): MysqlWriter {
  const key = `${client}|${group}|${targetName(target)}`;
  let writer = writers.get(key);
  if (!writer) {
    // The node must answer before the client gives up on the router, so the router's answer is the node's.
    writer = new MysqlWriter(groupConfig(group, target), client, idc, Math.max(500, config.opTimeoutMs - 600));
    writer.start();
    writers.set(key, writer);
  }
  return writer;
}

async function forward(write: DalWrite, zone: string): Promise<DalAnswer> {
  const target = config.zones.find((z) => z.name === zone);
  if (!target) return { outcome: 'failed', error: `DAL_NO_ROUTER zone ${zone} has no router` };
  // Within the client's own deadline, so the client hears the home's answer.
  return postWrite(`http://${target.router}:${config.listenPort}`, config.token, write, config.opTimeoutMs - 100, { [FORWARD_HEADER]: config.zone });
}

async function handleWrite(write: DalWrite, forwardedBy: string | null): Promise<DalAnswer> {
  await untilReady();
  const fresh = Date.now() - leaseFrom < config.leaseMs;
  if (config.global && write.group === config.global.group) {
    if (!fresh) return refuse('DAL_TABLE_STALE', 'the routing table is older than its lease');
    metrics.global++;
    return counted(await writerFor(write.client, write.idc, config.global.write, write.group).write({ id: write.id, ...(write.key ? { key: write.key } : {}) }));
  }
  if (write.group !== config.shardedGroup) return { outcome: 'failed', error: `DAL_UNKNOWN_GROUP ${write.group}` };
  const shard = shardOf(write.user, config.shards);
  const epoch = table.epoch;
  const decision = routeWrite(table, config.zone, shard, forwardedBy !== null, fresh);
  if (decision.kind === 'refuse') return refuse(decision.code, decision.reason);
  inFlight.set(shard, (inFlight.get(shard) ?? 0) + 1);
  try {
    return await perform(write, decision, epoch, forwardedBy);
  } finally {
    inFlight.set(shard, inFlight.get(shard)! - 1);
  }
}

async function perform(write: DalWrite, decision: Exclude<RouteDecision, { kind: 'refuse' }>, epoch: number, forwardedBy: string | null): Promise<DalAnswer> {
  if (decision.kind === 'forward') {
    metrics.forwarded++;
    const answer = counted(await forward(write, decision.zone));
    return { ...answer, route: { zone: answer.route?.zone ?? decision.zone, epoch: answer.route?.epoch ?? epoch, forwarded: true } };
  }
  if (forwardedBy !== null) metrics.received++;
  else metrics.local++;
  const node = own!.shardedNode;
  if (!node) return refuse('DAL_NO_HOME', `zone ${config.zone} has no node of ${config.shardedGroup}`);
  const attempt = await writerFor(write.client, write.idc, { via: 'node', host: node.host }, write.group).write({ id: write.id, ...(write.key ? { key: write.key } : {}) });
  return { ...counted(attempt), route: { zone: config.zone, epoch, forwarded: forwardedBy !== null } };
}

function refuse(code: string, reason: string): DalAnswer {
  metrics.refused[code] = (metrics.refused[code] ?? 0) + 1;
  return { outcome: 'failed', error: `${code} ${reason}` };
}

function counted(answer: DalAnswer): DalAnswer {
  if (answer.outcome !== 'ok') metrics.failed++;
  return answer;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

tokenServer(config.listenPort, config.token, async (request, response) => {
  if (request.method === 'POST' && request.url === ROUTER_PATHS.write) {
    const write = JSON.parse(await body(request)) as DalWrite;
    const by = request.headers[FORWARD_HEADER];
    json(response, 200, await handleWrite(write, typeof by === 'string' ? by : null));
    return;
  }
  if (request.method === 'POST' && request.url === ROUTER_PATHS.read) {
    json(response, 200, await handleRead(JSON.parse(await body(request)) as DalRead));
    return;
  }
  if (request.url === ROUTER_PATHS.health) {
    json(response, 200, { zone: config.zone, epoch: table.epoch, fresh: Date.now() - leaseFrom < config.leaseMs, metrics });
    return;
  }
  json(response, 404, { error: `try POST ${ROUTER_PATHS.write} or GET ${ROUTER_PATHS.health}` });
});

emit({ t: 'started', at: Date.now(), zone: config.zone });
await refreshTable();
setInterval(() => void refreshTable(), config.pollMs);
setInterval(() => emit({ t: 'metrics', at: Date.now(), zone: config.zone, incarnation, metrics }), METRICS_EVERY_MS);
process.on('SIGTERM', () => {
  emit({ t: 'metrics', at: Date.now(), zone: config.zone, incarnation, metrics });
  process.exit(0);
});
