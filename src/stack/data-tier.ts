// The data tier: the products table, one execution role per function, and the log groups.
import { FUNCTIONS, type FunctionSpec } from '../config/functions.js';
import type { Resource } from '../engine/types.js';
import { dynamodbReplica } from '../resources/dynamodb-replica.js';
import { dynamodbTable } from '../resources/dynamodb-table.js';
import { iamRole, serviceTrust, type PolicyDocument } from '../resources/iam-role.js';
import { logGroup } from '../resources/log-group.js';
import type { StackContext } from './context.js';
import type { ResourceId, StackResource } from './ids.js';
import { EXIT, UserError } from '../errors.js';

/** Least privilege: this function's DynamoDB actions on this table (and index), its own log group. */
export function functionPolicy(
  fn: FunctionSpec,
  arnsOf: { table: string; logGroup: string; adminToken: string; originSecret?: string },
): PolicyDocument {
  const onTable = fn.dynamodb.on.map((t) => (t === 'table' ? arnsOf.table : `${arnsOf.table}/index/*`));
  const statements: PolicyDocument['Statement'] = [];
  if (fn.dynamodb.actions.length > 0)
    statements.push({ Sid: 'ProductsTable', Effect: 'Allow', Action: fn.dynamodb.actions, Resource: onTable });
  // SecureString under the AWS-managed aws/ssm key: its key policy already lets SSM decrypt for this account.
  if (fn.readsAdminToken)
    statements.push({
      Sid: 'AdminToken',
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: [arnsOf.adminToken],
    });
  // An API route checks that a request came through the distribution (api.edgeOnly, runtime/api/edge.ts).
  if (fn.route && arnsOf.originSecret)
    statements.push({
      Sid: 'OriginSecret',
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: [arnsOf.originSecret],
    });
  statements.push({
    Sid: 'OwnLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: [arnsOf.logGroup, `${arnsOf.logGroup}:*`],
  });
  return { Version: '2012-10-17', Statement: statements };
}

export type TableResource = StackResource<typeof dynamodbTable>;

function productsTable({ config, names, arn, tags }: StackContext): TableResource {
  const t = config.table;
  return {
    id: 'table',
    name: names.table,
    provisioner: dynamodbTable,
    dependsOn: [],
    desired: {
      name: names.table,
      arn: arn.table(names.table),
      partitionKey: 'product_id',
      categoryIndex: names.categoryIndex,
      billingMode: t.billingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      readCapacity: t.readCapacity,
      writeCapacity: t.writeCapacity,
      pointInTimeRecovery: t.pointInTimeRecovery,
      ttlAttribute: t.ttlAttribute,
      deletionProtection: t.deletionProtection ?? config.environment !== 'development',
      tags,
    },
  };
}

export function logGroupResource(ctx: StackContext, id: ResourceId, name: string): StackResource<typeof logGroup> {
  return {
    id,
    name,
    provisioner: logGroup,
    dependsOn: [],
    desired: { name, arn: ctx.arn.logGroup(name), retentionDays: ctx.config.logs.retentionDays, tags: ctx.tags },
  };
}

/**
 * A function's execution role and its log group (listed first, as the role's policy names it), on the
 * table or, in regions.secondary, its replica there.
 */
export function functionRole(
  ctx: StackContext,
  fn: FunctionSpec,
  table: { id: ResourceId; desired: { arn: string } },
): [StackResource<typeof logGroup>, StackResource<typeof iamRole>] | [] {
  const { names, arn } = ctx;
  const n = names.functions[fn.id];
  if (!n) return [];
  const group = logGroupResource(ctx, `log-group:${fn.id}`, n.logGroup);
  const role: StackResource<typeof iamRole> = {
    id: `role:${fn.id}`,
    name: n.role,
    provisioner: iamRole,
    // The policy names the table and log group by ARN; they need not exist first,
    // but creating them first keeps teardown (reverse order) from orphaning grants.
    dependsOn: [table.id, group.id],
    desired: {
      name: n.role,
      arn: arn.role(n.role),
      description: `projet1 ${fn.seedName} execution role (${ctx.label})`,
      trust: serviceTrust('lambda.amazonaws.com'),
      policyName: 'least-privilege',
      policy: functionPolicy(fn, {
        table: table.desired.arn,
        logGroup: arn.logGroup(n.logGroup),
        adminToken: arn.parameter(names.adminTokenParameter),
        ...(ctx.edgeOnly ? { originSecret: arn.parameter(names.originSecretParameter) } : {}),
      }),
      tags: ctx.tags,
    },
  };
  return [group, role];
}

export type ReplicaResource = StackResource<typeof dynamodbReplica>;

/** regions.secondary is usable here: another region of the stack's partition, and a table AWS can replicate. */
function checkSecondary({ config, env }: StackContext, secondary: string): void {
  if (secondary === env.region)
    throw new UserError(`regions.secondary is ${secondary}, the stack's own region.`, {
      exitCode: EXIT.usage,
      hint: `Name another region in projet1.config.json ("regions": { "secondary": "…" }), or null for none.`,
    });
  // AWS replicates only an on-demand table or one with auto scaling, which projet1 does not set up.
  if (config.table.billingMode !== 'PAY_PER_REQUEST')
    throw new UserError(
      'regions.secondary needs an on-demand table (a replica of a provisioned one needs auto scaling).',
      {
        exitCode: EXIT.usage,
        hint: 'Set "table": { "billingMode": "PAY_PER_REQUEST" } in projet1.config.json, or "regions": { "secondary": null }.',
      },
    );
}

/**
 * The table's replica in regions.secondary (a global table, version 2019.11.21), with the primary's
 * settings. Built with no region when turned off: retired, `up` removes whatever replica the table has.
 */
function tableReplica(ctx: StackContext, table: TableResource): ReplicaResource {
  const secondary = ctx.config.regions.secondary;
  if (secondary !== null) checkSecondary(ctx, secondary);
  const t = table.desired;
  return {
    id: 'table-replica',
    name: `${t.name} (${secondary ?? 'second region'})`,
    provisioner: dynamodbReplica,
    dependsOn: [table.id],
    desired: {
      table: t.name,
      region: secondary,
      arn: ctx.arn.table(t.name, secondary ?? ctx.env.region),
      categoryIndex: t.categoryIndex,
      pointInTimeRecovery: t.pointInTimeRecovery,
      ttlAttribute: t.ttlAttribute,
      deletionProtection: t.deletionProtection,
      tags: ctx.tags,
    },
  };
}

export interface DataTier {
  table: TableResource;
  /** The table's replica in regions.secondary: undefined when there is none. */
  replica: ReplicaResource | undefined;
  resources: Resource[];
  retired: Resource[];
}

export function dataTier(ctx: StackContext): DataTier {
  const table = productsTable(ctx);
  const replica = tableReplica(ctx, table);
  const on = ctx.config.regions.secondary !== null;
  return {
    table,
    replica: on ? replica : undefined,
    retired: on ? [] : [replica],
    resources: [
      table,
      ...(on ? [replica] : []),
      ...FUNCTIONS.flatMap((fn) => functionRole(ctx, fn, table)),
      logGroupResource(ctx, 'log-group:api-access', ctx.names.apiAccessLogGroup),
    ],
  };
}
