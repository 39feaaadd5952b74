// MHA (mha4mysql 0.58, Debian's package) as a MySQL group's failover
// machinery: the application configuration hadrill writes for it from the
// scenario, the failover hook it calls, and what its own log says, read as
// hadrill's machinery events. Pure: the program in inside/mha/ runs
// masterha_manager with them.
import type { ManagerEvent } from '../../core/plan/runtime-configs.js';

export interface MhaConfig {
  group: string;
  nodes: { name: string; host: string; port: number }[];
  initialPrimary: string;
  adminUser: string;
  adminPassword: string;
  replUser: string;
  replPassword: string;
  /** MHA's ping_interval, whole seconds. */
  pingIntervalS: number;
  pingType: 'SELECT' | 'CONNECT';
  /** hadrill's announcement beside MHA: the bearer token and port of GET /primary. */
  token: string;
  listenPort: number;
  eventsFile: string;
  stateFile: string;
  /** MHA's own log, kept in the run's directory beside the events. */
  managerLog: string;
  workDir: string;
}

/** Where the hook leaves the new primary for the program: one line per call, `<epoch ms> <command> <new master host>`. */
export const HOOK_FILE = '/run/hadrill-mha/hook-calls';
export const HOOK_SCRIPT = '/run/hadrill-mha/master-ip-failover';
export const APP_CONFIG = '/run/hadrill-mha/app1.cnf';

/**
 * app1.cnf. Values are written bare, as MHA reads them (it has no quoting),
 * so the parser's passwords are made of characters that need none.
 */
export function mhaAppConfig(c: MhaConfig): string {
  const lines = [
    '[server default]',
    `manager_workdir=${c.workDir}`,
    `manager_log=${c.managerLog}`,
    `remote_workdir=/var/tmp/hadrill-mha`,
    'master_binlog_dir=/var/lib/mysql',
    `user=${c.adminUser}`,
    `password=${c.adminPassword}`,
    `repl_user=${c.replUser}`,
    `repl_password=${c.replPassword}`,
    'ssh_user=root',
    `ping_interval=${c.pingIntervalS}`,
    `ping_type=${c.pingType}`,
    `master_ip_failover_script=${HOOK_SCRIPT}`,
    '',
  ];
  c.nodes.forEach((n, i) => lines.push(`[server${i + 1}]`, `hostname=${n.host}`, `port=${n.port}`, ''));
  return lines.join('\n');
}

/**
 * The master_ip_failover hook. MHA calls it with --command=status at start,
 * stop/stopssh for the old master and start once the new master is
 * recovered; every call is noted, with its time in ms, for the program to
 * announce the new primary. Exit 0: hadrill moves no address of its own.
 */
export function mhaHookScript(): string {
  return [
    '#!/bin/sh',
    'command=""; new=""',
    'for arg; do',
    '  case $arg in',
    '    --command=*) command=${arg#--command=} ;;',
    '    --new_master_host=*) new=${arg#--new_master_host=} ;;',
    '  esac',
    'done',
    `echo "$(date +%s%3N) $command $new" >>${HOOK_FILE}`,
    'exit 0',
    '',
  ].join('\n');
}

/** One call of the hook, as the program reads it back. */
export function parseHookLine(line: string): { at: number; command: string; newMaster: string | null } | null {
  const m = /^(\d+) (\S+)(?: (\S+))?$/.exec(line.trim());
  return m ? { at: Number(m[1]), command: m[2]!, newMaster: m[3] ?? null } : null;
}

/** MHA's own log line, seconds only: "Mon Dec  7 16:30:01 2026 - [info] ...". */
const LINE = /^\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) - \[(\w+)\]\s?(.*)$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An MHA log line: its time (UTC, as the containers run), level and text; null for lines without MHA's prefix. */
export function parseMhaLine(line: string): { at: number; level: string; text: string } | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return null;
  const at = Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return { at, level: m[7]!, text: m[8]! };
}

/** MHA's failover phases, as its log names them (MasterFailover.pm). */
export const MHA_PHASES: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /^\* Phase 1: Configuration Check Phase/, name: 'configuration check' },
  { pattern: /^\* Phase 2: Dead Master Shutdown Phase/, name: 'dead master shutdown' },
  { pattern: /^\* Phase 3: Master Recovery Phase/, name: 'master recovery' },
  { pattern: /^\* Phase 3\.3: Determining New Master Phase/, name: 'selection' },
  { pattern: /^\* Phase 3\.\d+: (New )?Master (Log Apply|Recovery) Phase/, name: 'relay-log apply' },
  { pattern: /^\* Phase 4: Slaves Recovery Phase/, name: 'replicas recovery' },
  { pattern: /^\* Phase 5: New master cleanup phase/, name: 'new master cleanup' },
];

/**
 * What one MHA log line means as a machinery event, or null: the first
 * failed ping (the primary unhealthy), the master declared dead (detection),
 * each failover phase, a failed failover. The promotion itself is taken from
 * the hook's call (ms, not MHA's seconds), see parseHookLine.
 */
export function mhaEvent(line: string, primary: string): ManagerEvent | MhaPhaseEvent | null {
  const parsed = parseMhaLine(line);
  if (!parsed) return null;
  const { at, text, level } = parsed;
  if (/^Got error on MySQL (select|connect|insert) ping|^Got timeout on MySQL Ping\(/.test(text)) return { t: 'primary-unhealthy', at, primary, failures: 1, error: text };
  if (/^Master is not reachable from health checker!/.test(text)) return { t: 'primary-unhealthy', at, primary, failures: 1, error: text };
  if (/^Master .* is dead!|^Master failover to .* started|Master is down!/.test(text)) return { t: 'failure-detected', at, primary };
  // "* Phase 3: Master Recovery Phase completed." ends a phase: only its start is one.
  const phase = text.includes('completed') ? undefined : MHA_PHASES.find((p) => p.pattern.test(text));
  if (phase) return { t: 'mha-phase', at, phase: phase.name, line: text };
  if (level === 'error' && /failover/i.test(text)) return { t: 'failover-failed', at, error: text };
  return null;
}

/** The line MHA logs once its checks passed and it watches the primary. */
export function isMonitoringLine(line: string): boolean {
  return /Ping\((SELECT|CONNECT|INSERT)\) succeeded, waiting until MySQL doesn't respond/.test(line);
}

/** A phase of MHA's failover began (seconds, as MHA logs). */
export interface MhaPhaseEvent {
  t: 'mha-phase';
  at: number;
  phase: string;
  line: string;
}
