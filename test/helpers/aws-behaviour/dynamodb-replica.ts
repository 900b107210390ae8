// A global table's replica as AWS makes and removes it (version 2019.11.21), where MiniStack does it at
// once: the replica CREATING for minutes, then DELETING for a while; the table and the replica refusing
// other changes meanwhile; and no replica without the table's stream of new and old images.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Call } from '../aws-call.js';
import { awsError, type Reply } from '../aws-reply.js';
import { perProxy } from './state.js';
import { type Behaviour, type BehaviourContext, type RawRequest, scaled } from './types.js';

/**
 * Not a documented figure: "adding a replica can take several minutes" for a small table, longer with
 * data (DynamoDB developer guide, global tables: "Adding a new replica"); Terraform's AWS provider waits
 * up to 30 minutes for ACTIVE (waitReplicaActive). Three minutes is what we reproduce.
 */
const CREATING_MS = 180_000;
/** Removing one: DELETING before it leaves the primary's Replicas (waitReplicaDeleted). A minute. */
const DELETING_MS = 60_000;

interface ReplicaBody {
  TableName?: unknown;
  ReplicaUpdates?: { Create?: { RegionName?: string }; Delete?: { RegionName?: string } }[];
}

function json(body: Buffer): ReplicaBody {
  try {
    return JSON.parse(body.toString('utf8')) as ReplicaBody;
  } catch {
    return {};
  }
}

/** The region a call is signed for (SigV4 credential scope: KEY/DATE/REGION/SERVICE/aws4_request). */
export function regionOf(req: RawRequest): string {
  const auth = req.headers.authorization;
  return /Credential=[^/]+\/\d+\/([a-z0-9-]+)\//.exec(typeof auth === 'string' ? auth : '')?.[1] ?? '';
}

/** When each replica (table|region) was asked for, and removed. */
const createdAt = perProxy(() => new Map<string, number>());
const deletedAt = perProxy(() => new Map<string, number>());

const within = (ctx: BehaviourContext, at: number | undefined, ms: number): boolean =>
  at !== undefined && ctx.now - at < scaled(ctx, ms);

/** Replicas of `table` still settling: region → CREATING or DELETING. */
function settling(ctx: BehaviourContext, table: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, at] of createdAt(ctx))
    if (key.startsWith(`${table}|`) && within(ctx, at, CREATING_MS)) out.set(key.slice(table.length + 1), 'CREATING');
  for (const [key, at] of deletedAt(ctx))
    if (key.startsWith(`${table}|`) && within(ctx, at, DELETING_MS)) out.set(key.slice(table.length + 1), 'DELETING');
  return out;
}

const busy = (call: Call, table: string, what: string): Reply =>
  awsError(
    call,
    400,
    'com.amazonaws.dynamodb.v20120810#ResourceInUseException',
    `Attempt to change a resource which is still in use: ${what}: ${table}`,
  );

const CHANGES = new Set(['UpdateTable', 'DeleteTable', 'UpdateContinuousBackups', 'UpdateTimeToLive', 'TagResource']);

export const replicaSettling: Behaviour = {
  kind: 'dynamodb-replica-settling',
  source:
    'DynamoDB API Reference, DescribeTable (ReplicaDescription.ReplicaStatus CREATING, UPDATING, DELETING, ACTIVE) ' +
    'and UpdateTable (ResourceInUseException: "the resource which you are attempting to change is in use"); ' +
    'Terraform AWS provider internal/service/dynamodb/table.go createReplicas/deleteReplicas (retry ' +
    'ResourceInUseException, then waitReplicaActive / waitReplicaDeleted) and deleteTable ("Removing a table ' +
    'from a DynamoDB global table may return ResourceInUseException ... Table is being deleted")',
  before(call, req, ctx) {
    if (call.service !== 'dynamodb' || !CHANGES.has(call.operation)) return undefined;
    const body = json(req.body);
    const table = typeof body.TableName === 'string' ? body.TableName : undefined;
    if (!table) return undefined;
    const now = settling(ctx, table);
    if (now.size === 0) return undefined;
    const region = regionOf(req);
    // The replica itself, or the table while one of its replicas is being added or removed.
    const state = now.get(region) ?? [...now.values()][0];
    ctx.count('dynamodb-replica-settling');
    return busy(
      call,
      table,
      state === 'CREATING' ? 'Table is being updated (a replica is being created)' : 'Table is being deleted',
    );
  },
  after(call, req, body, ctx) {
    if (call.service !== 'dynamodb') return body;
    const sent = json(req.body);
    const table = typeof sent.TableName === 'string' ? sent.TableName : undefined;
    if (!table) return body;
    if (call.operation === 'UpdateTable')
      for (const u of sent.ReplicaUpdates ?? []) {
        if (u.Create?.RegionName) createdAt(ctx).set(`${table}|${u.Create.RegionName}`, ctx.now);
        if (u.Delete?.RegionName) deletedAt(ctx).set(`${table}|${u.Delete.RegionName}`, ctx.now);
      }
    if (call.operation !== 'DescribeTable') return body;
    const now = settling(ctx, table);
    if (now.size === 0) return body;
    const doc = JSON.parse(body) as {
      Table?: { TableStatus?: string; Replicas?: { RegionName?: string; ReplicaStatus?: string }[] };
    };
    if (!doc.Table) return body;
    const region = regionOf(req);
    if (now.get(region) === 'CREATING') doc.Table.TableStatus = 'CREATING';
    else {
      const listed = doc.Table.Replicas ?? [];
      for (const [r, state] of now) {
        const entry = listed.find((x) => x.RegionName === r);
        if (entry) entry.ReplicaStatus = state;
        else if (state === 'DELETING') listed.push({ RegionName: r, ReplicaStatus: state });
      }
      doc.Table.Replicas = listed;
    }
    ctx.count('dynamodb-replica-settling');
    return JSON.stringify(doc);
  },
};

export const replicaNeedsStream: Behaviour = {
  kind: 'dynamodb-replica-needs-stream',
  source:
    'DynamoDB API Reference, CreateGlobalTable ("The table must have DynamoDB Streams enabled, with the stream ' +
    'containing both the new and the old images of the item"); CloudFormation AWS::DynamoDB::GlobalTable ' +
    'StreamSpecification (required with more than one replica); Terraform AWS provider docs, ' +
    'aws_dynamodb_table_replica example (stream_enabled, stream_view_type NEW_AND_OLD_IMAGES)',
  async before(call, req, ctx) {
    if (call.service !== 'dynamodb' || call.operation !== 'UpdateTable') return undefined;
    const body = json(req.body);
    if (!(body.ReplicaUpdates ?? []).some((u) => u.Create) || typeof body.TableName !== 'string') return undefined;
    const ddb = ctx.emulator.client(DynamoDBClient, { region: regionOf(req) });
    const table = (await ddb.send(new DescribeTableCommand({ TableName: body.TableName }))).Table;
    const spec = table?.StreamSpecification;
    if (spec?.StreamEnabled && spec.StreamViewType === 'NEW_AND_OLD_IMAGES') return undefined;
    ctx.count('dynamodb-replica-needs-stream');
    return awsError(
      call,
      400,
      'com.amazonaws.dynamodb.v20120810#ValidationException',
      'One or more parameter values were invalid: Table must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES to add replicas',
    );
  },
};

export const DYNAMODB_REPLICA_BEHAVIOURS: Behaviour[] = [replicaNeedsStream, replicaSettling];
