// `down` and the user pool (auth.users): the pool holds the accounts, as the table holds the catalog, so
// it follows the table's rule: refused while its deletion protection is on (outside development by
// default), before anything is deleted, with the way out. No backup exists for a pool's accounts.
import type { Change } from '../engine/types.js';
import { EXIT, UserError } from '../errors.js';
import { cognitoUserPool } from '../resources/cognito-user-pool.js';

export function refuseProtectedPools(toDelete: Change[], observed: Map<string, unknown>): void {
  for (const c of toDelete) {
    if (c.type !== cognitoUserPool.type || c.action !== 'delete') continue;
    const seen = observed.get(c.id);
    const isProtected =
      typeof seen === 'object' && seen !== null && 'deletionProtection' in seen && seen.deletionProtection === true;
    if (!isProtected) continue;
    throw new UserError(`User pool ${c.name} has deletion protection on; nothing was deleted.`, {
      exitCode: EXIT.conflict,
      hint: 'It is on by default outside the "development" environment. Deleting it deletes every account in it: to do so, set "auth": { "deletionProtection": false } in projet1.config.json, run `projet1 up`, then `projet1 down`.',
    });
  }
}
