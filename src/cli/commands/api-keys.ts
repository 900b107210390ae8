// `projet1 api-keys add|list|rotate|remove`: partners' API keys (api.keys). A key's value is printed
// once, on stdout only (the result), so `> key.txt` captures it and nothing else does.
import { addKey, listKeys, removeKey, rotateKey } from '../../core/api-keys.js';
import type { API_KEYS_ADD } from '../options.js';
import type { Handler } from '../spec.js';
import { table } from '../table.js';

export const add: Handler<'stack', typeof API_KEYS_ADD> = async ({ session, io, args, opts }) => {
  const key = await addKey(session, io, args[0] ?? '', opts.plan);
  io.result({ ...key }, key.value);
  io.info(
    `API key "${key.name}" made in the ${key.plan} plan. Give the value above to the partner now: it is not shown again. They send it as "x-api-key: <value>" to the API's URL (projet1 outputs apiUrl).`,
  );
  return 0;
};

export const list: Handler<'stack'> = async ({ session, io }) => {
  const keys = await listKeys(session);
  const rows = keys.map((k) => [k.name, k.plan ?? '(none)', k.enabled ? 'yes' : 'no', k.created ?? '']);
  io.result({ keys, count: keys.length }, table([['NAME', 'PLAN', 'ENABLED', 'CREATED'], ...rows]));
  io.info(`${keys.length} API key(s); values are shown only when a key is made or rotated.`);
  return 0;
};

export const rotate: Handler<'stack'> = async ({ session, io, args }) => {
  const key = await rotateKey(session, io, args[0] ?? '');
  io.result({ ...key }, key.value);
  io.info(
    `API key "${key.name}" has a new value (above, shown once) in the ${key.plan} plan. The old key was deleted: its value stops working within about 10 s on AWS (a key change needs no redeployment but takes seconds to reach every gateway), at once on the emulator. No overlap is kept on purpose: a key cannot hold two values, and a second key left in the plan would be a second working credential nobody removes.`,
  );
  return 0;
};

export const remove: Handler<'stack'> = async ({ session, io, args }) => {
  const r = await removeKey(session, args[0] ?? '');
  io.result({ ...r }, `Removed API key "${r.name}": it stops working within about 10 s on AWS.`);
  return 0;
};
