// A standby node of a cold-backed-up group: no server runs until the restore
// manager asks for a restore (POST /restore {"name"}); then the backup is
// fetched from storage, unpacked over the data directory, and the server
// started on it. The answer comes once the server answers.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readConfigFile } from '../../../config-file.js';
import type { BackupEvent, StandbyConfig } from '../../../core/plan/runtime-configs.js';
import { eventLog, json, tokenServer } from '../../inside/program-support.js';
import { ManagedServer } from './server.js';
import { downloadInto } from './transfer.js';

const config = readConfigFile<StandbyConfig>('HADRILL_CONFIG_FILE', 'hadrill standby');
const emit = eventLog<BackupEvent>(config.eventsFile);
const server = new ManagedServer(config.server, config.serverCommand, config.dataDir);
// A standby restored once serves from then on, also after its container restarts (a power cycle).
const marker = join(dirname(config.eventsFile), 'restored.json');
const serve = (): void =>
  server.start((code) => {
    console.error(`hadrill standby: the restored ${config.server.kind} server exited (${code}); so does its container`);
    process.exit(code ?? 1);
  });
if (existsSync(marker)) serve();

tokenServer(config.listenPort, config.token, async (request, response) => {
  if (request.method === 'GET' && request.url === '/status') return json(response, 200, { serving: server.running });
  if (request.method !== 'POST' || request.url !== '/restore') return json(response, 404, { error: 'try POST /restore or GET /status' });
  if (server.running) return json(response, 409, { error: 'already serving a restored backup' });
  let body = '';
  for await (const chunk of request) body += String(chunk);
  const { name, storageUrl } = JSON.parse(body) as { name: string; storageUrl: string };
  emit({ t: 'restore-started', at: Date.now(), backup: name });
  await downloadInto(config.dataDir, `${storageUrl}/backups/${name}`, config.token);
  writeFileSync(marker, JSON.stringify({ name, at: Date.now() }));
  serve();
  await server.waitReady(120_000);
  json(response, 200, { restored: name, at: Date.now() });
});
process.on('SIGTERM', () => {
  server.kill();
  process.exit(0);
});
