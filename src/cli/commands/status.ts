import { status } from '../../core/stack-ops.js';
import type { GlobalOptions } from '../options.js';
import { renderStatus } from '../render.js';
import { info, json, result, withSession } from '../run.js';

export default async function statusCommand(opts: GlobalOptions): Promise<number> {
  return withSession(opts, async (session, reporter) => {
    const rows = await status(session, reporter);
    reporter.close();
    const c = session.config;
    if (opts.json) {
      json({ ok: true, command: 'status', project: c.project, environment: c.environment, region: c.region, endpointUrl: c.endpointUrl, resources: rows });
    } else {
      info(`Stack ${c.project}/${c.environment} in ${c.region}${c.endpointUrl ? ` at ${c.endpointUrl}` : ''}`);
      result(renderStatus(rows));
      const bad = rows.filter((r) => r.state !== 'ok').length;
      info(bad === 0 ? 'All resources exist and match the configuration.' : `${bad} resource(s) need \`projet1 up\` (see STATE).`);
    }
    return 0;
  });
}
