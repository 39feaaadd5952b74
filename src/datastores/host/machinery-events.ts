// What hadrill's machinery processes logged, read from the run's directory
// on the host: a manager's or restore manager's events, and the cold backups
// a writer's supervisor took. Any kind whose groups run that machinery reads
// them here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManagerEvents } from '../../core/manager-log.js';
import type { BackupEvent, ManagerEvent } from '../../core/plan/runtime-configs.js';
import { initialWriter } from '../../core/scenario/scenario.js';
import type { GroupContext } from './group-engine.js';
import type { ContainerPlan } from '../../core/plan/topology-plan.js';
import type { ProxyEvent } from '../mysql/proxy-config.js';

/** The machinery that announces the group's writer: hadrill's manager, MHA's (through hadrill's announcement beside it), or a cold backup's restore manager. */
export function announcerOf(ctx: Pick<GroupContext, 'machinery'>): ContainerPlan | undefined {
  return ctx.machinery.find((c) => c.kind === 'manager' || c.kind === 'mha' || c.kind === 'restore');
}

/** The announcer's event log, in the run's directory. */
export function machineryEvents(ctx: GroupContext): ManagerEvent[] {
  const node = announcerOf(ctx);
  return node ? parseManagerEvents(readEvents(ctx.runDir, node.node)) : [];
}

/** What the proxies of the group's proxy route logged: every node they marked up or down. */
export function proxyEvents(ctx: GroupContext): ProxyEvent[] {
  return ctx.machinery.filter((c) => c.kind === 'proxy').flatMap((c) => eventsOf<ProxyEvent>(ctx, c.node));
}

/** The cold backups the writer's supervisor took, and the restore manager's promotions naming the backup each restored (their logs are in the run's directory). */
export function backupEvents(ctx: GroupContext): BackupEvent[] {
  if (ctx.group.backup === null) return [];
  const writer = initialWriter(ctx.group);
  const restore = ctx.machinery.find((c) => c.kind === 'restore');
  const taken = writer ? eventsOf(ctx, writer.name).filter((e) => e.t === 'backup') : [];
  const restored = restore ? eventsOf(ctx, restore.node).filter((e) => e.t === 'promoted') : [];
  return [...taken, ...restored];
}

function eventsOf<E = BackupEvent>(ctx: GroupContext, node: string): E[] {
  return readEvents(ctx.runDir, node)
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as E];
      } catch {
        return [];
      }
    });
}

function readEvents(runDir: string, node: string): string {
  const file = join(runDir, node, 'events.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
