// `projet1 admin-token show|rotate`: the credential for POST/PUT/DELETE, on stdout only.
import { rotateAdminToken, showAdminToken } from '../../core/admin-token.js';
import type { Handler } from '../spec.js';

export const show: Handler<'stack'> = async ({ session, io }) => {
  const t = await showAdminToken(session);
  io.result({ ...t }, t.token);
  return 0;
};

export const rotate: Handler<'stack'> = async ({ session, io }) => {
  const t = await rotateAdminToken(session, io);
  io.result({ ...t }, t.token);
  io.info(
    `Rotated ${t.parameter}: the new token works now; the old one stops working within ${t.effectiveWithinSeconds}s (api.tokenCacheSeconds).`,
  );
  if (t.originSecret)
    io.info(
      `Rotated ${t.originSecret} too: the distribution sends the new origin secret once its change is deployed (minutes on AWS); the previous one is accepted until the next rotation.`,
    );
  return 0;
};
