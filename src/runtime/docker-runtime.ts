// The Docker Engine implementation of ContainerRuntime: the only module that
// talks to dockerode for containers and networks.
import type Docker from 'dockerode';
import { dockerode } from '../client-libraries.js';
import { PassThrough } from 'node:stream';
import { HadrillError } from '../core/errors.js';
import type {
  ContainerInfo,
  ContainerRuntime,
  ContainerSpec,
  ContainerState,
  EngineInfo,
  ExecResult,
  NetworkInfo,
  NetworkSpec,
  OneShotSpec,
} from './container-runtime.js';
import { tarArchive } from './tar-archive.js';
import { HELPER_LIMITS, type ContainerLimits } from '../core/plan/container-limits.js';

/** Tries at removing a network whose endpoints the engine has not let go of yet: about 5 s in all. */
const NETWORK_REMOVAL_ATTEMPTS = 6;
const API_TIMEOUT_MS = 120_000;

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;
  /** How long any one engine call may take before it is an error that names it. */
  private readonly apiTimeoutMs: number;

  constructor(docker?: Docker, options: { apiTimeoutMs?: number } = {}) {
    this.docker = docker ?? new (dockerode())();
    this.apiTimeoutMs = options.apiTimeoutMs ?? API_TIMEOUT_MS;
  }

  async info(): Promise<EngineInfo> {
    const v = await this.call('reach the Docker engine', () => this.docker.version());
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os };
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await withTimeout(this.docker.getImage(image).inspect(), this.apiTimeoutMs, `Docker did not answer within ${this.apiTimeoutMs} ms when asked to inspect image ${image}.`);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.wrap(error, `inspect image ${image}`);
    }
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.call(`create network ${spec.name}`, () =>
      this.docker.createNetwork({
        Name: spec.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        // Said outright: an engine configured to give new networks IPv6 would otherwise give these a way out.
        EnableIPv6: false,
        Labels: spec.labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: spec.subnet, Gateway: spec.gateway }] },
      }),
    );
  }

  async listNetworks(labels?: Record<string, string>): Promise<NetworkInfo[]> {
    const filters: Record<string, string[]> = labels ? { label: labelFilters(labels) } : {};
    const networks = await this.call('list networks', () => this.docker.listNetworks({ filters }));
    return networks.map((n) => ({
      id: n.Id,
      name: n.Name,
      subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => typeof s === 'string'),
      labels: n.Labels ?? {},
    }));
  }

  /**
   * Right after its containers are removed, the engine can still count their
   * endpoints for a moment ("has active endpoints"), so that refusal is
   * retried for a few seconds before it counts.
   */
  async removeNetwork(name: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ignoring404(`remove network ${name}`, () => this.docker.getNetwork(name).remove());
        return;
      } catch (error) {
        if (!/active endpoints/.test((error as Error).message)) throw error;
        if (attempt >= NETWORK_REMOVAL_ATTEMPTS) {
          throw new HadrillError('setup', `${(error as Error).message} (no container is attached to it any more)`, {
            hint:
              "The Docker engine's count of the network's endpoints is out of step with its containers (a known engine bug, moby/moby#42119); " +
              'only a restart of dockerd clears it. hadrill has removed every container of the run; once dockerd has restarted, `hadrill down --all` removes the network.',
            cause: error,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  async run(spec: ContainerSpec): Promise<void> {
    const [first, ...rest] = spec.networks;
    const container = await this.call(`create container ${spec.name}`, () =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd.length > 0 ? spec.cmd : undefined,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        HostConfig: {
          NetworkMode: first?.network ?? 'none',
          CapAdd: spec.capAdd,
          CapDrop: spec.capDrop,
          Sysctls: spec.sysctls,
          Binds: spec.binds,
          ...hardening(spec.limits),
        },
        NetworkingConfig: first ? { EndpointsConfig: { [first.network]: endpoint(first.ip) } } : undefined,
      }),
    );
    if (spec.files.length > 0) {
      await this.call(`put files into ${spec.name}`, () => container.putArchive(tarArchive(spec.files), { path: '/' }));
    }
    for (const net of rest) {
      await this.call(`connect ${spec.name} to ${net.network}`, () =>
        this.docker.getNetwork(net.network).connect({ Container: container.id, EndpointConfig: endpoint(net.ip) }),
      );
    }
    await this.call(`start container ${spec.name}`, () => container.start());
  }

  async runOnce(spec: OneShotSpec, timeoutMs: number): Promise<ExecResult> {
    const container = await this.call(`create container ${spec.name}`, () =>
      this.docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: spec.cmd,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        HostConfig: { NetworkMode: spec.networkMode, CapAdd: spec.capAdd, ...hardening(HELPER_LIMITS) },
      }),
    );
    try {
      await this.call(`start container ${spec.name}`, () => container.start());
      const status = (await withTimeout(container.wait(), timeoutMs, `${spec.name} did not finish within ${timeoutMs} ms`)) as { StatusCode: number };
      const logs = demux((await this.call(`read logs of ${spec.name}`, () => container.logs({ stdout: true, stderr: true, follow: false }))) as unknown as Buffer);
      return { exitCode: status.StatusCode, ...logs };
    } finally {
      // A helper that cannot be removed now carries the run's labels: `down` removes it.
      await this.ignoring404(`remove ${spec.name}`, () => container.remove({ force: true })).catch(() => undefined);
    }
  }

  async list(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const containers = await this.call('list containers', () => this.docker.listContainers({ all: true, filters: { label: labelFilters(labels) } }));
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      image: c.Image,
      state: c.State as ContainerState,
      labels: c.Labels ?? {},
      ips: Object.fromEntries(Object.entries(c.NetworkSettings?.Networks ?? {}).map(([name, n]) => [name, n.IPAddress])),
      networkMode: c.HostConfig?.NetworkMode ?? '',
    }));
  }

  async exec(containerName: string, cmd: string[], timeoutMs = 30_000): Promise<ExecResult> {
    const container = this.docker.getContainer(containerName);
    const exec = await this.call(`exec in ${containerName}`, () => container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true }));
    const stream = await this.call(`exec in ${containerName}`, () => exec.start({ hijack: true, stdin: false }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (b: Buffer) => out.push(b));
    stderr.on('data', (b: Buffer) => err.push(b));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        stream.on('end', () => resolve());
        stream.on('close', () => resolve());
        stream.on('error', reject);
      }),
      timeoutMs,
      `${cmd.join(' ')} in ${containerName} did not finish within ${timeoutMs} ms`,
    );
    const inspected = await this.call(`inspect an exec in ${containerName}`, () => exec.inspect());
    return { exitCode: inspected.ExitCode ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  async spawn(containerName: string, cmd: string[]): Promise<void> {
    const container = this.docker.getContainer(containerName);
    const exec = await this.call(`exec in ${containerName}`, () => container.exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false }));
    const response = (await this.call(`start ${cmd[0] ?? ''} in ${containerName}`, () => exec.start({ Detach: true }))) as unknown;
    // The engine may keep the connection of a detached exec open; nothing more comes on it.
    (response as { destroy?: () => void } | undefined)?.destroy?.();
  }

  async start(name: string): Promise<void> {
    await this.call(`start ${name}`, () => this.docker.getContainer(name).start().catch((e: unknown) => (statusOf(e) === 304 ? undefined : Promise.reject(e))));
  }

  async kill(name: string, signal = 'SIGKILL'): Promise<void> {
    await this.call(`kill ${name}`, () => this.docker.getContainer(name).kill({ signal }));
  }

  async pause(name: string): Promise<void> {
    await this.call(`pause ${name}`, () => this.docker.getContainer(name).pause());
  }

  async unpause(name: string): Promise<void> {
    await this.call(`unpause ${name}`, () => this.docker.getContainer(name).unpause());
  }

  async remove(name: string): Promise<void> {
    await this.ignoring404(`remove ${name}`, () => this.docker.getContainer(name).remove({ force: true, v: true }));
  }

  async logs(name: string): Promise<string> {
    const raw = await this.call(`read logs of ${name}`, () => this.docker.getContainer(name).logs({ stdout: true, stderr: true, follow: false }));
    const { stdout, stderr } = demux(raw as unknown as Buffer);
    return stdout + stderr;
  }

  /** Every engine call has a deadline: a stuck API call becomes an error that names it, never a hung CLI. */
  private async call<T>(what: string, fn: () => Promise<T>, timeoutMs = this.apiTimeoutMs): Promise<T> {
    try {
      return await withTimeout(fn(), timeoutMs, `Docker did not answer within ${timeoutMs} ms when asked to ${what}.`);
    } catch (error) {
      throw this.wrap(error, what);
    }
  }

  private async ignoring404(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await withTimeout(fn(), this.apiTimeoutMs, `Docker did not answer within ${this.apiTimeoutMs} ms when asked to ${what}.`);
    } catch (error) {
      if (statusOf(error) !== 404) throw this.wrap(error, what);
    }
  }

  private wrap(error: unknown, what: string): HadrillError {
    if (error instanceof HadrillError) return error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
      const socket = process.env['DOCKER_HOST'] ?? '/var/run/docker.sock';
      return new HadrillError('environment', `Cannot reach Docker at ${socket} to ${what} (${code}).`, {
        hint: code === 'EACCES' ? 'Run as root or add your user to the docker group.' : 'Is the daemon running? `hadrill doctor --fix` installs and starts it.',
        cause: error,
      });
    }
    const status = statusOf(error);
    const detail = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
    return new HadrillError('setup', `Docker could not ${what}${status ? ` (HTTP ${status})` : ''}: ${detail}`, { cause: error });
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

/**
 * What every container hadrill creates gets: no process in it may gain
 * privileges through a setuid binary or file capabilities (no-new-privileges),
 * and its memory (swap included) and process count stop at a ceiling.
 */
function hardening(limits: ContainerLimits | undefined): { SecurityOpt: string[]; Memory?: number; MemorySwap?: number; PidsLimit?: number } {
  return {
    SecurityOpt: ['no-new-privileges'],
    ...(limits ? { Memory: limits.memoryBytes, MemorySwap: limits.memoryBytes, PidsLimit: limits.pids } : {}),
  };
}

/** Splits Docker's multiplexed log stream (8-byte frame headers) into stdout and stderr. */
function demux(buffer: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const chunk = buffer.subarray(offset + 8, offset + 8 + size);
    (stream === 2 ? err : out).push(chunk);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HadrillError('setup', message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A fixed address, or (empty) one the network's own allocator picks: hadrill's agents on a network it did not make. */
function endpoint(ip: string): { IPAMConfig?: { IPv4Address: string } } {
  return ip ? { IPAMConfig: { IPv4Address: ip } } : {};
}
