import { UserError } from '../../errors.js';
import { rotateAdminToken, showAdminToken } from '../../core/admin-token.js';
import type { GlobalOptions } from '../options.js';
import { info, json, result, withSession } from '../run.js';

/** `projet1 admin-token show|rotate`: the credential for POST/PUT/DELETE. Printed on stdout only. */
export default async function adminTokenCommand(opts: GlobalOptions, args: string[]): Promise<number> {
  const action = args[0];
  if (action !== 'show' && action !== 'rotate') {
    throw new UserError(`Unknown admin-token action "${action ?? ''}".`, { exitCode: 2, hint: 'Use `projet1 admin-token show` or `projet1 admin-token rotate`.' });
  }
  return withSession(
    opts,
    async (session) => {
      if (action === 'show') {
        const t = await showAdminToken(session);
        if (opts.json) json({ ok: true, ...t });
        else result(t.token);
        return 0;
      }
      const t = await rotateAdminToken(session);
      if (opts.json) json({ ok: true, ...t });
      else {
        result(t.token);
        info(`Rotated ${t.parameter}. The old token stops working within ${t.effectiveWithinSeconds}s (api.tokenCacheSeconds).`);
      }
      return 0;
    },
    { code: false },
  );
}
