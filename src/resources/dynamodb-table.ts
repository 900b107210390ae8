// DynamoDB products table: key schema, category GSI, encryption, PITR, TTL, capacity.
// Capacity, billing mode, PITR, TTL, encryption and tags change in place.
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableNotExists,
  type GlobalSecondaryIndexUpdate,
} from '@aws-sdk/client-dynamodb';
import { backupsNotYetAvailable, unless } from '../aws/errors.js';
import { retrying } from '../engine/retry.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { UserError } from '../errors.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { WAIT, waitActive } from './dynamodb-wait.js';

export interface TableDesired {
  name: string;
  arn: string;
  partitionKey: string;
  categoryIndex: string;
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readCapacity: number;
  writeCapacity: number;
  pointInTimeRecovery: boolean;
  ttlAttribute: string | null;
  /** DynamoDB refuses to delete the table while this is on. */
  deletionProtection: boolean;
  tags: Record<string, string>;
  /**
   * Untagged, and restored from a backup of this very table name: what `projet1 restore` leaves when
   * killed between RestoreTableFromBackup (which takes no tags) and its TagResource. Adopted, tagged first.
   */
  restoredUntagged?: true;
}

export interface TableObserved {
  partitionKey: string | undefined;
  hasIndex: boolean;
  billingMode: string;
  capacity: string;
  encrypted: boolean;
  pointInTimeRecovery: boolean;
  ttlAttribute: string | null;
  deletionProtection: boolean;
  tags: Record<string, string>;
  /**
   * Untagged, and restored from a backup of this very table name: what `projet1 restore` leaves when
   * killed between RestoreTableFromBackup (which takes no tags) and its TagResource. Adopted, tagged first.
   */
  restoredUntagged?: true;
}

const NOT_FOUND = 'ResourceNotFoundException';
/**
 * UpdateContinuousBackups answers ContinuousBackupsUnavailableException for a while after a table
 * becomes ACTIVE. Terraform's AWS provider (aws_dynamodb_table, updatePITR) retries it for
 * updateTableContinuousBackupsTimeout, 20 minutes: with `retrying`'s backoff (1, 2, 4, 8, then 10 s)
 * that is 4 + 119 attempts.
 */
const PITR_ATTEMPTS = 123;

const capacityOf = (mode: string, read?: number, write?: number): string =>
  mode === 'PAY_PER_REQUEST' ? 'on-demand' : `${read ?? 0} RCU / ${write ?? 0} WCU`;
const throughput = (d: TableDesired) =>
  d.billingMode === 'PROVISIONED'
    ? { ReadCapacityUnits: d.readCapacity, WriteCapacityUnits: d.writeCapacity }
    : undefined;

/** TTL from attribute `from` (none unless a string) to `to` (null: off); one attribute at most, so the old goes first. */
export async function switchTtl(ddb: DynamoDBClient, table: string, from: unknown, to: string | null): Promise<void> {
  if (typeof from === 'string')
    await ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { Enabled: false, AttributeName: from },
      }),
    );
  if (to !== null)
    await ddb.send(
      new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: to } }),
    );
}

/**
 * Turns PITR on or off, waiting out the time DynamoDB takes to make backups available on a new table
 * (or a new replica: `region`, where PITR of a replica is set, as Terraform's updatePITR does).
 */
export async function setPitr(
  ctx: ProvisionContext,
  d: Pick<TableDesired, 'name' | 'pointInTimeRecovery'>,
  region?: string,
): Promise<void> {
  const ddb = ctx.aws.client(DynamoDBClient, region ? { region } : {});
  const update = new UpdateContinuousBackupsCommand({
    TableName: d.name,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: d.pointInTimeRecovery },
  });
  await retrying(
    ctx,
    () => ddb.send(update),
    (err) =>
      backupsNotYetAvailable(err)
        ? 'continuous backups are not yet available on the new table (DynamoDB enables them after it is ACTIVE); waiting'
        : undefined,
    PITR_ATTEMPTS,
  );
}

