// The restore manager of a cold-backed-up group: it probes the writer, and
// once it is dead (failureThreshold probes in a row) restores the newest
// complete backup onto the standby, opens it, and announces it at
// GET /primary with a new epoch, as the failover manager does. Its memory
// survives a crash, so a restarted one never announces the lost writer again.
import { readConfigFile } from '../../../config-file.js';
import type { BackupEvent, PrimaryAnnouncement, RestoreManagerConfig } from '../../../core/plan/runtime-configs.js';
import { eventLog, json, memoryFile, tokenServer } from '../../inside/program-support.js';
import { ManagedServer } from './server.js';
import { fetchWithin } from '../../../fetch-within.js';

interface Memory {
  primary: string;
  epoch: number;
  backup: string | null;
}

const config = readConfigFile<RestoreManagerConfig>('HADRILL_CONFIG_FILE', 'hadrill restore manager');
const emit = eventLog<BackupEvent>(config.eventsFile);
const store = memoryFile<Memory>(config.stateFile);
const remembered = store.load();
let memory: Memory = remembered ?? { primary: config.primary.name, epoch: 1, backup: null };
if (remembered) emit({ t: 'restored', at: Date.now(), primary: memory.primary, epoch: memory.epoch });

const primary = new ManagedServer(config.primary, [], '/tmp');
const standby = new ManagedServer(config.standby, [], '/tmp');
let failures = 0;
let busy = false;

function announcement(): PrimaryAnnouncement {
  const node = memory.primary === config.standby.name ? config.standby : config.primary;
  return { name: memory.primary, host: node.host, port: node.port, epoch: memory.epoch };
}

async function tick(): Promise<void> {
  if (busy || memory.primary !== config.primary.name) return;
  busy = true;
  // A server stopped for its scheduled backup is not dead: its supervisor says so (a dead IDC answers nothing).
  // Asked together with the probe, so that a dead writer costs one timeout per probe, not two.
  const backup = backingUp();
  try {
    await primary.probe(config.connectTimeoutMs);
    failures = 0;
  } catch {
    if (await backup) {
      failures = 0;
      return;
    }
    failures += 1;
    if (failures === config.failureThreshold) {
      emit({ t: 'failure-detected', at: Date.now(), primary: config.primary.name });
      await restore();
    }
  } finally {
    busy = false;
  }
}

async function backingUp(): Promise<boolean> {
  try {
    // Within the probe's timeout even while connecting: a writer's IDC without power would otherwise hold detection for 10 s.
    return await fetchWithin(config.primary.statusUrl, { headers: { authorization: `Bearer ${config.token}` } }, config.connectTimeoutMs, async (r) => r.ok && ((await r.json()) as { backingUp: boolean }).backingUp);
  } catch {
    return false;
  }
}

async function restore(): Promise<void> {
  const headers = { authorization: `Bearer ${config.token}` };
  try {
    const latest = await fetch(`${config.storageUrl}/backups/latest`, { headers, signal: AbortSignal.timeout(5000) });
    if (!latest.ok) throw new Error(latest.status === 404 ? 'storage holds no complete backup' : `storage answered ${latest.status}`);
    const { name } = (await latest.json()) as { name: string };
    emit({ t: 'restore-started', at: Date.now(), backup: name });
    const restored = await fetch(`${config.standby.controlUrl}/restore`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name, storageUrl: config.storageUrl }),
      signal: AbortSignal.timeout(300_000),
    });
    if (!restored.ok) throw new Error(`standby ${config.standby.name} answered ${restored.status}: ${await restored.text()}`);
    await standby.open();
    memory = { primary: config.standby.name, epoch: memory.epoch + 1, backup: name };
    store.save(memory);
    emit({ t: 'promoted', at: Date.now(), node: config.standby.name, epoch: memory.epoch, backup: name, reason: `restored ${name}, the newest complete backup` });
  } catch (error) {
    // Tried again after another run of failed probes.
    failures = 0;
    emit({ t: 'restore-failed', at: Date.now(), error: (error as Error).message });
  }
}

tokenServer(config.listenPort, config.token, (request, response) => {
  const body = request.url === '/primary' ? announcement() : request.url === '/state' ? { ...memory, failures } : null;
  json(response, body ? 200 : 404, body ?? { error: 'try /primary or /state' });
});
setInterval(() => void tick(), config.checkIntervalMs);
process.on('SIGTERM', () => process.exit(0));
