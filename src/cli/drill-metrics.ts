// A drill's metrics (--metrics-listen, --metrics-textfile, --pushgateway):
// every flag checked and the endpoint listening before the drill creates
// anything; the run followed from the moment it is up; at the end, the
// outcome written, pushed, and served until Prometheus has scraped it once.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HadrillError } from '../core/errors.js';
import type { EventSink } from '../core/engine-events.js';
import { renderText } from '../core/metrics/exposition.js';
import { RunMetrics } from '../core/metrics/hadrill-metrics.js';
import { parseListenAddress } from '../core/metrics/listen-address.js';
import type { Report } from '../core/report/report-model.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { followRun, type RunFollower } from '../engine/metrics-follow.js';
import { checkPushgatewayUrl, pushOutcome } from '../engine/metrics-push.js';
import { startMetricsServer, type MetricsServer } from '../engine/metrics-server.js';
import { checkTextfileTarget, writeMetricsTextfile } from '../engine/metrics-textfile.js';
import type { RunState } from '../engine/run-store.js';

export interface DrillMetricsFlags {
  metricsListen?: string;
  metricsTextfile?: string;
  pushgateway?: string;
}

/** How long a drill that was scraped waits, after its verdict, for the scrape that carries it. */
export const LAST_SCRAPE_WAIT_MS = 15_000;

export class DrillMetrics {
  private readonly metrics = new RunMetrics();
  private follower: RunFollower | null = null;
  private readonly startedAt = Date.now();

  private constructor(
    private readonly flags: DrillMetricsFlags,
    private readonly server: MetricsServer | null,
    private readonly runtime: ContainerRuntime,
    private readonly emit: EventSink,
  ) {}

  /** Null when no metrics flag was given. Throws a usage error (exit 2) for a bad flag or an address that cannot be listened on. */
  static async start(flags: DrillMetricsFlags, repeat: number, runtime: ContainerRuntime, emit: EventSink): Promise<DrillMetrics | null> {
    if (flags.metricsListen === undefined && flags.metricsTextfile === undefined && flags.pushgateway === undefined) return null;
    if (repeat > 1) {
      throw new HadrillError('usage', '--metrics-listen, --metrics-textfile and --pushgateway do not go with --repeat: each repetition would overwrite the last one\'s figures.', {
        hint: 'Drill once per invocation when exporting metrics; repeat.json keeps the distribution of a --repeat.',
      });
    }
    if (flags.metricsTextfile !== undefined) checkTextfileTarget(flags.metricsTextfile);
    if (flags.pushgateway !== undefined) checkPushgatewayUrl(flags.pushgateway);
    const address = flags.metricsListen === undefined ? null : parseListenAddress(flags.metricsListen);
    const self: { current: DrillMetrics | null } = { current: null };
    const server = address ? await startMetricsServer(address, () => renderText(self.current?.metrics.families() ?? [])) : null;
    self.current = new DrillMetrics(flags, server, runtime, emit);
    if (server) emit({ type: 'info', text: `Serving Prometheus metrics at ${server.url}${address?.loopback ? '' : ' (reachable from other machines)'}` });
    return self.current;
  }

  /** Given to the drill: it calls this once the topology is up. */
  readonly onUp = (state: RunState): void => {
    if (this.server) this.follower = followRun(state, this.runtime, this.metrics);
  };

  /** The drill's events, passed on; when the agents are paused for the final read the topology is no longer read (it is then paused or torn down). */
  events(sink: EventSink): EventSink {
    return (event) => {
      if (event.type === 'phase.start' && event.phase === 'quiesce') this.follower?.freezeTopology();
      sink(event);
    };
  }

  /** After the drill: the outcome written, pushed and served until Prometheus scraped it (when it was scraping). */
  async finish(report: Report): Promise<void> {
    try {
      this.follower?.stop();
      this.metrics.setReport(report);
      await this.export(report);
      if (this.server && this.server.scrapes() > 0) {
        this.emit({ type: 'info', text: `Serving the verdict at ${this.server.url} until Prometheus scrapes it (at most ${LAST_SCRAPE_WAIT_MS / 1000} s)` });
        if (!(await this.server.nextScrape(LAST_SCRAPE_WAIT_MS))) this.emit({ type: 'warn', text: `no scrape of ${this.server.url} came within ${LAST_SCRAPE_WAIT_MS / 1000} s of the verdict: Prometheus has the live figures but not the outcome` });
      }
    } finally {
      await this.server?.close();
    }
  }

  /** After a drill that ended early: the incomplete report it left, if it left one, is exported; the endpoint closes at once. */
  async abandon(reportDir: string): Promise<void> {
    try {
      this.follower?.stop();
      const report = this.reportLeftIn(reportDir);
      if (report) await this.export(report);
    } finally {
      await this.server?.close();
    }
  }

  private async export(report: Report): Promise<void> {
    if (this.flags.metricsTextfile !== undefined) {
      try {
        writeMetricsTextfile(this.flags.metricsTextfile, report);
      } catch (error) {
        this.emit({ type: 'warn', text: `could not write --metrics-textfile ${this.flags.metricsTextfile}: ${(error as Error).message}` });
      }
    }
    if (this.flags.pushgateway !== undefined) {
      const problem = await pushOutcome(this.flags.pushgateway, report);
      if (problem) this.emit({ type: 'warn', text: problem });
    }
  }

  private reportLeftIn(reportDir: string): Report | null {
    const file = join(reportDir, 'report.json');
    try {
      // Only this drill's report: an older one would export another drill's verdict.
      if (!existsSync(file) || statSync(file).mtimeMs < this.startedAt) return null;
      return JSON.parse(readFileSync(file, 'utf8')) as Report;
    } catch {
      return null;
    }
  }
}
