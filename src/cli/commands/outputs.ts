import { deployedOutputs } from '../../core/stack-ops.js';
import type { GlobalOptions } from '../options.js';
import { renderOutputs } from '../render.js';
import { json, result, withSession } from '../run.js';

export default async function outputsCommand(opts: GlobalOptions): Promise<number> {
  return withSession(opts, async (session, reporter) => {
    const outputs = await deployedOutputs(session, reporter);
    reporter.close();
    if (opts.json) json(outputs);
    else result(renderOutputs(outputs));
    return 0;
  }, { code: false });
}
