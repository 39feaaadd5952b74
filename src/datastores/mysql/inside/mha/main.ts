// MHA's manager, as the user's own stack runs it, with hadrill beside it:
// writes MHA's configuration and failover hook, opens the initial primary
// (every node starts read-only, as an operator's would), runs
// masterha_manager, reads its log and its hook's calls into hadrill's
// machinery events, and announces the primary at GET /primary for the
// clients of the writer route. MHA exits after one failover, as in
// production; the announcement stays.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { readConfigFile } from '../../../../config-file.js';
import type { ManagerEvent, ManagerMemory, PrimaryAnnouncement } from '../../../../core/plan/runtime-configs.js';
import { eventLog, json, memoryFile, sleep, tokenServer } from '../../../inside/program-support.js';
import { APP_CONFIG, HOOK_FILE, HOOK_SCRIPT, isMonitoringLine, mhaAppConfig, mhaEvent, mhaHookScript, parseHookLine, type MhaConfig, type MhaPhaseEvent } from '../../mha-config.js';
import { NodeAdmin } from '../manager/node-admin.js';
import { LogFollower } from './log-follower.js';

type MhaEvent = ManagerEvent | MhaPhaseEvent | { t: 'mha-exited'; at: number; code: number | null; failedOver: boolean };

const config = readConfigFile<MhaConfig>('HADRILL_CONFIG_FILE', 'hadrill mha');
const emit = eventLog<MhaEvent>(config.eventsFile);
const memoryStore = memoryFile<ManagerMemory & { mhaDone?: boolean }>(config.stateFile);
const memory = memoryStore.load();
const admin = new NodeAdmin({ adminUser: config.adminUser, adminPassword: config.adminPassword, connectTimeoutMs: 1000 });
const nodeNamed = (name: string) => config.nodes.find((n) => n.name === name)!;
const nodeAt = (host: string) => config.nodes.find((n) => n.host === host);

let primary = nodeNamed(memory?.primary ?? config.initialPrimary);
let epoch = memory?.epoch ?? 1;
const remember = (mhaDone: boolean): void => memoryStore.save({ primary: primary.name, epoch, fenced: [], mhaDone });

tokenServer(config.listenPort, config.token, (request, response) => {
  const announced: PrimaryAnnouncement = { name: primary.name, host: primary.host, port: primary.port, epoch };
  json(response, request.url === '/primary' ? 200 : 404, request.url === '/primary' ? announced : { error: 'try /primary' });
});

installSsh();
mkdirSync('/run/hadrill-mha', { recursive: true, mode: 0o700 });
mkdirSync(config.workDir, { recursive: true });
writeFileSync(APP_CONFIG, mhaAppConfig(config), { mode: 0o600 });
writeFileSync(HOOK_SCRIPT, mhaHookScript(), { mode: 0o700 });

if (memory !== null) emit({ t: 'restored', at: Date.now(), primary: primary.name, epoch, fenced: [] });
// MHA refuses a second run over a topology it already failed over (its configuration still names the
// lost primary), as in production: an operator reconfigures it first. A restarted container does not.
if (memory?.mhaDone) await new Promise(() => undefined);
const code = await runMha(async () => {
  // The stack is up once MHA watches the primary (its checks take about ten seconds): only then is
  // the primary opened for writes, so that no drill begins before its machinery does.
  if (memory !== null) return;
  await openPrimary();
  remember(false);
  emit({ t: 'started', at: Date.now(), primary: primary.name });
});
emit({ t: 'mha-exited', at: Date.now(), code, failedOver: epoch > 1 });
remember(true);
if (epoch > 1) await restoreGtidReplication();
process.on('SIGTERM', () => process.exit(0));

/** The run's key pair in root's ~/.ssh: MHA's ssh and scp pass no -i. */
function installSsh(): void {
  const dir = process.env['HADRILL_SSH_DIR'];
  if (!dir) throw new Error('HADRILL_SSH_DIR is not set: MHA needs the run key pair');
  mkdirSync('/root/.ssh', { recursive: true, mode: 0o700 });
  cpSync(`${dir}/id_rsa`, '/root/.ssh/id_rsa');
  writeFileSync('/root/.ssh/config', 'Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n', { mode: 0o600 });
}

async function openPrimary(): Promise<void> {
  for (;;) {
    try {
      await admin.run(primary, 'SET GLOBAL read_only = 0');
      return;
    } catch {
      await sleep(500);
    }
  }
}

/** masterha_manager until it exits; its log and its hook's calls become events as they come. */
async function runMha(onMonitoring: () => Promise<void>): Promise<number | null> {
  let monitoring = false;
  const log = new LogFollower(config.managerLog, (line) => {
    if (!monitoring && isMonitoringLine(line)) {
      monitoring = true;
      void onMonitoring();
    }
    const event = mhaEvent(line, primary.name);
    if (event) emit(event);
  });
  const hooks = new LogFollower(HOOK_FILE, (line) => {
    const call = parseHookLine(line);
    const promoted = call?.command === 'start' && call.newMaster !== null ? nodeAt(call.newMaster) : undefined;
    if (!call || !promoted) return;
    // MHA calls the hook with `start` once the new master has every relay log applied, just before it sets read_only=0.
    primary = promoted;
    epoch += 1;
    remember(false);
    emit({ t: 'promoted', at: call.at, node: promoted.name, epoch, gtid: '', reason: 'chosen by MHA' });
  });
  log.start();
  hooks.start();
  const child = spawn('masterha_manager', [`--conf=${APP_CONFIG}`, '--ignore_last_failover'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  await sleep(300);
  log.stop();
  hooks.stop();
  return code;
}

/**
 * On MariaDB MHA repoints replicas by binlog file and position, which turns
 * their GTID positioning off; an operator turns it back on afterwards, as
 * this does, so that the next failover finds every replica by GTID again.
 */
async function restoreGtidReplication(): Promise<void> {
  for (const node of config.nodes) {
    if (node.name === primary.name) continue;
    try {
      await admin.run(node, 'STOP SLAVE');
      await admin.run(node, 'CHANGE MASTER TO MASTER_USE_GTID = slave_pos');
      await admin.run(node, 'START SLAVE');
      emit({ t: 'repointed', at: Date.now(), node: node.name, ok: true });
    } catch (error) {
      emit({ t: 'repointed', at: Date.now(), node: node.name, ok: false, error: (error as Error).message });
    }
  }
}

