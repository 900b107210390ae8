import { createInterface } from 'node:readline/promises';
import { UserError } from '../../errors.js';
import { callSummary, down } from '../../core/stack-ops.js';
import type { Plan } from '../../engine/types.js';
import type { GlobalOptions } from '../options.js';
import { renderPlan, renderSummary } from '../render.js';
import { info, json, withSession } from '../run.js';

async function askOnTerminal(plan: Plan): Promise<boolean> {
  info(renderPlan(plan));
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Delete these resources? This cannot be undone. Type "yes" to confirm: ');
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

export default async function downCommand(opts: GlobalOptions): Promise<number> {
  return withSession(opts, async (session, reporter) => {
    const confirm = async (plan: Plan): Promise<boolean> => {
      if (opts.yes) return true;
      if (!process.stdin.isTTY || !process.stderr.isTTY) {
        throw new UserError('Refusing to delete resources without confirmation in a non-interactive session.', { exitCode: 2, hint: 'Pass --yes to confirm.' });
      }
      reporter.close();
      return askOnTerminal(plan);
    };
    const res = await down(session, reporter, confirm);
    reporter.close();
    if (opts.json) {
      json({ ok: true, command: 'down', changes: res.plan.changes.filter((c) => c.action !== 'no-op'), summary: res.result ?? null, awsCalls: callSummary(session) });
    } else if (!res.result) {
      info(`Nothing to delete: no resource of ${session.config.project}/${session.config.environment} exists in ${session.config.region}.`);
    } else {
      info(renderSummary('Down', res.result));
      const foreign = res.plan.changes.filter((c) => c.action === 'conflict');
      if (foreign.length) info(`Left alone (not ours): ${foreign.map((c) => c.name).join(', ')}`);
    }
    return 0;
  }, { code: false });
}
