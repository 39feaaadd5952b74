import type { Command } from 'commander';
import type { Context } from '../context.js';
import { registerCheck } from './check.js';
import { registerCompare } from './compare.js';
import { registerCompose } from './compose.js';
import { registerDoctor } from './doctor.js';
import { registerDown } from './down.js';
import { registerDrill } from './drill.js';
import { registerExplain } from './explain.js';
import { registerFaults } from './faults.js';
import { registerImages } from './images.js';
import { registerInit } from './init.js';
import { registerReport } from './report.js';
import { registerStatus } from './status.js';
import { registerUp } from './up.js';
import { registerValidate } from './validate.js';
import { registerWatch } from './watch.js';

export type ContextFactory = () => Context;

export function registerCommands(program: Command, ctx: ContextFactory): void {
  for (const register of [registerDrill, registerUp, registerStatus, registerWatch, registerFaults, registerCheck, registerDown, registerDoctor, registerImages, registerValidate, registerCompose, registerReport, registerExplain, registerCompare, registerInit]) {
    register(program, ctx);
  }
}
