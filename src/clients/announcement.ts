// Following the failover machinery's announcement of the current writer
// (GET /primary with a bearer token), the way an application follows a
// service name: the newest epoch wins, and while the announcer cannot be
// reached the client keeps using what it knows. The connections of one
// agent that follow the same announcement share one poller: a loaded client
// with 16 connections asks once, not 16 times, every half second.
import type { PrimaryAnnouncement } from '../core/plan/runtime-configs.js';
import { fetchWithin } from '../fetch-within.js';

const POLL_MS = 500;

export class AnnouncementFollower {
  private poller: SharedPoller | null = null;
  /** Where the writer was when this follower last looked (it keeps it once stopped). */
  private known: string;

  /** onMove: the writer moved to another host (the caller drops its connection). */
  constructor(
    private readonly url: string,
    private readonly token: string,
    initialHost: string,
    private readonly onMove: () => void,
  ) {
    this.known = initialHost;
  }

  get host(): string {
    if (this.poller !== null) this.known = this.poller.target.host;
    return this.known;
  }

  start(): void {
    if (this.poller !== null) return;
    this.poller = SharedPoller.join(this.url, this.token, this.known, this.onMove);
  }

  stop(): void {
    this.known = this.host;
    this.poller?.leave(this.onMove);
    this.poller = null;
  }
}

/** One poller per announcement and token in this process, running while anyone follows it. */
class SharedPoller {
  private static readonly running = new Map<string, SharedPoller>();
  target: { host: string; epoch: number };
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly key: string,
    private readonly url: string,
    private readonly token: string,
    initialHost: string,
  ) {
    this.target = { host: initialHost, epoch: 0 };
  }

  static join(url: string, token: string, initialHost: string, onMove: () => void): SharedPoller {
    const key = `${url}\n${token}`;
    let poller = SharedPoller.running.get(key);
    if (poller === undefined) {
      poller = new SharedPoller(key, url, token, initialHost);
      SharedPoller.running.set(key, poller);
      void poller.refresh();
      poller.timer = setInterval(() => void poller!.refresh(), POLL_MS);
    }
    poller.listeners.add(onMove);
    return poller;
  }

  leave(onMove: () => void): void {
    this.listeners.delete(onMove);
    if (this.listeners.size > 0) return;
    clearInterval(this.timer);
    SharedPoller.running.delete(this.key);
  }

  private async refresh(): Promise<void> {
    try {
      const announced = await fetchWithin(this.url, { headers: { authorization: `Bearer ${this.token}` } }, 800, async (r) => (r.ok ? ((await r.json()) as PrimaryAnnouncement) : null));
      if (announced === null) return;
      if (announced.epoch < this.target.epoch) return;
      const moved = announced.host !== this.target.host;
      this.target = { host: announced.host, epoch: announced.epoch };
      if (moved) for (const onMove of [...this.listeners]) onMove();
    } catch {
      // The announcer may be in a dead IDC; clients keep using what they know.
    }
  }
}
