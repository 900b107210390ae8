// The products table's replica in a second region (regions.secondary): DynamoDB global tables version
// 2019.11.21, added and removed by UpdateTable ReplicaUpdates on the primary. DynamoDB copies the key
// schema, the index and the encryption; PITR, TTL, deletion protection and tags are set per replica,
// in its own region (DynamoDB developer guide, "Global tables: how it works"; Terraform's AWS provider,
// aws_dynamodb_table `replica`: createReplicas, updatePITR and updateReplicaTags set them the same way).
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateTableCommand,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { isAwsError, unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { tagChanges } from '../engine/plan.js';
import { retrying } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { UserError } from '../errors.js';
import { setPitr, switchTtl } from './dynamodb-table.js';
import { waitActive, waitReplica } from './dynamodb-wait.js';

export interface ReplicaDesired {
  /** The table's name, the same in every region. */
  table: string;
  /** Where the replica lives; null for a replica the configuration turned off (any replica found is it). */
  region: string | null;
  /** The replica's ARN in `region` (its tags are set there); unused when `region` is null. */
  arn: string;
  categoryIndex: string;
  pointInTimeRecovery: boolean;
  ttlAttribute: string | null;
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export interface ReplicaObserved {
  region: string;
  /** ReplicaStatus as the primary lists it: CREATING, UPDATING, ACTIVE, DELETING… */
  status: string;
  hasIndex: boolean;
  encrypted: boolean;
  pointInTimeRecovery: boolean;
  ttlAttribute: string | null;
  deletionProtection: boolean;
  tags: Record<string, string>;
}

const NOT_FOUND = 'ResourceNotFoundException';
/**
 * What AWS answers while the table or another replica is being changed ("Table is being updated",
 * "can be created, updated, or deleted simultaneously"): Terraform's createReplicas and deleteReplicas
 * retry ResourceInUseException and LimitExceededException for 30 minutes; 12 attempts with `retrying`'s
 * backoff (up to 10 s apart) wait about 1.5 minutes, past which the user is told and runs `up` again.
 */
const BUSY_ATTEMPTS = 12;
const busy = (err: unknown): string | undefined =>
  isAwsError(err, 'ResourceInUseException', 'LimitExceededException')
    ? 'the table is being changed (DynamoDB allows one change at a time); waiting'
    : undefined;

const regionClient = (ctx: ProvisionContext, region: string) => ctx.aws.client(DynamoDBClient, { region });

/** The primary's replica in `wanted`, or its first one when the configuration names none (retired). */
async function findReplica(
  ctx: ProvisionContext,
  d: ReplicaDesired,
): Promise<{ region: string; status: string } | undefined> {
  const ddb = ctx.aws.client(DynamoDBClient);
  const table = (await unless(ddb.send(new DescribeTableCommand({ TableName: d.table })), NOT_FOUND))?.Table;
  const replicas = (table?.Replicas ?? []).filter((r) => r.RegionName && r.RegionName !== ctx.aws.target.region);
  const found = replicas.find((r) => r.RegionName === d.region) ?? (d.region === null ? replicas[0] : undefined);
  return found?.RegionName ? { region: found.RegionName, status: found.ReplicaStatus ?? 'ACTIVE' } : undefined;
}

/** DynamoDB needs the primary's stream (new and old images) to replicate: turned on before the first replica. */
async function ensureStream(ctx: ProvisionContext, name: string): Promise<void> {
  const ddb = ctx.aws.client(DynamoDBClient);
  const table = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
  const spec = table?.StreamSpecification;
  if (spec?.StreamEnabled && spec.StreamViewType === 'NEW_AND_OLD_IMAGES') return;
  ctx.note('turning on the table stream (new and old images), which replication needs');
  await retrying(
    ctx,
    () =>
      ddb.send(
        new UpdateTableCommand({
          TableName: name,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      ),
    busy,
    BUSY_ATTEMPTS,
  );
  await waitActive(ctx, name);
}

/** The replica's TTL attribute now (null when off), in the shape of a diff's change. */
async function ttlNow(ctx: ProvisionContext, table: string, region: string): Promise<{ from: string | null }> {
  const res = await regionClient(ctx, region).send(new DescribeTimeToLiveCommand({ TableName: table }));
  const t = res.TimeToLiveDescription;
  const on = t?.TimeToLiveStatus === 'ENABLED' || t?.TimeToLiveStatus === 'ENABLING';
  return { from: on ? (t?.AttributeName ?? null) : null };
}

async function replicaUpdate(ctx: ProvisionContext, input: UpdateTableCommandInput): Promise<void> {
  await retrying(ctx, () => ctx.aws.client(DynamoDBClient).send(new UpdateTableCommand(input)), busy, BUSY_ATTEMPTS);
}

export const dynamodbReplica: Provisioner<ReplicaDesired, ReplicaObserved, { region: string; status: string }> = {
  type: 'dynamodb-replica',
  service: 'dynamodb',

  async observe(ctx, d) {
    const found = await findReplica(ctx, d);
    if (!found) return undefined;
    const ddb = regionClient(ctx, found.region);
    const table = (await unless(ddb.send(new DescribeTableCommand({ TableName: d.table })), NOT_FOUND))?.Table;
    const arn = table?.TableArn ?? d.arn;
    // A replica still CREATING may not answer its own settings yet.
    const [pitr, ttl, tags] = await Promise.all([
      unless(
        ddb.send(new DescribeContinuousBackupsCommand({ TableName: d.table })),
        NOT_FOUND,
        'TableNotFoundException',
      ),
      unless(ddb.send(new DescribeTimeToLiveCommand({ TableName: d.table })), NOT_FOUND),
      table ? unless(ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn })), NOT_FOUND) : undefined,
    ]);
    const ttlDesc = ttl?.TimeToLiveDescription;
    return {
      region: found.region,
      status: found.status,
      hasIndex: (table?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === d.categoryIndex),
      encrypted: table?.SSEDescription?.Status === 'ENABLED' || table?.SSEDescription?.Status === 'ENABLING',
      pointInTimeRecovery:
        pitr?.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED',
      ttlAttribute:
        ttlDesc?.TimeToLiveStatus === 'ENABLED' || ttlDesc?.TimeToLiveStatus === 'ENABLING'
          ? (ttlDesc.AttributeName ?? null)
          : null,
      deletionProtection: table?.DeletionProtectionEnabled === true,
      tags: fromTagList(tags?.Tags),
    };
  },

  // A replica not tagged yet (a run stopped between its creation and its TagResource) is still this
  // table's: the primary's name is the stack's. One tagged by another owner is a conflict.
  tags: (o) => (Object.keys(o.tags).length === 0 ? undefined : o.tags),

  diff(d, o) {
    const changes: FieldChange[] = [];
    const add = (field: string, from: unknown, to: unknown): void => {
      if (from !== to) changes.push({ field, from, to });
    };
    add('region', o.region, d.region);
    add('status', o.status, 'ACTIVE');
    add('categoryIndex', o.hasIndex ? d.categoryIndex : null, d.categoryIndex);
    add('encryption', o.encrypted, true);
    add('pointInTimeRecovery', o.pointInTimeRecovery, d.pointInTimeRecovery);
    add('ttlAttribute', o.ttlAttribute, d.ttlAttribute);
    add('deletionProtection', o.deletionProtection, d.deletionProtection);
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const region = d.region;
    if (region === null) return;
    await ensureStream(ctx, d.table);
    ctx.note(`adding a replica in ${region} (DynamoDB copies the table: minutes on AWS)`);
    try {
      await replicaUpdate(ctx, { TableName: d.table, ReplicaUpdates: [{ Create: { RegionName: region } }] });
    } catch (err) {
      // An interrupted earlier run asked for it already: wait for that one.
      if (!(isAwsError(err, 'ValidationException') && /already exist/i.test(String(err)))) throw err;
    }
    await waitReplica(ctx, d.table, region, 'active');
    const observed = await this.observe(ctx, d);
    if (!observed) throw new Error(`the replica of ${d.table} in ${region} disappeared right after creation`);
    await this.update(ctx, d, observed, this.diff(d, observed));
  },

  async update(ctx, d, o, changes) {
    const fields = new Set(changes.map((c) => c.field));
    if (fields.has('region'))
      throw new UserError(`The table's replica is in ${o.region}, not in ${d.region ?? '(none)'}.`, {
        hint: 'Move it in two runs: set "regions": { "secondary": null } and run `projet1 up` (removes it), then set the new region and run `projet1 up`.',
      });
    if (fields.has('status')) await waitReplica(ctx, d.table, o.region, 'active');
    if (fields.has('categoryIndex') || fields.has('encryption'))
      throw new UserError(`The replica of ${d.table} in ${o.region} lacks the primary's index or encryption.`, {
        hint: 'DynamoDB copies both when it creates a replica: remove it ("regions": { "secondary": null }, `projet1 up`) and add it again.',
      });
    const ddb = regionClient(ctx, o.region);
    if (fields.has('deletionProtection'))
      await retrying(
        ctx,
        () => ddb.send(new UpdateTableCommand({ TableName: d.table, DeletionProtectionEnabled: d.deletionProtection })),
        busy,
        BUSY_ATTEMPTS,
      );
    if (fields.has('pointInTimeRecovery'))
      await setPitr(ctx, { name: d.table, pointInTimeRecovery: d.pointInTimeRecovery }, o.region);
    // DynamoDB keeps TTL the same on every replica: the primary's own repair may have set it already
    // (and a second identical UpdateTimeToLive is refused), so it is read again first.
    const ttl = changes.some((c) => c.field === 'ttlAttribute') ? await ttlNow(ctx, d.table, o.region) : undefined;
    if (ttl && ttl.from !== d.ttlAttribute) await switchTtl(ddb, d.table, ttl.from, d.ttlAttribute);
    if (fields.has('tags')) await ddb.send(new TagResourceCommand({ ResourceArn: d.arn, Tags: toTagList(d.tags) }));
  },

  async delete(ctx, d, o) {
    // Deletion protection is per replica: a protected replica is not removed, whatever the primary's setting.
    // The user approved this deletion, and the primary keeps every item.
    if (o.deletionProtection) {
      ctx.note(`turning off the deletion protection of the replica in ${o.region}`);
      await retrying(
        ctx,
        () =>
          regionClient(ctx, o.region).send(
            new UpdateTableCommand({ TableName: d.table, DeletionProtectionEnabled: false }),
          ),
        busy,
        BUSY_ATTEMPTS,
      );
    }
    if (o.status !== 'DELETING') {
      ctx.note(`removing the replica in ${o.region} (the table in ${ctx.aws.target.region} keeps its items)`);
      try {
        await replicaUpdate(ctx, { TableName: d.table, ReplicaUpdates: [{ Delete: { RegionName: o.region } }] });
      } catch (err) {
        const gone =
          isAwsError(err, NOT_FOUND) || (isAwsError(err, 'ValidationException') && /not found/i.test(String(err)));
        if (!gone) throw err;
      }
    }
    await waitReplica(ctx, d.table, o.region, 'gone');
  },

  outputs: (d): Record<string, string> => (d.region ? { region: d.region } : {}),
  outputsOf: (_d, o) => ({ region: o.region, status: o.status }),
};
