// Following the failover machinery's announcement of the current writer
// (GET /primary with a bearer token), the way an application follows a
// service name: the newest epoch wins, and while the announcer cannot be
// reached the client keeps using what it knows.
import type { PrimaryAnnouncement } from '../core/plan/runtime-configs.js';
import { fetchWithin } from '../fetch-within.js';

const POLL_MS = 500;

export class AnnouncementFollower {
  private target: { host: string; epoch: number };
  private poller: NodeJS.Timeout | undefined;

  /** onMove: the writer moved to another host (the caller drops its connection). */
  constructor(
    private readonly url: string,
    private readonly token: string,
    initialHost: string,
    private readonly onMove: () => void,
  ) {
    this.target = { host: initialHost, epoch: 0 };
  }

  get host(): string {
    return this.target.host;
  }

  start(): void {
    void this.refresh();
    this.poller = setInterval(() => void this.refresh(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.poller);
  }

  private async refresh(): Promise<void> {
    try {
      const announced = await fetchWithin(this.url, { headers: { authorization: `Bearer ${this.token}` } }, 800, async (r) => (r.ok ? ((await r.json()) as PrimaryAnnouncement) : null));
      if (announced === null) return;
      if (announced.epoch < this.target.epoch) return;
      const moved = announced.host !== this.target.host;
      this.target = { host: announced.host, epoch: announced.epoch };
      if (moved) this.onMove();
    } catch {
      // The announcer may be in a dead IDC; clients keep using what they know.
    }
  }
}
