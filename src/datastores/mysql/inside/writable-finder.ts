// The writable route's search: the nodes in the scenario's order, the first
// that says it takes writes (read_only off) is kept, as a multi-host connector
// with a "read-write" target does. Each node gets an equal share of the
// operation's time, so one that lost power cannot use up the whole of it.
import type mysql from 'mysql2/promise';

export class WritableFinder {
  /** The node writes went to last (the first in order before any search). */
  current: string;

  constructor(
    private readonly hosts: readonly string[],
    private readonly open: (host: string, connectTimeoutMs: number) => Promise<mysql.Connection>,
    private readonly opTimeoutMs: number,
  ) {
    if (hosts.length === 0) throw new Error('the writable route needs at least one node');
    this.current = hosts[0]!;
  }

  /** The first node in order that takes writes, with a connection to it; throws (nothing sent) when none does. */
  async find(abandoned: () => boolean): Promise<{ host: string; connection: mysql.Connection }> {
    const share = Math.max(200, Math.floor(this.opTimeoutMs / this.hosts.length));
    const refused: string[] = [];
    for (const host of this.hosts) {
      if (abandoned()) break;
      let connection: mysql.Connection | null = null;
      try {
        connection = await this.open(host, share);
        const [rows] = await connection.query({ sql: 'SELECT @@global.read_only AS ro', timeout: share });
        if (Number((rows as { ro: number | string }[])[0]?.ro) === 0) {
          this.current = host;
          return { host, connection };
        }
        refused.push(`${host} is read-only`);
      } catch (error) {
        refused.push(`${host}: ${(error as Error).message}`);
      }
      connection?.destroy();
    }
    throw Object.assign(new Error(`no node takes writes (${refused.join('; ')})`), { code: 'HADRILL_NO_WRITABLE_NODE' });
  }
}
