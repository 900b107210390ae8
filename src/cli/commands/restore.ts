// `projet1 backups` and `projet1 restore --backup <arn> | --time <when>`.
import { listBackups, restoreCatalog } from '../../core/restore.js';
import { EXIT, UserError } from '../../errors.js';
import type { RESTORE } from '../options.js';
import type { Handler } from '../spec.js';
import { table } from '../table.js';

export const backups: Handler<'stack'> = async ({ session, io }) => {
  const list = await listBackups(session);
  const rows = list.backups.map((b) => [
    b.created ?? '',
    b.name,
    b.status,
    b.bytes === null ? '' : String(b.bytes),
    b.arn,
  ]);
  // DescribeContinuousBackups gives the window. MiniStack answers "now" for both ends, whenever
  // recovery was enabled: say so rather than print a window no --time can fall in.
  const zeroWidth = list.pitr?.earliest != null && list.pitr.earliest === list.pitr.latest;
  const pitr = list.pitr
    ? `Point in time: from ${list.pitr.earliest ?? '?'} to ${list.pitr.latest ?? '?'}.${
        zeroWidth
          ? ' The endpoint reports a zero-width window (an emulator such as MiniStack answers "now" for both ends; AWS reports from when recovery was enabled, at most 35 days back, to about 5 minutes ago).'
          : ''
      }`
    : 'Point-in-time recovery is off.';
  const text = rows.length
    ? table([['CREATED', 'NAME', 'STATUS', 'BYTES', 'ARN'], ...rows], io.outWidth)
    : `No backup of ${list.table}.`;
  io.result({ ...list }, `${text}\n${pitr}`);
  return 0;
};

export const restore: Handler<'stack', typeof RESTORE> = async ({ session, io, opts }) => {
  if ((opts.backup === undefined) === (opts.time === undefined)) {
    throw new UserError('Give exactly one of --backup <arn> or --time <ISO date | 15m>.', {
      exitCode: EXIT.usage,
      hint: '`projet1 backups` lists the backups and the point-in-time window.',
    });
  }
  const r = await restoreCatalog(
    session,
    io,
    opts.backup !== undefined ? { backupArn: opts.backup } : { time: opts.time ?? '' },
  );
  io.info(
    `Restored ${r.items.toLocaleString('en-US')} product(s) into ${r.table} from ${r.source} in ${(r.ms / 1000).toFixed(1)}s.${r.recreated ? ' The table came back from the backup: run `projet1 up` to restore its settings (point-in-time recovery, TTL, protection).' : ''}`,
  );
  io.result({ ...r });
  return 0;
};
