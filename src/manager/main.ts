// The reference MySQL failover manager: a long-running process in a container
// of its own IDC. It watches the primary, fails over, and publishes the
// current primary at GET /primary for clients to follow, to those who show
// its bearer token only (an announcement anyone could read, or spoof a
// client into following, is a way into the data).
import { timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { dirname } from 'node:path';
import { readConfigFile } from '../config-file.js';
import type { ManagerConfig, ManagerEvent, ManagerMemory } from '../core/plan/runtime-configs.js';
import { FailoverManager } from './failover.js';

const config = readConfigFile<ManagerConfig>('HADRILL_MANAGER_CONFIG_FILE', 'hadrill manager');
const expected = Buffer.from(`Bearer ${config.token}`);
const authorized = (request: IncomingMessage): boolean => {
  const given = Buffer.from(request.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
mkdirSync(dirname(config.eventsFile), { recursive: true });

const emit = (event: ManagerEvent): void => {
  const line = JSON.stringify(event);
  appendFileSync(config.eventsFile, line + '\n');
  console.log(line);
};

// Written beside and renamed, so a crash mid-write leaves the previous memory whole.
const remember = (memory: ManagerMemory): void => {
  writeFileSync(`${config.stateFile}.tmp`, JSON.stringify(memory));
  renameSync(`${config.stateFile}.tmp`, config.stateFile);
};
const memory = existsSync(config.stateFile) ? (JSON.parse(readFileSync(config.stateFile, 'utf8')) as ManagerMemory) : null;
const manager = new FailoverManager(config, emit, memory, remember);

createServer((request, response) => {
  if (!authorized(request)) {
    response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
    response.end(JSON.stringify({ error: 'a bearer token is required' }));
    return;
  }
  const body = request.url === '/primary' ? manager.announcement() : request.url === '/state' ? manager.state() : null;
  response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body ?? { error: 'try /primary or /state' }));
}).listen(config.listenPort, '0.0.0.0');

// A restarted manager opened its primary in an earlier life; it must not reopen anything now.
if (memory === null) await manager.openPrimary();
setInterval(() => void manager.tick(), config.checkIntervalMs);
process.on('SIGTERM', () => process.exit(0));
