// Measuring a link with nothing but ping and the kernel's ICMP counters, so
// the same measurement runs in a User-Mode Linux namespace and in a
// container: round trips from ping's own samples, one-way delivery from the
// receiver's and sender's /proc/net/snmp (echo requests that arrived, echo
// replies sent and received), bandwidth from the arrival times of a train of
// large packets sent faster than the link's rate.
import assert from 'node:assert/strict';
import { hostOf, type WanLab } from './wan-lab.js';

export interface PingRun {
  transmitted: number;
  received: number;
  /** Round trip of every reply, in ms. */
  samplesMs: number[];
  /** Arrival time of every reply (ping -D), in seconds. */
  arrivalsS: number[];
  avgMs: number | null;
}

export function parsePing(stdout: string): PingRun {
  const counts = /(\d+) packets transmitted, (\d+) received/.exec(stdout);
  assert.ok(counts, `not ping output: ${stdout.slice(0, 500)}`);
  const replies = [...stdout.matchAll(/^(?:\[([\d.]+)\] )?\d+ bytes from .*time=([\d.]+) ms$/gm)];
  const summary = /= [\d.]+\/([\d.]+)\/[\d.]+\/[\d.]+ ms/.exec(stdout);
  return {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    samplesMs: replies.map((m) => Number(m[2])),
    arrivalsS: replies.filter((m) => m[1] !== undefined).map((m) => Number(m[1])),
    avgMs: summary ? Number(summary[1]) : null,
  };
}

/** The Icmp counters of a network namespace's /proc/net/snmp. */
export function icmpCounters(snmp: string): Record<string, number> {
  return snmpCounters(snmp, 'Icmp');
}

async function ping(lab: WanLab, from: string, to: string, args: string[], timeoutMs = 60_000): Promise<PingRun> {
  const result = await lab.exec(from, ['ping', '-n', ...args, hostOf(lab, to).ip], timeoutMs);
  assert.ok(result.code === 0 || result.code === 1, `ping ${from} -> ${to} failed (${result.code}): ${result.stderr}`);
  return parsePing(result.stdout);
}

/** Round trips from `from` to `to`, after one probe that resolves the neighbours. */
export async function roundTrips(lab: WanLab, from: string, to: string, count: number, intervalS: number): Promise<PingRun> {
  await ping(lab, from, to, ['-c', '1', '-W', '2']);
  return ping(lab, from, to, ['-c', String(count), '-i', String(intervalS), '-W', '2']);
}

export interface Delivery {
  sent: number;
  /** Echo requests that reached `to` (its InEchos). */
  requestsDelivered: number;
  /** Echo replies `to` sent back, and those that reached `from`. */
  repliesSent: number;
  repliesDelivered: number;
}

/** The counters of one protocol line ("Icmp", "Tcp") of a network namespace's /proc/net/snmp. */
export function snmpCounters(snmp: string, protocol: string): Record<string, number> {
  const [names, values] = snmp.split('\n').filter((l) => l.startsWith(`${protocol}:`));
  assert.ok(names && values, `no ${protocol} counters in: ${snmp.slice(0, 300)}`);
  const keys = names.split(/\s+/).slice(1);
  const numbers = values.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(keys.map((k, i) => [k, numbers[i] ?? NaN]));
}

/** ICMP counters that moved at one host. */
export interface HostDeltas {
  /** Echo requests that arrived (InEchos). */
  requestsIn: number;
  /** Echo replies sent back (OutEchoReps) and received (InEchoReps). */
  repliesOut: number;
  repliesIn: number;
}

const counters = async (lab: WanLab, idc: string): Promise<Record<string, number>> => icmpCounters((await lab.exec(idc, ['cat', '/proc/net/snmp'])).stdout);
const allCounters = async (lab: WanLab, idcs: string[]): Promise<Map<string, Record<string, number>>> =>
  new Map(await Promise.all(idcs.map(async (idc): Promise<[string, Record<string, number>]> => [idc, await counters(lab, idc)])));

/**
 * Pings every ordered pair at once, `probes(from, to)` requests each, and
 * returns how each host's counters moved. With counts that are distinct
 * powers of two among the pairs that share a host, each host's totals say
 * exactly which of its directions delivered.
 */
