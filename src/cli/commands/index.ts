import type { Command } from 'commander';
import type { Context } from '../context.js';
import { registerCheck } from './check.js';
import { registerCompose } from './compose.js';
import { registerDoctor } from './doctor.js';
import { registerDown } from './down.js';
import { registerDrill } from './drill.js';
import { registerFaults } from './faults.js';
import { registerImages } from './images.js';
import { registerStatus } from './status.js';
import { registerUp } from './up.js';
import { registerValidate } from './validate.js';

export type ContextFactory = () => Context;

export function registerCommands(program: Command, ctx: ContextFactory): void {
  for (const register of [registerDrill, registerUp, registerStatus, registerFaults, registerCheck, registerDown, registerDoctor, registerImages, registerValidate, registerCompose]) {
    register(program, ctx);
  }
}
