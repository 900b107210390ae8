import { EXIT } from '../../errors.js';
import { planHasChanges } from '../../engine/types.js';
import { callSummary, plan } from '../../core/stack-ops.js';
import type { GlobalOptions } from '../options.js';
import { renderPlan } from '../render.js';
import { json, result, withSession } from '../run.js';

export default async function planCommand(opts: GlobalOptions): Promise<number> {
  return withSession(opts, async (session, reporter) => {
    const p = await plan(session, opts.destroy ? 'destroy' : 'apply', reporter);
    reporter.close();
    const changed = planHasChanges(p);
    if (opts.json) json({ ok: true, command: 'plan', mode: p.mode, hasChanges: changed, changes: p.changes, awsCalls: callSummary(session) });
    else result(renderPlan(p));
    return opts.exitCode && changed ? EXIT.changes : EXIT.ok;
  });
}
