// --metrics-listen ADDR: where the metrics endpoint listens. A port alone
// (9464 or :9464) means loopback, so a drill never exposes anything beyond the
// machine by default; another host is used only when it is written out
// (0.0.0.0:9464, 192.0.2.7:9464, [::]:9464), which is the user's explicit
// choice to let other machines scrape it.
import { HadrillError } from '../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
  /** Whether only this machine can reach it. */
  loopback: boolean;
}

const HINT = 'Write a port (9464, which listens on 127.0.0.1) or host:port (127.0.0.1:9464, 0.0.0.0:9464, [::1]:9464).';

export function parseListenAddress(text: string): ListenAddress {
  const trimmed = text.trim();
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]*):)?(\d+)$/.exec(trimmed);
  if (!match) throw new HadrillError('usage', `--metrics-listen ${text}: not an address.`, { hint: HINT });
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new HadrillError('usage', `--metrics-listen ${text}: the port must be from 1 to 65535.`, { hint: HINT });
  const written = match[1] ?? '';
  const host = written === '' ? '127.0.0.1' : written.startsWith('[') ? written.slice(1, -1) : written;
  if (!/^[a-zA-Z0-9.:-]+$/.test(host)) throw new HadrillError('usage', `--metrics-listen ${text}: ${host} is not a host name or address.`, { hint: HINT });
  return { host, port, loopback: isLoopback(host) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
}

/** host:port as a URL's authority (IPv6 in brackets). */
export function authority(address: { host: string; port: number }): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}
