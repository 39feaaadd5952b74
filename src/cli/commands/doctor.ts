import type { Command } from 'commander';
import { doctor } from '../../engine/doctor.js';
import type { ContextFactory } from './index.js';

export function registerDoctor(program: Command, ctx: ContextFactory): void {
  program
    .command('doctor')
    .description('check Docker, the image, debootstrap and the kernel (netem, iptables); --fix repairs what it can')
    .option('--fix', 'as root on Debian: install docker.io and debootstrap, start dockerd, build the image')
    .action(async (opts: { fix?: boolean }) => {
      const c = ctx();
      const checks = await doctor(c.runtime, { fix: Boolean(opts.fix), emit: c.output.events });
      const ok = checks.every((check) => check.ok);
      process.exitCode = ok ? 0 : 2;
      if (c.output.json) return c.output.printJson({ ok, checks });
      const color = c.output.color;
      for (const check of checks) {
        c.output.print(`${check.ok ? color.green('ok  ') : color.red('FAIL')} ${check.name.padEnd(14)} ${check.detail}`);
        if (check.fix) c.output.print(`     ${''.padEnd(14)} fix: ${check.fix}`);
      }
      c.output.print(ok ? '\nReady for drills.' : '\nNot ready: apply the fixes above (or `hadrill doctor --fix`).');
    });
}
