// Backups and restores of the catalog. DynamoDB restores into a new table only, so a restore
// goes through a temporary table whose items then replace the stack's table's, keeping the
// table (and the functions, roles and alarms that name it) in place. After a `down`, a backup
// is restored straight under the table's name and tagged as the stack's; `up` then finishes it.
import {
  type BackupSummary,
  DeleteTableCommand,
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
import { BatchWriteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { isAwsError } from '../aws/errors.js';
import { toTagList } from '../aws/tags.js';
import { writeAll } from '../catalog/batch-writer.js';
import type { Product } from '../catalog/product.js';
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
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey, Limit: 1000 }));
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  const keep = new Set<string>();
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
  const written = await writeAll(
    doc,
    to,
    (async function* () {
      for await (const item of scan(from)) {
        keep.add(String(item.product_id));
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
  return written.written;
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
      new RestoreTableToPointInTimeCommand({
        SourceTableName: table,
        TargetTableName: temp,
        RestoreDateTime: new Date(parseSince(source.time.replace(/^-/, ''))),
      }),
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
