// The Prometheus endpoint: GET /metrics answers with the families as they are
// at that moment (text format 0.0.4); every other path is 404. It counts its
// scrapes, so a drill can wait for the one that carries its verdict.
import { createServer, type Server } from 'node:http';
import { HadrillError } from '../core/errors.js';
import { TEXT_CONTENT_TYPE } from '../core/metrics/exposition.js';
import { authority, type ListenAddress } from '../core/metrics/listen-address.js';

export interface MetricsServer {
  /** http://host:port/metrics */
  readonly url: string;
  /** Scrapes answered so far. */
  scrapes(): number;
  /** Resolves true at the next scrape answered, false once `timeoutMs` passed without one. */
  nextScrape(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Listens at `address`; a refused address (in use, not this machine's, privileged) is a usage error, raised before the caller creates anything. */
export async function startMetricsServer(address: ListenAddress, render: () => string): Promise<MetricsServer> {
  let scrapes = 0;
  const waiters = new Set<() => void>();
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: hadrill serves /metrics only.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Use GET.\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${(error as Error).message}\n`);
      return;
    }
    response.writeHead(200, { 'content-type': TEXT_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    response.end(request.method === 'HEAD' ? undefined : body);
    scrapes += 1;
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(address, error)));
    server.listen(address.port, address.host, () => resolve());
  });
  return {
    url: `http://${authority(address)}/metrics`,
    scrapes: () => scrapes,
    nextScrape: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        const done = (seen: boolean): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(seen);
        };
        const wake = (): void => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        waiters.add(wake);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        // Prometheus keeps its connection open between scrapes: closing must not wait for it.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listenError(address: ListenAddress, error: NodeJS.ErrnoException): HadrillError {
  const where = authority(address);
  const why: Record<string, [string, string]> = {
    EADDRINUSE: ['the address is in use: another program listens there', `Pick another port, or stop what listens there (\`ss -ltnp 'sport = :${address.port}'\` names it).`],
    EADDRNOTAVAIL: [`${address.host} is not an address of this machine`, 'Use one of its addresses, 127.0.0.1 (the default), or 0.0.0.0 for all of them.'],
    EACCES: ['listening there needs privileges (ports below 1024 do)', 'Pick a port from 1024 up, e.g. 9464.'],
    ENOTFOUND: [`${address.host} is not a known host`, 'Use an address, e.g. 127.0.0.1:9464.'],
    EAI_AGAIN: [`${address.host} could not be resolved`, 'Use an address, e.g. 127.0.0.1:9464.'],
  };
  const [message, hint] = why[error.code ?? ''] ?? [error.message, 'Use another address, e.g. 127.0.0.1:9464.'];
  return new HadrillError('usage', `--metrics-listen ${where}: ${message}.`, { hint, cause: error });
}
