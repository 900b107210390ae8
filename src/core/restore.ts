// Backups and restores of the catalog. DynamoDB restores into a new table only, so a restore
// goes through a temporary table whose items then replace the stack's table's, keeping the
// table (and the functions, roles and alarms that name it) in place. After a `down`, a backup
// is restored straight under the table's name and tagged as the stack's; `up` then finishes it.
import {
  type BackupSummary,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListBackupsCommand,
  RestoreTableFromBackupCommand,
  RestoreTableToPointInTimeCommand,
  TagResourceCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { isAwsError } from '../aws/errors.js';
import { toTagList } from '../aws/tags.js';
import { writeAll } from '../catalog/batch-writer.js';
import type { Product } from '../../runtime/catalog/product.js';
import { isHistoryKey } from '../../runtime/catalog/history.js';
import { resourceNames, stackTags } from '../config/names.js';
import { EXIT, UserError } from '../errors.js';
import type { IoHost } from './io.js';
import { parseSince } from './logs.js';
import type { Session } from './session.js';

const WAIT = { minDelay: 0.1, maxDelay: 5, maxWaitTime: 1800 };

export interface BackupList {
  table: string;
  backups: { name: string; arn: string; created: string | null; bytes: number | null; status: string }[];
  /** The point-in-time window, when PITR is on. */
  pitr: { earliest: string | null; latest: string | null } | null;
}

export async function listBackups(session: Session): Promise<BackupList> {
  const table = resourceNames(session.config).table;
  const ddb = session.aws.client(DynamoDBClient);
  const summaries: BackupSummary[] = [];
  let start: string | undefined;
  do {
    const page = await ddb.send(new ListBackupsCommand({ TableName: table, ExclusiveStartBackupArn: start }));
    summaries.push(...(page.BackupSummaries ?? []));
    start = page.LastEvaluatedBackupArn;
  } while (start);
  let pitr: BackupList['pitr'] = null;
  try {
    const d = (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription;
    const p = d?.PointInTimeRecoveryDescription;
    if (p?.PointInTimeRecoveryStatus === 'ENABLED') {
      pitr = {
        earliest: p.EarliestRestorableDateTime?.toISOString() ?? null,
        latest: p.LatestRestorableDateTime?.toISOString() ?? null,
      };
    }
  } catch (err) {
    if (!isAwsError(err, 'TableNotFoundException', 'ResourceNotFoundException')) throw err;
  }
  return {
    table,
    backups: summaries
      .map((b) => ({
        name: b.BackupName ?? '',
        arn: b.BackupArn ?? '',
        created: b.BackupCreationDateTime?.toISOString() ?? null,
        bytes: b.BackupSizeBytes ?? null,
        status: b.BackupStatus ?? '',
      }))
      .sort((a, b) => String(b.created).localeCompare(String(a.created))),
    pitr,
  };
}

export interface RestoreResult {
  table: string;
  source: string;
  items: number;
  ms: number;
  /** The table was absent (after a down) and came back from the backup: `up` restores its settings. */
  recreated: boolean;
}

async function tableExists(ddb: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return false;
    throw err;
  }
}

/** Every item of `from` replaces every item of `to`: keys of `to` not in `from` are deleted. */
async function replaceItems(session: Session, io: IoHost, from: string, to: string): Promise<number> {
  const doc = DynamoDBDocumentClient.from(session.aws.client(DynamoDBClient));
  async function* scan(table: string): AsyncGenerator<Record<string, unknown>> {
    for await (const page of paginateScan({ client: doc }, { TableName: table, Limit: 1000 })) yield* page.Items ?? [];
  }
  const keep = new Set<string>();
  // Products, not items: each product's history item (the audit trail) is restored with it, uncounted.
  let products = 0;
  const t0 = Date.now();
  const progress = {
    onProgress: (p: { written: number }) =>
      io.event({
        type: 'progress',
        id: 'restore',
        label: 'restoring',
        done: p.written,
        total: undefined,
        perSecond: p.written / Math.max(0.001, (Date.now() - t0) / 1000),
      }),
  };
  await writeAll(
    doc,
    to,
    (async function* () {
      for await (const item of scan(from)) {
        keep.add(String(item.product_id));
        if (!isHistoryKey(String(item.product_id))) products++;
        yield item as unknown as Product;
      }
    })(),
    { concurrency: 8, ...progress },
  );
  const stale: string[] = [];
  for await (const item of scan(to)) if (!keep.has(String(item.product_id))) stale.push(String(item.product_id));
  for (let i = 0; i < stale.length; i += 25) {
    const batch = stale.slice(i, i + 25).map((id) => ({ DeleteRequest: { Key: { product_id: id } } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [to]: batch } }));
  }
  return products;
}

/** What DynamoDB names a backup: arn:<partition>:dynamodb:<region>:<account>:table/<table>/backup/<id>. */
const BACKUP_ARN =
  /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/backup\/[A-Za-z0-9-]{1,64}$/;
const LIST_HINT = '`projet1 backups` lists the backups of this stack and the point-in-time window.';

