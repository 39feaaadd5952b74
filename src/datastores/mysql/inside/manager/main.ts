// The reference MySQL failover manager: a long-running process in a container
// of its own IDC. It watches the primary, fails over, publishes the current
// primary at GET /primary for clients to follow and moves it on purpose at
// POST /switchover, for those who show its bearer token only (an
// announcement anyone could read, or spoof a client into following, is a way
// into the data).
import { readConfigFile } from '../../../../config-file.js';
import type { ManagerConfig, ManagerEvent, ManagerMemory } from '../../../../core/plan/runtime-configs.js';
import { eventLog, json, memoryFile, tokenServer } from '../../../inside/program-support.js';
import { FailoverManager } from './failover.js';

const config = readConfigFile<ManagerConfig>('HADRILL_CONFIG_FILE', 'hadrill manager');
const emit = eventLog<ManagerEvent>(config.eventsFile);
const memoryStore = memoryFile<ManagerMemory>(config.stateFile);
const memory = memoryStore.load();
const manager = new FailoverManager(config, emit, memory, (m) => memoryStore.save(m));

tokenServer(config.listenPort, config.token, async (request, response) => {
  if (request.method === 'POST' && request.url?.startsWith('/switchover')) {
    // POST /switchover?to=NODE (no `to`: the manager's choice), answered once the writer moved or could not.
    const to = new URL(request.url, 'http://manager').searchParams.get('to');
    const result = await manager.switchover(to);
    json(response, result.ok ? 200 : 409, result);
    return;
  }
  const body = request.url === '/primary' ? manager.announcement() : request.url === '/state' ? manager.state() : null;
  json(response, body ? 200 : 404, body ?? { error: 'try /primary, /state or POST /switchover?to=NODE' });
});

// A restarted manager opened its primary in an earlier life; it must not reopen anything now.
if (memory === null) await manager.openPrimary();
setInterval(() => void manager.tick(), config.checkIntervalMs);
process.on('SIGTERM', () => process.exit(0));
