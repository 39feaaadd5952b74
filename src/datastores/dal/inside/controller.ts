// The data access layer's controller (Eleme's Global Zone Service): it owns
// the routing table, answers the routers' polls, watches every zone's node of
// the sharded group, and moves a lost zone's shards in the order that keeps
// one home per user at a time:
//   1. protect: the shards take no writes (a new epoch);
//   2. wait until every router has adopted that epoch, or its lease has run
//      out (a router that cannot hear the controller stops writing);
//   3. the new homes apply everything they received from the lost node;
//   4. cut the lost node out of replication, so writes it acknowledged and
//      never shipped cannot come back later and overwrite newer ones;
//   5. flip the homes (another epoch) and take writes again.
// A lost zone that returns is fenced (read-only) and gets no shard back.
import mysql from 'mysql2/promise';
import { readConfigFile } from '../../../config-file.js';
import { domainPosition } from '../../mysql/sql/gtid.js';
import { eventLog, json, memoryFile, tokenServer } from '../../inside/program-support.js';
import { ROUTER_PATHS, type ControllerMemory, type DalConfig, type DalEvent, type DalZone } from '../protocol.js';
import { flip, initialTable, newHomes, protect, shardsOf, type RoutingTable } from '../table.js';

const config = readConfigFile<DalConfig>('HADRILL_CONFIG_FILE', 'hadrill dal controller');
const emit = eventLog<DalEvent>(config.eventsFile);
const store = memoryFile<ControllerMemory>(config.stateFile);
const remembered = store.load();
let memory: ControllerMemory = remembered ?? { table: initialTable(config.shards, config.homes), lost: [] };
const save = (): void => store.save(memory);
if (remembered) emit({ t: 'restored', at: Date.now(), epoch: memory.table.epoch, lost: memory.lost });
else {
  save();
  emit({ t: 'started', at: Date.now(), zone: '' });
}

/** Each router's last poll: the epoch it holds and when the controller heard it. */
const polls = new Map<string, { epoch: number; at: number }>();
// A restarted controller has heard no router yet: any of them may hold a lease from before.
const startedAt = Date.now();
const failures = new Map<string, number>();
const fenced = new Set<string>();
let moving = false;

function setTable(table: RoutingTable): void {
  memory = { ...memory, table };
  save();
  emit({ t: 'table', at: Date.now(), zone: '', epoch: table.epoch, protectedShards: table.protectedShards, homes: table.homes });
}