/** Refuses an ARN that cannot name a backup, or names none: before the confirmation, with what to do. */
async function checkBackup(ddb: DynamoDBClient, arn: string): Promise<void> {
  if (!BACKUP_ARN.test(arn)) {
    throw new UserError(`--backup "${arn}" is not a DynamoDB backup ARN.`, {
      exitCode: EXIT.usage,
      hint: `A backup ARN looks like arn:aws:dynamodb:<region>:<account>:table/<table>/backup/<id>; ${LIST_HINT}`,
    });
  }
  try {
    await ddb.send(new DescribeBackupCommand({ BackupArn: arn }));
  } catch (err) {
    if (!isAwsError(err, 'BackupNotFoundException')) throw err;
    throw new UserError(`The backup ${arn} was not found (in this account and region).`, {
      exitCode: EXIT.notFound,
      hint: LIST_HINT,
    });
  }
}

/** `--time`: an ISO date or a duration ago (15m, 2h, 1d), worded for this option. */
function pointInTime(time: string): number {
  try {
    return parseSince(time.replace(/^-/, ''));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`--time must be an ISO date or a duration ago such as 15m, 2h or 1d, found "${time}".`, {
      exitCode: EXIT.usage,
    });
  }
}

/**
 * The point in time, refused unless it lies in the table's restorable window as DynamoDB reports it
 * (AWS answers a time outside it with an error only after the restore started, or, on an emulator,
 * restores "now" whatever the time): the refusal names the window.
 */
async function checkPointInTime(ddb: DynamoDBClient, table: string, time: string): Promise<Date> {
  const at = new Date(pointInTime(time));
  const d = (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: table }))).ContinuousBackupsDescription;
  const p = d?.PointInTimeRecoveryDescription;
  if (p?.PointInTimeRecoveryStatus !== 'ENABLED') {
    throw new UserError(`Point-in-time recovery is off for ${table}: there is no time to restore to.`, {
      exitCode: EXIT.usage,
      hint: 'Restore a backup instead: `projet1 backups` lists them.',
    });
  }
  const earliest = p.EarliestRestorableDateTime;
  const latest = p.LatestRestorableDateTime;
  if (earliest && latest && (at < earliest || at > latest)) {
    const zeroWidth = earliest.getTime() === latest.getTime();
    throw new UserError(
      `--time ${time} (${at.toISOString()}) is outside the point-in-time window of ${table}: from ${earliest.toISOString()} to ${latest.toISOString()}.`,
      {
        exitCode: EXIT.usage,
        hint: zeroWidth
          ? 'The endpoint reports a zero-width window (an emulator such as MiniStack answers "now" for both ends): restore a backup instead, `projet1 backups` lists them.'
          : 'Give a time inside the window (an ISO date, or a duration ago such as 15m); `projet1 backups` shows it.',
      },
    );
  }
  return at;
}

export async function restoreCatalog(
  session: Session,
  io: IoHost,
  source: { backupArn: string } | { time: string },
): Promise<RestoreResult> {
  const t0 = Date.now();
  const table = resourceNames(session.config).table;
  const ddb = session.aws.client(DynamoDBClient);
  const exists = await tableExists(ddb, table);
  const label = 'backupArn' in source ? source.backupArn : source.time;
  if (!exists && !('backupArn' in source)) {
    throw new UserError(`Table ${table} does not exist: a point in time needs the table.`, {
      exitCode: EXIT.notFound,
      hint: 'Restore a backup instead (`projet1 backups` lists them; `down` makes one of a non-empty table).',
    });
  }
  const at = 'backupArn' in source ? undefined : await checkPointInTime(ddb, table, source.time);
  if ('backupArn' in source) await checkBackup(ddb, source.backupArn);
  const approved = await io.requestConfirmation({
    code: 'P1_RESTORE',
    question: `Replace every product of ${table} with the catalog of ${label}?`,
    plan: { mode: 'apply', changes: [] },
    changes: [
      {
        id: 'table',
        type: 'dynamodb-table',
        name: table,
        action: 'update',
        fields: [],
        approval: `replaces every product with those of ${label}`,
      },
    ],
    review: 'projet1 backups',
  });
  if (!approved) throw new UserError('Cancelled; nothing was restored.', { exitCode: 1 });

  if (!exists && 'backupArn' in source) {
    io.event({ type: 'note', id: 'restore', name: table, message: "restoring the backup under the table's name" });
    const res = await ddb.send(
      new RestoreTableFromBackupCommand({ TargetTableName: table, BackupArn: source.backupArn }),
    );
    await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName: table });
    const arn =
      res.TableDescription?.TableArn ??
      (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.TableArn;
    await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: toTagList(stackTags(session.config)) }));
    const count = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table?.ItemCount ?? 0;
    return { table, source: label, items: count, ms: Date.now() - t0, recreated: true };
  }

  const temp = `${table}-restore-${Date.now()}`.slice(0, 255);
  io.event({ type: 'note', id: 'restore', name: table, message: `restoring into the temporary table ${temp}` });
  if ('backupArn' in source) {
    await ddb.send(new RestoreTableFromBackupCommand({ TargetTableName: temp, BackupArn: source.backupArn }));
  } else {
    await ddb.send(
      new RestoreTableToPointInTimeCommand({ SourceTableName: table, TargetTableName: temp, RestoreDateTime: at }),
    );
  }
  try {
    await waitUntilTableExists({ client: ddb, ...WAIT }, { TableName: temp });
    const items = await replaceItems(session, io, temp, table);
    return { table, source: label, items, ms: Date.now() - t0, recreated: false };
  } finally {
    await ddb.send(new DeleteTableCommand({ TableName: temp })).catch(() => undefined);
    await waitUntilTableNotExists({ client: ddb, ...WAIT }, { TableName: temp }).catch(() => undefined);
  }
}
