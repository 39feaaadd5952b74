// The cold-backup supervisor, in the writer's container: it runs the server,
// and every `everyMs` stops it cleanly, ships the whole data directory to
// storage in another IDC (across the WAN, so the link's shape shows in the
// downtime), and starts it again. While the restore manager announces
// another writer (after a restore), this node stays closed and backs up
// nothing: its data is no longer the group's. It answers GET /status with
// whether a backup has the server down: a server stopped on schedule is not
// a dead one, and the restore manager asks before it restores.
// SIGUSR1 starts the schedule again from that moment: a drill sends it at its
// start, so backups fall at the same offsets from its timeline on every run
// (a fault at +24 s with backups every 10 s always loses about 4 s of writes).
import { readConfigFile } from '../../../config-file.js';
import type { BackupEvent, BackupSupervisorConfig, PrimaryAnnouncement } from '../../../core/plan/runtime-configs.js';
import { eventLog, json, sleep, tokenServer } from '../../inside/program-support.js';
import { ManagedServer } from './server.js';
import { uploadDir } from './transfer.js';
import { fetchWithin } from '../../../fetch-within.js';

const config = readConfigFile<BackupSupervisorConfig>('HADRILL_CONFIG_FILE', 'hadrill backup supervisor');
const emit = eventLog<BackupEvent>(config.eventsFile);
const READY_MS = 120_000;
const STOP_MS = 60_000;

const server = new ManagedServer(config.server, config.serverCommand, config.dataDir);
const died = (code: number | null): void => {
  console.error(`hadrill backup supervisor: the ${config.server.kind} server exited (${code}); so does its container`);
  process.exit(code ?? 1);
};
let closed = false;
let backingUpSince: number | null = null;

/** Asks the restore manager who the writer is; once it names another, this node is closed for good. */
async function stillWriter(): Promise<boolean> {
  if (closed || config.announcementUrl === null) return !closed;
  try {
    const announced = await fetchWithin(config.announcementUrl, { headers: { authorization: `Bearer ${config.token}` } }, 1500, async (r) => (r.ok ? ((await r.json()) as PrimaryAnnouncement) : null));
    if (announced !== null && announced.name !== config.node) {
      closed = true;
      console.log(`hadrill backup supervisor: the restore manager announces another writer; ${config.node} stays closed and takes no more backups`);
    }
  } catch {
    // Unreachable: no word that another node took over.
  }
  return !closed;
}

async function startServing(): Promise<void> {
  server.start(died);
  await server.waitReady(READY_MS);
  if (await stillWriter()) await server.open();
}

async function backupOnce(): Promise<void> {
  const at = Date.now();
  const name = `backup-${at}`;
  backingUpSince = at;
  await server.shutdown(STOP_MS);
  const stoppedAt = Date.now();
  let uploadedAt: number | null = null;
  let bytes = 0;
  let error: string | undefined;
  try {
    bytes = await uploadDir(config.dataDir, `${config.storageUrl}/backups/${name}`, config.token);
    uploadedAt = Date.now();
  } catch (e) {
    error = (e as Error).message;
  }
  await startServing();
  backingUpSince = null;
  emit({ t: 'backup', at, name, stoppedAt, uploadedAt, restartedAt: Date.now(), bytes, ...(error === undefined ? {} : { error }) });
}

tokenServer(config.listenPort, config.token, (request, response) => {
  if (request.method === 'GET' && request.url === '/status') return json(response, 200, { backingUp: backingUpSince !== null, since: backingUpSince, serving: server.running && backingUpSince === null });
  json(response, 404, { error: 'try GET /status' });
});
process.on('SIGTERM', () => {
  server.kill();
  process.exit(0);
});
let nextAt = Date.now() + config.everyMs;
process.on('SIGUSR1', () => {
  nextAt = Date.now() + config.everyMs;
  console.log(`hadrill backup supervisor: schedule restarted; the next backup at ${new Date(nextAt).toISOString()}`);
});
await startServing();
for (;;) {
  // Short naps, so a restarted schedule takes effect at once.
  while (Date.now() < nextAt) await sleep(Math.min(100, nextAt - Date.now()));
  // The next slot counts from this one, not from its end: a slow upload does not shift the schedule.
  nextAt += config.everyMs;
  if (await stillWriter()) await backupOnce();
  // A backup that overran its slot skips the slots it missed rather than following at once.
  while (nextAt <= Date.now()) nextAt += config.everyMs;
}
