// How far apart the agents' clocks were. Every time in a history is stamped by
// the agent that wrote it, on its own clock, so comparing two agents' times
// (split brain) or an agent's time with the host's (the RTO clock starts at a
// fault the host requested) is only as good as the clocks agree. Agents in
// hadrill's own lab share the host's kernel clock; attached or remote agents
// need not. Each agent's clock is read a few times from the host, NTP-style:
// the host notes its own time before and after asking, and the agent's answer
// was read somewhere in between.

/** One probe of one agent's clock, all in epoch ms. */
export interface ClockSample {
  /** The host's clock just before it asked. */
  hostSendMs: number;
  /** The agent's clock, read while the host waited. */
  agentClockMs: number;
  /** The host's clock once the answer came back. */
  hostReceiveMs: number;
}

/** An agent's clock minus the host's, and how wrong that can be at most. */
export interface ClockOffset {
  offsetMs: number;
  /** Half the round trip of the sample used: the true offset is offsetMs ± uncertaintyMs, whatever the asymmetry of the round trip. */
  uncertaintyMs: number;
}

export interface ClientClock extends ClockOffset {
  client: string;
}

/** The agents' clocks at one instant of the run. */
export interface ClockMeasurement {
  /** When it was taken, on the host's clock (epoch ms). */
  atMs: number;
  /** Every agent that answered, by client name. */
  clients: ClientClock[];
  /** Agents that could not be read (their container down with their IDC, or gone), with why: they take no part in the skew. */
  absent: { client: string; reason: string }[];
  /** The greatest offset minus the least over the agents that answered (0 for one agent); null when none did. */
  skewMs: number | null;
  /** The sum of those two agents' uncertainties: the true skew is at least skewMs - uncertaintyMs. */
  uncertaintyMs: number | null;
}

/**
 * The offset from the sample with the shortest round trip, the one that pins
 * the agent's reading down best: the reading was taken between send and
 * receive, so the offset lies within half the round trip of the midpoint.
 * null without a usable sample (none, or one whose host clock ran backwards).
 */
export function estimateOffset(samples: readonly ClockSample[]): ClockOffset | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    const roundTrip = s.hostReceiveMs - s.hostSendMs;
    if (!(roundTrip >= 0) || !Number.isFinite(s.agentClockMs)) continue;
    if (best === null || roundTrip < best.hostReceiveMs - best.hostSendMs) best = s;
  }
  if (best === null) return null;
  const roundTrip = best.hostReceiveMs - best.hostSendMs;
  return { offsetMs: best.agentClockMs - (best.hostSendMs + best.hostReceiveMs) / 2, uncertaintyMs: roundTrip / 2 };
}

/** The skew between the agents: greatest offset minus least, with the two uncertainties added. */
export function skewBetween(clients: readonly ClientClock[]): Pick<ClockMeasurement, 'skewMs' | 'uncertaintyMs'> {
  if (clients.length === 0) return { skewMs: null, uncertaintyMs: null };
  let high = clients[0]!;
  let low = clients[0]!;
  for (const c of clients) {
    if (c.offsetMs > high.offsetMs) high = c;
    if (c.offsetMs < low.offsetMs) low = c;
  }
  // One clock compared with itself differs by exactly nothing.
  if (high === low) return { skewMs: 0, uncertaintyMs: 0 };
  return { skewMs: high.offsetMs - low.offsetMs, uncertaintyMs: high.uncertaintyMs + low.uncertaintyMs };
}

/**
 * A measurement from each agent's samples. An agent with no usable sample is
 * absent with `unusable` as the reason, beside those already known absent.
 */
export function clockMeasurement(
  atMs: number,
  samples: ReadonlyMap<string, readonly ClockSample[]>,
  absent: ClockMeasurement['absent'] = [],
  unusable = 'no usable reading of its clock',
): ClockMeasurement {
  const clients: ClientClock[] = [];
  const missing = [...absent];
  for (const [client, list] of samples) {
    const offset = estimateOffset(list);
    if (offset === null) missing.push({ client, reason: unusable });
    else clients.push({ client, ...offset });
  }
  clients.sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
  missing.sort((a, b) => (a.client < b.client ? -1 : a.client > b.client ? 1 : 0));
  return { atMs, clients, absent: missing, ...skewBetween(clients) };
}
