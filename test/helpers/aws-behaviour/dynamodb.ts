// DynamoDB's settling after CreateTable: the table (and its index) CREATING for seconds, then
// continuous backups unavailable for a while after it is ACTIVE.
import { awsError } from '../aws-reply.js';
import { perProxy } from './state.js';
import { type Behaviour, type BehaviourContext, scaled } from './types.js';

/** "5-20 s" for a small table with one index (DynamoDB Developer Guide, table status CREATING); the middle. */
const CREATING_MS = 10_000;
/**
 * Not documented as a figure: UpdateContinuousBackups answers ContinuousBackupsUnavailableException
 * ("Backups are being enabled for the table") for a while after ACTIVE; Terraform's provider retries it
 * for 20 minutes. Half a minute is what we reproduce.
 */
const BACKUPS_UNAVAILABLE_MS = 30_000;

/**
 * An index added to an existing table is CREATING while DynamoDB backfills it, on an ACTIVE table
 * ("Adding a global secondary index to an existing table": minutes for large tables). Half a minute
 * for our small one.
 */
const BACKFILL_MS = 30_000;

/** When each table was created, and when an index was added to it, per proxy. */
const createdAt = perProxy(() => new Map<string, number>());
const indexAddedAt = perProxy(() => new Map<string, number>());

function json(body: Buffer): { TableName?: unknown; GlobalSecondaryIndexUpdates?: { Create?: unknown }[] } {
  try {
    return JSON.parse(body.toString('utf8')) as ReturnType<typeof json>;
  } catch {
    return {};
  }
}

function tableOf(body: Buffer): string | undefined {
  const name = json(body).TableName;
  return typeof name === 'string' ? name : undefined;
}

const age = (ctx: BehaviourContext, table: string | undefined): number | undefined => {
  const at = table ? createdAt(ctx).get(table) : undefined;
  return at === undefined ? undefined : ctx.now - at;
};

export const DYNAMODB_BEHAVIOURS: Behaviour[] = [
  {
    kind: 'dynamodb-creating',
    source:
      'DynamoDB API Reference, DescribeTable (TableStatus CREATING, IndexStatus CREATING) and CreateTable ' +
      '("DynamoDB sets the TableStatus to CREATING ... ACTIVE when the table is ready")',
    after(call, req, body, ctx) {
      if (call.service !== 'dynamodb') return body;
      const table = tableOf(req.body);
      if (call.operation === 'CreateTable' && table) createdAt(ctx).set(table, ctx.now);
      const since = age(ctx, table);
      if (call.operation !== 'DescribeTable' || since === undefined || since >= scaled(ctx, CREATING_MS)) return body;
      ctx.count('dynamodb-creating');
      return body
        .replace(/"TableStatus"\s*:\s*"ACTIVE"/g, '"TableStatus":"CREATING"')
        .replace(/"IndexStatus"\s*:\s*"ACTIVE"/g, '"IndexStatus":"CREATING"');
    },
  },
  {
    kind: 'dynamodb-index-backfilling',
    source:
      'DynamoDB Developer Guide, "Adding a global secondary index to an existing table" (IndexStatus CREATING, ' +
      'Backfilling, while the table stays ACTIVE; a Query on the index is refused until it is ACTIVE)',
    after(call, req, body, ctx) {
      if (call.service !== 'dynamodb') return body;
      const table = tableOf(req.body);
      if (!table) return body;
      if (call.operation === 'UpdateTable' && json(req.body).GlobalSecondaryIndexUpdates?.some((u) => u.Create))
        indexAddedAt(ctx).set(table, ctx.now);
      const at = indexAddedAt(ctx).get(table);
      if (call.operation !== 'DescribeTable' || at === undefined || ctx.now - at >= scaled(ctx, BACKFILL_MS))
        return body;
      ctx.count('dynamodb-index-backfilling');
      return body.replace(/"IndexStatus"\s*:\s*"ACTIVE"/g, '"IndexStatus":"CREATING"');
    },
  },
  {
    kind: 'dynamodb-backups-unavailable',
    source:
      'DynamoDB API Reference, UpdateContinuousBackups (ContinuousBackupsUnavailableException, HTTP 400); ' +
      'Terraform AWS provider internal/service/dynamodb/table.go updatePITR, retried on ' +
      '"Backups are being enabled" for updateTableContinuousBackupsTimeout (20 min)',
    before(call, req, ctx) {
      if (call.service !== 'dynamodb' || call.operation !== 'UpdateContinuousBackups') return undefined;
      const table = tableOf(req.body);
      const since = age(ctx, table);
      if (since === undefined || since >= scaled(ctx, CREATING_MS + BACKUPS_UNAVAILABLE_MS)) return undefined;
      ctx.count('dynamodb-backups-unavailable');
      return awsError(
        call,
        400,
        'com.amazonaws.dynamodb.v20120810#ContinuousBackupsUnavailableException',
        `Backups are being enabled for the table: ${table ?? ''}. Please retry later`,
      );
    },
  },
];