export async function pingAll(lab: WanLab, pairs: [string, string][], probes: (from: string, to: string) => number, intervalS: number, waitS: number): Promise<Map<string, HostDeltas>> {
  const idcs = [...new Set(pairs.flat())];
  const before = await allCounters(lab, idcs);
  await Promise.all(pairs.map(([from, to]) => ping(lab, from, to, ['-q', '-c', String(probes(from, to)), '-i', String(intervalS), '-W', String(waitS)], 120_000)));
  const after = await allCounters(lab, idcs);
  const delta = (idc: string, key: string): number => (after.get(idc)?.[key] ?? NaN) - (before.get(idc)?.[key] ?? NaN);
  return new Map(idcs.map((idc) => [idc, { requestsIn: delta(idc, 'InEchos'), repliesOut: delta(idc, 'OutEchoReps'), repliesIn: delta(idc, 'InEchoReps') }]));
}

/** Sends `count` echo requests and counts, at both ends, what arrived in each direction. */
export async function delivery(lab: WanLab, from: string, to: string, count: number, intervalS: number, waitS = 1): Promise<Delivery> {
  const moved = await pingAll(lab, [[from, to]], () => count, intervalS, waitS);
  const [atFrom, atTo] = [moved.get(from), moved.get(to)] as [HostDeltas, HostDeltas];
  return { sent: count, requestsDelivered: atTo.requestsIn, repliesSent: atTo.repliesOut, repliesDelivered: atFrom.repliesIn };
}

export interface TcpRun {
  bytes: number;
  /** TCP segments the sender sent (its Tcp OutSegs), and packets the router received on the sender's leg. */
  segmentsSent: number;
  routerPackets: number;
}

const TCP_PORT = 9311;
const tcpReceiver = `import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', ${TCP_PORT})); s.listen(1); s.settimeout(30)
c, _ = s.accept(); n = 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
print(n)`;
const tcpSender = (ip: string, bytes: number): string => `import socket, time
for _ in range(100):
    try: s = socket.create_connection(('${ip}', ${TCP_PORT}), timeout=5); break
    except OSError: time.sleep(0.1)
s.sendall(b'x' * ${bytes}); s.close()`;

/** Sends `bytes` over one TCP connection and counts the sender's segments and the router's packets from the sender's leg. */
export async function tcpTransfer(lab: WanLab, from: string, to: string, bytes: number): Promise<TcpRun> {
  const leg = lab.legs[from];
  assert.ok(leg, `the router has a leg in ${from}`);
  const segments = async (): Promise<number> => snmpCounters((await lab.exec(from, ['cat', '/proc/net/snmp'])).stdout, 'Tcp')['OutSegs'] ?? NaN;
  const routerPackets = async (): Promise<number> => Number((await lab.routerExec(['cat', `/sys/class/net/${leg}/statistics/rx_packets`])).stdout);
  const [segmentsBefore, packetsBefore] = [await segments(), await routerPackets()];
  const receiver = lab.exec(to, ['python3', '-c', tcpReceiver], 60_000);
  const sender = await lab.exec(from, ['python3', '-c', tcpSender(hostOf(lab, to).ip, bytes)], 60_000);
  const received = await receiver;
  assert.equal(sender.code, 0, `TCP sender: ${sender.stderr}`);
  assert.equal(received.code, 0, `TCP receiver: ${received.stderr}`);
  return { bytes: Number(received.stdout), segmentsSent: (await segments()) - segmentsBefore, routerPackets: (await routerPackets()) - packetsBefore };
}

export interface RateRun {
  /** IP-level throughput of the replies' arrivals, in kbit/s. */
  kbit: number;
  received: number;
  packetBytes: number;
}

/**
 * A train of `packets` echo requests of `payload` bytes, all sent at once
 * (ping's preload: paced by its interval alone, ping sends one request per
 * reply it wakes up for), from `from` to `to`. The link paces the requests
 * at its rate, so the replies arrive at that rate.
 */
export async function trainRate(lab: WanLab, from: string, to: string, packets: number, payload: number): Promise<RateRun> {
  const run = await ping(lab, from, to, ['-D', '-s', String(payload), '-c', String(packets), '-l', String(packets), '-W', '5']);
  const packetBytes = payload + 8 + 20;
  const first = run.arrivalsS[0];
  const last = run.arrivalsS[run.arrivalsS.length - 1];
  assert.ok(first !== undefined && last !== undefined && last > first, `too few replies for a rate: ${run.received}`);
  return { kbit: ((run.arrivalsS.length - 1) * packetBytes * 8) / (last - first) / 1000, received: run.received, packetBytes };
}

/** The p-quantile (0..1) of the samples, by linear interpolation between the nearest ranks. */
export function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = p * (sorted.length - 1);
  const low = sorted[Math.floor(at)] ?? NaN;
  const high = sorted[Math.ceil(at)] ?? NaN;
  return low + (high - low) * (at - Math.floor(at));
}
