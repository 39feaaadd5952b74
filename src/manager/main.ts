// The reference MySQL failover manager: a long-running process in a container
// of its own IDC. It watches the primary, fails over, and publishes the
// current primary at GET /primary for clients to follow.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import type { ManagerConfig, ManagerEvent, ManagerMemory } from '../core/plan/runtime-configs.js';
import { FailoverManager } from './failover.js';

const config = JSON.parse(process.env['HADRILL_MANAGER_CONFIG'] ?? 'null') as ManagerConfig | null;
if (!config) {
  console.error('hadrill manager: HADRILL_MANAGER_CONFIG is not set');
  process.exit(2);
}
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
  const body = request.url === '/primary' ? manager.announcement() : request.url === '/state' ? manager.state() : null;
  response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body ?? { error: 'try /primary or /state' }));
}).listen(config.listenPort, '0.0.0.0');

// A restarted manager opened its primary in an earlier life; it must not reopen anything now.
if (memory === null) await manager.openPrimary();
setInterval(() => void manager.tick(), config.checkIntervalMs);
process.on('SIGTERM', () => process.exit(0));
