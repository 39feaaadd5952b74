// What hadrill's programs inside the topology share (the failover manager,
// the cold-backup machinery): an event log, a memory that survives a crash,
// and an HTTP endpoint that answers only those who show the run's token.
import { timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';

/** Appends one JSON line per event, synchronously: a killed process loses none it logged. */
export function eventLog<E>(file: string): (event: E) => void {
  mkdirSync(dirname(file), { recursive: true });
  return (event) => {
    const line = JSON.stringify(event);
    appendFileSync(file, line + '\n');
    console.log(line);
  };
}

/** Written beside and renamed, so a crash mid-write leaves the previous memory whole. */
export function memoryFile<M>(file: string): { load(): M | null; save(memory: M): void } {
  return {
    load: () => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as M) : null),
    save(memory) {
      writeFileSync(`${file}.tmp`, JSON.stringify(memory));
      renameSync(`${file}.tmp`, file);
    },
  };
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

/** An HTTP server that refuses every request without the bearer token (an endpoint anyone could use is a way into the data). */
export function tokenServer(port: number, token: string, handler: Handler): void {
  const expected = Buffer.from(`Bearer ${token}`);
  createServer((request, response) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      json(response, 401, { error: 'a bearer token is required' });
      return;
    }
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: (error as Error).message });
      else response.destroy();
    });
  }).listen(port, '0.0.0.0');
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
