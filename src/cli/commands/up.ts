import { callSummary, up } from '../../core/stack-ops.js';
import type { GlobalOptions } from '../options.js';
import { renderOutputs, renderSummary } from '../render.js';
import { info, json, result, withSession } from '../run.js';

export default async function upCommand(opts: GlobalOptions): Promise<number> {
  return withSession(opts, async (session, reporter) => {
    const res = await up(session, reporter);
    reporter.close();
    if (opts.json) {
      json({ ok: true, command: 'up', changes: res.plan.changes.filter((c) => c.action !== 'no-op'), summary: res.result, outputs: res.outputs, awsCalls: callSummary(session) });
    } else {
      info(renderSummary('Up', res.result));
      result(renderOutputs(res.outputs));
    }
    return 0;
  });
}