export const dynamodbTable: Provisioner<TableDesired, TableObserved> = {
  type: 'dynamodb-table',
  service: 'dynamodb',

  async observe(ctx, d) {
    const ddb = ctx.aws.client(DynamoDBClient);
    let table = (await unless(ddb.send(new DescribeTableCommand({ TableName: d.name })), NOT_FOUND))?.Table;
    if (table?.TableStatus === 'DELETING') {
      // A table being deleted is as good as absent, but it cannot be re-created until it is gone.
      ctx.note('table is being deleted; waiting until it is gone');
      await waitUntilTableNotExists({ client: ddb, ...WAIT }, { TableName: d.name });
      table = undefined;
    }
    if (!table) return undefined;
    const [pitr, ttl, tags] = await Promise.all([
      unless(ddb.send(new DescribeContinuousBackupsCommand({ TableName: d.name })), NOT_FOUND),
      unless(ddb.send(new DescribeTimeToLiveCommand({ TableName: d.name })), NOT_FOUND),
      unless(ddb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn ?? d.arn })), NOT_FOUND),
    ]);
    const mode = table.BillingModeSummary?.BillingMode ?? 'PROVISIONED';
    const ttlDesc = ttl?.TimeToLiveDescription;
    return {
      partitionKey: table.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName,
      hasIndex: (table.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === d.categoryIndex),
      billingMode: mode,
      capacity: capacityOf(
        mode,
        table.ProvisionedThroughput?.ReadCapacityUnits,
        table.ProvisionedThroughput?.WriteCapacityUnits,
      ),
      encrypted: table.SSEDescription?.Status === 'ENABLED' || table.SSEDescription?.Status === 'ENABLING',
      pointInTimeRecovery:
        pitr?.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED',
      ttlAttribute:
        ttlDesc?.TimeToLiveStatus === 'ENABLED' || ttlDesc?.TimeToLiveStatus === 'ENABLING'
          ? (ttlDesc.AttributeName ?? null)
          : null,
      deletionProtection: table.DeletionProtectionEnabled === true,
      tags: fromTagList(tags?.Tags),
      ...((tags?.Tags ?? []).length === 0 && table.RestoreSummary?.SourceBackupArn?.includes(`:table/${d.name}/backup/`)
        ? { restoredUntagged: true as const }
        : {}),
    };
  },

  tags: (o) => (o.restoredUntagged ? undefined : o.tags),

  diff(d, o) {
    const changes: FieldChange[] = [];
    const add = (field: string, from: unknown, to: unknown): void => {
      if (from !== to) changes.push({ field, from, to });
    };
    add('partitionKey', o.partitionKey, d.partitionKey);
    add('categoryIndex', o.hasIndex ? d.categoryIndex : null, d.categoryIndex);
    add('billingMode', o.billingMode, d.billingMode);
    add('capacity', o.capacity, capacityOf(d.billingMode, d.readCapacity, d.writeCapacity));
    add('encryption', o.encrypted, true);
    add('pointInTimeRecovery', o.pointInTimeRecovery, d.pointInTimeRecovery);
    add('ttlAttribute', o.ttlAttribute, d.ttlAttribute);
    add('deletionProtection', o.deletionProtection, d.deletionProtection);
    return [
      ...changes.filter((c) => !(c.field === 'capacity' && changes.some((x) => x.field === 'billingMode'))),
      ...tagChanges(d.tags, o.tags),
    ];
  },

  async create(ctx, d) {
    const ddb = ctx.aws.client(DynamoDBClient);
    // Retry-safe: ResourceInUse means an earlier, interrupted run created it; finish its settings.
    await unless(
      ddb.send(
        new CreateTableCommand({
          TableName: d.name,
          BillingMode: d.billingMode,
          ProvisionedThroughput: throughput(d),
          AttributeDefinitions: [
            { AttributeName: d.partitionKey, AttributeType: 'S' },
            { AttributeName: 'category', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: d.partitionKey, KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: d.categoryIndex,
              KeySchema: [{ AttributeName: 'category', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
              ProvisionedThroughput: throughput(d),
            },
          ],
          SSESpecification: { Enabled: true },
          DeletionProtectionEnabled: d.deletionProtection,
          Tags: toTagList(d.tags),
        }),
      ),
      'ResourceInUseException',
    );
    await waitActive(ctx, d.name);
    const observed = await this.observe(ctx, d);
    if (!observed) throw new Error(`table ${d.name} disappeared right after creation`);
    await this.update(ctx, d, observed, this.diff(d, observed));
  },

  async update(ctx, d, o, changes) {
    const ddb = ctx.aws.client(DynamoDBClient);
    const fields = new Set(changes.map((c) => c.field));
    const tag = () => ddb.send(new TagResourceCommand({ ResourceArn: d.arn, Tags: toTagList(d.tags) }));
    if (o.restoredUntagged) {
      ctx.note('adopting the table an interrupted restore left untagged');
      await tag();
    }
    if (fields.has('partitionKey')) {
      throw new UserError(`Table ${d.name} has another partition key; a key change needs a new table.`, {
        hint: 'Export the data (projet1 products export), run `projet1 down`, then `projet1 up` and import it.',
      });
    }
    if (fields.has('categoryIndex')) {
      await ddb.send(
        new UpdateTableCommand({
          TableName: d.name,
          AttributeDefinitions: [{ AttributeName: 'category', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: d.categoryIndex,
                KeySchema: [{ AttributeName: 'category', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'ALL' },
                ProvisionedThroughput: throughput(d),
              },
            },
          ],
        }),
      );
      await waitActive(ctx, d.name);
    }
    if (fields.has('billingMode') || fields.has('capacity')) {
      // The index follows the table's capacity; with a new index just created it already has it.
      const gsi: GlobalSecondaryIndexUpdate[] =
        d.billingMode === 'PROVISIONED' && !fields.has('categoryIndex')
          ? [{ Update: { IndexName: d.categoryIndex, ProvisionedThroughput: throughput(d) } }]
          : [];
      await ddb.send(
        new UpdateTableCommand({
          TableName: d.name,
          BillingMode: d.billingMode,
          ProvisionedThroughput: throughput(d),
          GlobalSecondaryIndexUpdates: gsi.length ? gsi : undefined,
        }),
      );
      await waitActive(ctx, d.name);
    }
    if (fields.has('encryption')) {
      await ddb.send(new UpdateTableCommand({ TableName: d.name, SSESpecification: { Enabled: true } }));
      await waitActive(ctx, d.name);
    }
    if (fields.has('deletionProtection')) {
      await ddb.send(new UpdateTableCommand({ TableName: d.name, DeletionProtectionEnabled: d.deletionProtection }));
      await waitActive(ctx, d.name);
    }
    if (fields.has('pointInTimeRecovery')) await setPitr(ctx, d);
    const ttl = changes.find((c) => c.field === 'ttlAttribute');
    if (ttl) await switchTtl(ddb, d.name, ttl.from, d.ttlAttribute);
    if (fields.has('tags') && !o.restoredUntagged) await tag();
  },

  async delete(ctx, d) {
    const ddb = ctx.aws.client(DynamoDBClient);
    const gone = await unless(ddb.send(new DeleteTableCommand({ TableName: d.name })), NOT_FOUND);
    if (gone === undefined) return;
    ctx.note('waiting for the table to be deleted');
    await waitUntilTableNotExists({ client: ddb, ...WAIT }, { TableName: d.name });
  },

  outputs: (d) => ({ name: d.name, arn: d.arn, index: d.categoryIndex }),
};
