// Before an attached run touches anything: what it will touch, shown, and a
// yes: `--yes`, or an answer on a terminal. Off a terminal without `--yes`
// it stops with exit 2 and nothing touched.
import { createInterface } from 'node:readline/promises';
import { HadrillError } from '../core/errors.js';
import type { Scenario } from '../core/scenario/scenario.js';
import { attachPlanText, requireConsent, resolveAttach } from '../engine/attach.js';
import type { Context } from './context.js';

/** The attach plan's text (null for a scenario that builds its own topology). */
export async function attachPlan(c: Context, scenario: Scenario): Promise<string | null> {
  if (!scenario.attach) return null;
  return attachPlanText(scenario, await resolveAttach(scenario, c.runtime), c.options.run ?? scenario.name);
}

export async function confirmAttach(c: Context, scenario: Scenario, yes: boolean): Promise<void> {
  const plan = await attachPlan(c, scenario);
  if (plan === null) return;
  process.stderr.write(plan + '\n');
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY);
  requireConsent(scenario, yes, interactive);
  if (yes) return;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question('Go ahead? [y/N] ');
    if (!/^y(es)?$/i.test(answer.trim())) throw new HadrillError('usage', 'Not confirmed: nothing was touched.', { hint: 'Pass --yes to go ahead without being asked.' });
  } finally {
    prompt.close();
  }
}