async function admin<T>(host: string, fn: (c: mysql.Connection) => Promise<T>, timeoutMs = config.probe.connectTimeoutMs): Promise<T> {
  const c = await mysql.createConnection({ host, port: config.mysql.port, user: config.mysql.adminUser, password: config.mysql.adminPassword, connectTimeout: timeoutMs });
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

/** Every replication connection of a MariaDB node: its name, source and what it has received. */
async function connections(c: mysql.Connection): Promise<{ name: string; source: string; received: string }[]> {
  const [rows] = await c.query('SHOW ALL SLAVES STATUS');
  return (rows as Record<string, unknown>[]).map((r) => ({ name: String(r['Connection_name'] ?? ''), source: String(r['Master_Host'] ?? ''), received: String(r['Gtid_IO_Pos'] ?? '') }));
}

const stopSql = (name: string): string => (name === '' ? 'STOP SLAVE' : `STOP SLAVE '${name.replace(/'/g, '')}'`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const seqOf = (gtid: string | null): number => (gtid ? Number(gtid.split('-')[2]) : -1);

/** Until every router, the lost zone's too (its node may be dead and its router alive), has adopted the epoch or lost its lease. */
async function waitForRouters(epoch: number): Promise<void> {
  const started = Date.now();
  const routers = config.zones.map((z) => z.name);
  for (;;) {
    const now = Date.now();
    const acknowledged = routers.filter((z) => (polls.get(z)?.epoch ?? 0) >= epoch);
    // A router not heard since a full lease ago holds no lease now, and a write it let through before is over
    // once its timeout has passed too: it writes nothing any more.
    const expired = routers.filter((z) => !acknowledged.includes(z) && now - (polls.get(z)?.at ?? startedAt) > config.leaseMs + config.opTimeoutMs);
    if (acknowledged.length + expired.length === routers.length) {
      emit({ t: 'routers-stopped', at: now, epoch, acknowledged, expired, waitedMs: now - started });
      return;
    }
    await sleep(50);
  }
}

/** The new home applies all it received of the lost node's writes (by any path of the mesh); bounded. */
async function catchUp(target: DalZone, lost: DalZone): Promise<void> {
  const started = Date.now();
  const node = target.shardedNode!;
  const domain = lost.shardedNode!.domain;
  try {
    const position = await admin(node.host, async (c) => {
      const received = (await connections(c)).map((k) => domainPosition(k.received, domain)).reduce<string | null>((a, b) => (seqOf(b) > seqOf(a) ? b : a), null);
      if (received) await c.query('SELECT MASTER_GTID_WAIT(?, ?) AS r', [received, 10]);
      return received;
    }, 2000);
    emit({ t: 'caught-up', at: Date.now(), node: node.name, from: lost.shardedNode!.name, position, ok: true, waitedMs: Date.now() - started });
  } catch (error) {
    emit({ t: 'caught-up', at: Date.now(), node: node.name, from: lost.shardedNode!.name, position: null, ok: false, waitedMs: Date.now() - started });
    throw error;
  }
}

/** Every other node stops pulling from the lost one. */
async function exclude(lost: DalZone): Promise<void> {
  const from = lost.shardedNode!;
  await Promise.all(
    config.zones
      .filter((z) => z.shardedNode && z.name !== lost.name)
      .map(async (z) => {
        try {
          await admin(z.shardedNode!.host, async (c) => {
            for (const k of await connections(c)) if (k.source === from.host) await c.query(stopSql(k.name));
          });
          emit({ t: 'excluded', at: Date.now(), node: z.shardedNode!.name, from: from.name, ok: true });
        } catch (error) {
          emit({ t: 'excluded', at: Date.now(), node: z.shardedNode!.name, from: from.name, ok: false, error: (error as Error).message });
        }
      }),
  );
}

async function moveAway(lost: DalZone): Promise<void> {
  const shards = shardsOf(memory.table, lost.name);
  const candidates = config.zones.filter((z) => z.shardedNode && z.name !== lost.name && !memory.lost.includes(z.name) && (failures.get(z.name) ?? 0) === 0).map((z) => z.name);
  const moves = newHomes(memory.table, lost.name, candidates);
  if (!moves || shards.length === 0) {
    emit({ t: 'move-failed', at: Date.now(), zone: lost.name, error: shards.length === 0 ? 'it homes no shard' : 'no other zone can take its shards' });
    return;
  }
  const protectedAt = Date.now();
  setTable(protect(memory.table, shards));
  emit({ t: 'protected', at: protectedAt, zone: lost.name, shards, epoch: memory.table.epoch });
  memory = { ...memory, lost: [...new Set([...memory.lost, lost.name])] };
  save();
  await waitForRouters(memory.table.epoch);
  const targets = [...new Set(moves.values())].map((name) => config.zones.find((z) => z.name === name)!);
  try {
    await Promise.all(targets.map((t) => catchUp(t, lost)));
  } catch (error) {
    // A new home that cannot be asked may still take the shards: what it missed is lost, and the report shows it.
    emit({ t: 'move-failed', at: Date.now(), zone: lost.name, error: `catching up: ${(error as Error).message}; moving anyway` });
  }
  await exclude(lost);
  setTable(flip(memory.table, moves));
  emit({ t: 'moved', at: Date.now(), zone: lost.name, moves: [...moves].map(([shard, to]) => ({ shard, to })), epoch: memory.table.epoch, protectedMs: Date.now() - protectedAt });
}

async function probe(zone: DalZone): Promise<void> {
  const node = zone.shardedNode!;
  try {
    await admin(node.host, (c) => c.query('SELECT 1'));
    failures.set(zone.name, 0);
    if (memory.lost.includes(zone.name) && !fenced.has(zone.name)) {
      // Back from the dead with writes nobody else has: it must not take writes again, nor ship them.
      try {
        await admin(node.host, (c) => c.query('SET GLOBAL read_only=1'));
        fenced.add(zone.name);
        emit({ t: 'fenced-returning', at: Date.now(), zone: zone.name, node: node.name, ok: true });
      } catch (error) {
        emit({ t: 'fenced-returning', at: Date.now(), zone: zone.name, node: node.name, ok: false, error: (error as Error).message });
      }
    }
  } catch (error) {
    const count = (failures.get(zone.name) ?? 0) + 1;
    failures.set(zone.name, count);
    if (count === config.probe.failureThreshold && !memory.lost.includes(zone.name) && shardsOf(memory.table, zone.name).length > 0 && !moving) {
      emit({ t: 'zone-down', at: Date.now(), zone: zone.name, failures: count, error: (error as Error).message });
      moving = true;
      await moveAway(zone).finally(() => (moving = false));
    }
  }
}

tokenServer(config.listenPort, config.token, (request, response) => {
  const url = new URL(request.url ?? '/', 'http://controller');
  if (url.pathname === ROUTER_PATHS.table) {
    const zone = url.searchParams.get('zone');
    if (zone) polls.set(zone, { epoch: Number(url.searchParams.get('epoch') ?? 0), at: Date.now() });
    json(response, 200, { table: memory.table });
    return;
  }
  if (url.pathname === ROUTER_PATHS.health) {
    json(response, 200, { table: memory.table, lost: memory.lost, polls: Object.fromEntries(polls) });
    return;
  }
  json(response, 404, { error: `try GET ${ROUTER_PATHS.table}` });
});

const watched = config.zones.filter((z) => z.shardedNode !== null);
let probing = false;
setInterval(() => {
  if (probing) return;
  probing = true;
  void Promise.all(watched.map((z) => probe(z))).finally(() => (probing = false));
}, config.probe.intervalMs);
process.on('SIGTERM', () => process.exit(0));
