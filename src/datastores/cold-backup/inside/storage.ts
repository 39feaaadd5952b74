// Backup storage, in another IDC than the writer: keeps each upload under
// its name, and only whole ones (an upload cut by a fault stays a .partial
// and is never offered for a restore).
//   PUT /backups/NAME      the backup, as a tar stream
//   GET /backups/latest    {"name", "bytes"} of the newest complete backup
//   GET /backups/NAME      a complete backup, as a tar stream
import { createReadStream, createWriteStream, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readConfigFile } from '../../../config-file.js';
import type { BackupEvent, StorageConfig } from '../../../core/plan/runtime-configs.js';
import { eventLog, json, tokenServer } from '../../inside/program-support.js';

const config = readConfigFile<StorageConfig>('HADRILL_CONFIG_FILE', 'hadrill backup storage');
const emit = eventLog<BackupEvent>(config.eventsFile);
mkdirSync(config.dir, { recursive: true });
const NAME = /^backup-\d{13,}$/;

/** Names carry the instant the writer was stopped, so the newest sorts last. */
function complete(): string[] {
  return readdirSync(config.dir)
    .filter((f) => NAME.test(f))
    .sort();
}

tokenServer(config.listenPort, config.token, async (request, response) => {
  const name = (request.url ?? '').replace(/^\/backups\//, '');
  if (request.method === 'GET' && name === 'latest') {
    const latest = complete().at(-1);
    if (!latest) return json(response, 404, { error: 'no complete backup yet' });
    return json(response, 200, { name: latest, bytes: statSync(join(config.dir, latest)).size });
  }
  if (!NAME.test(name)) return json(response, 400, { error: 'a backup name is backup-<epoch ms>' });
  const file = join(config.dir, name);
  if (request.method === 'PUT') {
    await pipeline(request, createWriteStream(`${file}.partial`));
    renameSync(`${file}.partial`, file);
    const bytes = statSync(file).size;
    emit({ t: 'stored', at: Date.now(), name, bytes });
    return json(response, 201, { name, bytes });
  }
  if (request.method === 'GET' && complete().includes(name)) {
    response.writeHead(200, { 'content-type': 'application/x-tar' });
    await pipeline(createReadStream(file), response);
    return;
  }
  json(response, 404, { error: `no complete backup ${name}` });
});
process.on('SIGTERM', () => process.exit(0));
