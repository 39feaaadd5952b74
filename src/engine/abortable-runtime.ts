// The runtime a drill works through. Once the drill is interrupted it refuses
// every new call, so nothing the drill was about to create can appear after
// the teardown has listed what to remove; and it knows which calls are still
// in flight, so the teardown can wait for them first.
import type { ContainerRuntime, ContainerSpec, NetworkSpec, OneShotSpec } from '../runtime/container-runtime.js';

export class AbortableRuntime implements ContainerRuntime {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: ContainerRuntime,
    private readonly signal: AbortSignal,
  ) {}

  /** Resolves once every call made before the interruption has returned (or after `timeoutMs`). */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), late]);
    clearTimeout(timer);
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason as Error);
    const pending = work();
    this.inFlight.add(pending);
    void pending.then(
      () => this.inFlight.delete(pending),
      () => this.inFlight.delete(pending),
    );
    return pending;
  }

  info = () => this.call(() => this.inner.info());
  imageExists = (image: string) => this.call(() => this.inner.imageExists(image));
  createNetwork = (spec: NetworkSpec) => this.call(() => this.inner.createNetwork(spec));
  listNetworks = (labels?: Record<string, string>) => this.call(() => this.inner.listNetworks(labels));
  removeNetwork = (name: string) => this.call(() => this.inner.removeNetwork(name));
  run = (spec: ContainerSpec) => this.call(() => this.inner.run(spec));
  runOnce = (spec: OneShotSpec, timeoutMs: number) => this.call(() => this.inner.runOnce(spec, timeoutMs));
  list = (labels: Record<string, string>) => this.call(() => this.inner.list(labels));
  exec = (container: string, cmd: string[], timeoutMs?: number) => this.call(() => this.inner.exec(container, cmd, timeoutMs));
  spawn = (container: string, cmd: string[]) => this.call(() => this.inner.spawn(container, cmd));
  start = (container: string) => this.call(() => this.inner.start(container));
  kill = (container: string, signal?: string) => this.call(() => this.inner.kill(container, signal));
  pause = (container: string) => this.call(() => this.inner.pause(container));
  unpause = (container: string) => this.call(() => this.inner.unpause(container));
  remove = (container: string) => this.call(() => this.inner.remove(container));
  logs = (container: string) => this.call(() => this.inner.logs(container));
}
