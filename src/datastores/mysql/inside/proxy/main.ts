// An HAProxy of a group's proxy route: writes its configuration and check
// script, runs HAProxy in the foreground, and logs every node it marks up or
// down as an event (stamped as the line arrives), so the report can show the
// proxy's reroute as a phase of its own.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { readConfigFile } from '../../../../config-file.js';
import { eventLog } from '../../../inside/program-support.js';
import { CHECK_CREDENTIALS, CHECK_SCRIPT, checkCredentials, checkScript, haproxyConfig, parseProxyLine, type ProxyConfig, type ProxyEvent } from '../../proxy-config.js';

const config = readConfigFile<ProxyConfig>('HADRILL_CONFIG_FILE', 'hadrill proxy');
const emit = eventLog<ProxyEvent>(config.eventsFile);
const cfg = '/run/hadrill-proxy/haproxy.cfg';
mkdirSync(dirname(cfg), { recursive: true, mode: 0o700 });
writeFileSync(CHECK_CREDENTIALS, checkCredentials(config), { mode: 0o600 });
writeFileSync(CHECK_SCRIPT, checkScript(Math.max(1, Math.ceil(config.checkIntervalMs / 1000))), { mode: 0o700 });
writeFileSync(cfg, haproxyConfig(config), { mode: 0o600 });

// -db: foreground, its alerts and warnings (every server state change) on stderr.
const haproxy = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
emit({ t: 'proxy-started', at: Date.now(), proxy: config.proxy });
for (const stream of [haproxy.stdout, haproxy.stderr]) {
  createInterface({ input: stream }).on('line', (line) => {
    process.stderr.write(line + '\n');
    const event = parseProxyLine(line, config.proxy, Date.now());
    if (event) emit(event);
  });
}
haproxy.on('exit', (code) => {
  emit({ t: 'proxy-exited', at: Date.now(), proxy: config.proxy, code });
  process.exit(code ?? 1);
});
process.on('SIGTERM', () => haproxy.kill('SIGTERM'));
