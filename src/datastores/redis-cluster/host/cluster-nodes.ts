// One Redis Cluster node's view of the cluster, parsed from the text of its
// CLUSTER NODES and CLUSTER INFO replies. Pure, so the parsing is tested on
// real replies without a cluster.

export type ClusterRole = 'master' | 'replica' | 'unknown';

export interface ClusterNode {
  id: string;
  /** The planned node's name, when the caller knows which node has this address. */
  name?: string;
  /** Empty for a node whose address is not known yet (flag noaddr). */
  ip: string;
  port: number;
  /** unknown: a node still in handshake, whose role nobody has announced. */
  role: ClusterRole;
  /** A replica's master; null for a master, or a replica whose master is not known. */
  masterId: string | null;
  /** As Redis writes them: myself, master, slave, fail?, fail, handshake, noaddr, nofailover. */
  flags: string[];
  myself: boolean;
  /** fail?: this node has not heard from it for longer than cluster-node-timeout. */
  pfail: boolean;
  /** fail: a majority of masters agreed it is down, which is what lets its replica take over. */
  fail: boolean;
  /** The slot ranges it serves, inclusive; slots being migrated or imported are not in them. */
  slots: [number, number][];
  /** The epoch its slot claims carry: the higher one wins a slot claimed twice. */
  configEpoch: number;
  linkState: 'connected' | 'disconnected';
}

export interface ClusterView {
  /** The node whose view this is. */
  myself: ClusterNode;
  nodes: ClusterNode[];
  /** cluster_state: fail means the node refuses keyed commands (CLUSTERDOWN). */
  state: 'ok' | 'fail';
  currentEpoch: number;
  slotsAssigned: number;
}

/**
 * CLUSTER NODES: one line per node,
 * `<id> <ip:port@busport[,hostname]> <flags> <master|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...`
 * where a slot is `N`, `N-M`, or `[N->-id]` / `[N-<-id]` while it migrates.
 */
export function parseClusterNodes(text: string, names?: ReadonlyMap<string, string>): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    if (fields.length < 8) throw new Error(`CLUSTER NODES line has ${fields.length} fields, at least 8 expected: ${line}`);
    const [id, address, flagText, master, , , epoch, link, ...slotFields] = fields as [string, string, string, string, string, string, string, string, ...string[]];
    const { ip, port } = parseAddress(address);
    const flags = flagText === 'noflags' ? [] : flagText.split(',');
    const role: ClusterRole = flags.includes('master') ? 'master' : flags.includes('slave') ? 'replica' : 'unknown';
    const name = names?.get(ip);
    nodes.push({
      id,
      ...(name === undefined ? {} : { name }),
      ip,
      port,
      role,
      masterId: master === '-' ? null : master,
      flags,
      myself: flags.includes('myself'),
      pfail: flags.includes('fail?'),
      fail: flags.includes('fail'),
      slots: parseSlots(slotFields),
      configEpoch: Number(epoch),
      linkState: link === 'connected' ? 'connected' : 'disconnected',
    });
  }
  return nodes;
}

/** `10.0.0.5:6379@16379`, `10.0.0.5:6379@16379,host-name`, or `:0@0` for a node without an address yet. */
function parseAddress(address: string): { ip: string; port: number } {
  const endpoint = address.split(',')[0]?.split('@')[0] ?? '';
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0) return { ip: endpoint, port: 0 };
  return { ip: endpoint.slice(0, colon), port: Number(endpoint.slice(colon + 1)) };
}

function parseSlots(fields: string[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const field of fields) {
    if (field.startsWith('[')) continue;
    const [start, end] = field.split('-');
    const from = Number(start);
    const to = end === undefined ? from : Number(end);
    if (!Number.isInteger(from) || !Number.isInteger(to)) throw new Error(`CLUSTER NODES slot field ${JSON.stringify(field)} is not a slot or a range`);
    ranges.push([from, to]);
  }
  return ranges;
}

/** CLUSTER INFO's `name:value` lines. */
export function parseClusterInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** A node's whole view, from its two replies; names maps addresses to planned node names. */
export function clusterViewOf(nodesText: string, infoText: string, names?: ReadonlyMap<string, string>): ClusterView {
  const nodes = parseClusterNodes(nodesText, names);
  const myself = nodes.find((n) => n.myself);
  if (!myself) throw new Error('CLUSTER NODES has no line flagged myself');
  const info = parseClusterInfo(infoText);
  return {
    myself,
    nodes,
    state: info.cluster_state === 'ok' ? 'ok' : 'fail',
    currentEpoch: Number(info.cluster_current_epoch ?? 0),
    slotsAssigned: Number(info.cluster_slots_assigned ?? 0),
  };
}

/** The number of slots a node serves. */
export function slotCount(node: Pick<ClusterNode, 'slots'>): number {
  return node.slots.reduce((sum, [from, to]) => sum + to - from + 1, 0);
}
