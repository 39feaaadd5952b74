// A run's WAN as the link-precision tests see it, whatever carries it: one
// host per IDC at the planner's address (a network namespace in User-Mode
// Linux, a container in Docker), the router between them, and a way to apply
// and heal faults through hadrill's own code.
import type { FaultSpec } from '../../src/core/faults.js';
import type { Link, WanMechanism } from '../../src/core/links.js';
import type { ContainerPlan, TopologyPlan } from '../../src/core/plan/topology-plan.js';

export interface LabHost {
  idc: string;
  ip: string;
  /** The plan's container this host stands for. */
  container: ContainerPlan;
}

export interface LabResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WanLab {
  mechanism: WanMechanism;
  hosts: LabHost[];
  /** Every link's configured baseline. */
  baseline: Link[];
  /** Runs a command on an IDC's host. */
  exec(idc: string, argv: string[], timeoutMs?: number): Promise<LabResult>;
  /** Runs a command in the router. */
  routerExec(argv: string[]): Promise<LabResult>;
  /** The router's interface in each IDC. */
  legs: Record<string, string>;
  apply(spec: FaultSpec): Promise<void>;
  /** Heals every fault applied. */
  heal(): Promise<void>;
  /** The router's shaping and filtering state, as text: a heal must bring back exactly the state before the fault. */
  routerState(): Promise<string>;
}

/** The host that stands for each IDC: its first container running hadrill's image. */
export function labHosts(plan: TopologyPlan): LabHost[] {
  return plan.networks.map((n) => {
    const container = plan.containers.find((c) => c.idc === n.idc && c.ownImage && c.kind !== 'router');
    if (!container) throw new Error(`The plan has no container of hadrill's image in ${n.idc}`);
    return { idc: n.idc, ip: container.ip, container };
  });
}

export function hostOf(lab: WanLab, idc: string): LabHost {
  const host = lab.hosts.find((h) => h.idc === idc);
  if (!host) throw new Error(`No host in ${idc}`);
  return host;
}
