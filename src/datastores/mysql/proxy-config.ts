// The HAProxy of a MySQL group's proxy route: its configuration, written from
// the scenario, and the lines of its own log that say a node was marked up or
// down. Pure: the program in inside/proxy/ runs HAProxy with it, the host
// reads the events it logged.

/** What the proxy program in a container is given. */
export interface ProxyConfig {
  group: string;
  /** This proxy's container name, as the report names it. */
  proxy: string;
  listenPort: number;
  /** Every node of the group, in the scenario's order: with `balance first`, the first one up takes every connection. */
  servers: { name: string; host: string; port: number }[];
  checkIntervalMs: number;
  fall: number;
  rise: number;
  /** The workload's user: it may read @@global.read_only, and nothing a proxy should not. */
  checkUser: string;
  checkPassword: string;
  eventsFile: string;
}

/** A node the proxy marked up (it will send new connections there) or down (it cut its sessions). */
export type ProxyEvent =
  | { t: 'proxy-started'; at: number; proxy: string }
  | { t: 'proxy-marked'; at: number; proxy: string; node: string; state: 'up' | 'down'; reason: string }
  | { t: 'proxy-exited'; at: number; proxy: string; code: number | null };

/** Where the check script and its credentials live in the proxy's container. */
export const CHECK_SCRIPT = '/run/hadrill-proxy/writable-check';
export const CHECK_CREDENTIALS = '/run/hadrill-proxy/check.cnf';

/**
 * haproxy.cfg. The check is external: HAProxy's own mysql-check only logs in
 * and so passes a read-only replica; this one asks each node whether it
 * takes writes. `on-marked-down shutdown-sessions` cuts the clients of a node
 * marked down, so they reconnect to the new writer instead of hanging on the
 * old one until a timeout.
 */
export function haproxyConfig(c: ProxyConfig): string {
  const servers = c.servers.map((s) => `  server ${s.name} ${s.host}:${s.port} check`);
  return [
    'global',
    '  external-check',
    '  insecure-fork-wanted',
    '  maxconn 2000',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 2s',
    '  timeout client 1h',
    '  timeout server 1h',
    // With no check timeout HAProxy waits `inter` for a check; a node that lost power answers nothing.
    `  timeout check ${Math.max(500, c.checkIntervalMs)}ms`,
    '',
    'listen writer',
    `  bind 0.0.0.0:${c.listenPort}`,
    '  balance first',
    '  option external-check',
    `  external-check command ${CHECK_SCRIPT}`,
    '  external-check path "/usr/bin:/bin"',
    `  default-server inter ${c.checkIntervalMs}ms fall ${c.fall} rise ${c.rise} on-marked-down shutdown-sessions`,
    ...servers,
    '',
  ].join('\n');
}

/**
 * The external check: HAProxy passes the server's address and port as its
 * third and fourth arguments; exit 0 only when the node answers that it
 * takes writes.
 */
export function checkScript(connectTimeoutS: number): string {
  return [
    '#!/bin/sh',
    `ro=$(mariadb --defaults-extra-file=${CHECK_CREDENTIALS} --connect-timeout=${connectTimeoutS} -h "$3" -P "$4" -N -B -e 'SELECT @@global.read_only' 2>/dev/null) || exit 1`,
    '[ "$ro" = 0 ]',
    '',
  ].join('\n');
}

/** The client's option file: the password stays out of every command line. */
export function checkCredentials(c: ProxyConfig): string {
  const quote = (v: string): string => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `[client]\nuser=${quote(c.checkUser)}\npassword=${quote(c.checkPassword)}\n`;
}

/**
 * One line of HAProxy's log as an event: "Server writer/db2 is UP, reason:
 * External check passed, ..." and "... is DOWN, reason: ...". Other lines
 * give null.
 */
export function parseProxyLine(line: string, proxy: string, at: number): ProxyEvent | null {
  const m = /Server writer\/(\S+) is (UP|DOWN)(?:, reason: ([^,]+))?/.exec(line);
  if (!m) return null;
  return { t: 'proxy-marked', at, proxy, node: m[1]!, state: m[2] === 'UP' ? 'up' : 'down', reason: (m[3] ?? '').trim() };
}
