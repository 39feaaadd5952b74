// The port through which hadrill drives containers. It speaks hadrill's own
// types, so the core and its tests never see dockerode's.
import type { ArchiveFile } from './tar-archive.js';
import type { ContainerLimits } from '../core/plan/container-limits.js';

export interface NetworkSpec {
  name: string;
  subnet: string;
  gateway: string;
  labels: Record<string, string>;
}

export interface NetworkInfo {
  id: string;
  name: string;
  subnets: string[];
  labels: Record<string, string>;
}

export interface ContainerSpec {
  name: string;
  image: string;
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  networks: { network: string; ip: string }[];
  capAdd: string[];
  capDrop: string[];
  sysctls: Record<string, string>;
  binds: string[];
  /** Memory and process ceilings; every container hadrill creates has them (a test's bystander may not). */
  limits?: ContainerLimits;
  /** Put into the container after it is created and before it starts. */
  files: ArchiveFile[];
}

/** A throwaway container joined to another's network namespace (a helper). */
export type OneShotSpec = Pick<ContainerSpec, 'name' | 'image' | 'cmd' | 'env' | 'labels' | 'capAdd'> & { networkMode: string };

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  labels: Record<string, string>;
  /** network name -> IPv4 address */
  ips: Record<string, string>;
  /** bridge, host, none, a network's name, or container:ID. */
  networkMode?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
}

export interface ContainerRuntime {
  info(): Promise<EngineInfo>;
  imageExists(image: string): Promise<boolean>;

  createNetwork(spec: NetworkSpec): Promise<void>;
  listNetworks(labels?: Record<string, string>): Promise<NetworkInfo[]>;
  removeNetwork(name: string): Promise<void>;

  /** Creates the container, attaches every network with its fixed address (or one the engine picks, for an empty one), starts it. */
  run(spec: ContainerSpec): Promise<void>;
  /** Runs a throwaway container to completion and returns its output (removed afterwards). */
  runOnce(spec: OneShotSpec, timeoutMs: number): Promise<ExecResult>;
  list(labels: Record<string, string>): Promise<ContainerInfo[]>;
  exec(container: string, cmd: string[], timeoutMs?: number): Promise<ExecResult>;
  /** Starts a process in the container and returns without waiting for it (a daemon inside the container). */
  spawn(container: string, cmd: string[]): Promise<void>;
  start(container: string): Promise<void>;
  kill(container: string, signal?: string): Promise<void>;
  pause(container: string): Promise<void>;
  unpause(container: string): Promise<void>;
  remove(container: string): Promise<void>;
  logs(container: string): Promise<string>;
}
