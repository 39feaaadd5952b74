// hadrill's container port over a User-Mode Linux guest: each of the plan's
// containers that the guest lays out is a network namespace, and exec runs
// the command there, argv unchanged. That is all the engine's WAN set-up and
// link faults ask of a runtime; anything else is refused loudly.
import type { ContainerRuntime, ExecResult } from '../../src/runtime/container-runtime.js';
import type { UmlGuest } from './uml-guest.js';

export class UmlNamespaces implements ContainerRuntime {
  /** Every command run, in order, with the namespace it ran in. */
  readonly log: { namespace: string; argv: string[]; exitCode: number }[] = [];

  constructor(
    private readonly guest: UmlGuest,
    /** container name -> namespace */
    private readonly namespaces: Map<string, string>,
  ) {}

  async exec(container: string, cmd: string[], timeoutMs?: number): Promise<ExecResult> {
    const namespace = this.namespaces.get(container);
    if (!namespace) throw new Error(`${container} is not laid out in the User-Mode Linux guest`);
    const result = await this.guest.exec(namespace, cmd, timeoutMs);
    this.log.push({ namespace, argv: cmd, exitCode: result.code });
    return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr };
  }

  info(): never {
    return unsupported('info');
  }
  imageExists(): never {
    return unsupported('imageExists');
  }
  createNetwork(): never {
    return unsupported('createNetwork');
  }
  listNetworks(): never {
    return unsupported('listNetworks');
  }
  removeNetwork(): never {
    return unsupported('removeNetwork');
  }
  run(): never {
    return unsupported('run');
  }
  runOnce(): never {
    return unsupported('runOnce');
  }
  list(): never {
    return unsupported('list');
  }
  spawn(): never {
    return unsupported('spawn');
  }
  start(): never {
    return unsupported('start');
  }
  kill(): never {
    return unsupported('kill');
  }
  pause(): never {
    return unsupported('pause');
  }
  unpause(): never {
    return unsupported('unpause');
  }
  remove(): never {
    return unsupported('remove');
  }
  logs(): never {
    return unsupported('logs');
  }
}

function unsupported(method: string): never {
  throw new Error(`The User-Mode Linux lab has no containers: ${method}() is not available there`);
}
