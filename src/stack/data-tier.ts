// The data tier: the products table, one execution role per function, and the log groups.
import type { Config } from '../config/schema.js';
import { FUNCTIONS, type FunctionSpec } from '../config/functions.js';
import { resourceNames, stackTags } from '../config/names.js';
import type { Resource } from '../engine/types.js';
import { dynamodbTable, type TableDesired } from '../resources/dynamodb-table.js';
import { iamRole, serviceTrust, type PolicyDocument, type RoleDesired } from '../resources/iam-role.js';
import { logGroup, type LogGroupDesired } from '../resources/log-group.js';
import type { StackEnv } from './stack-env.js';

export function arns(env: StackEnv) {
  const base = (service: string, region = env.region) => `arn:${env.partition}:${service}:${region}:${env.accountId}`;
  return {
    table: (name: string) => `${base('dynamodb')}:table/${name}`,
    logGroup: (name: string) => `${base('logs')}:log-group:${name}`,
    role: (name: string) => `arn:${env.partition}:iam::${env.accountId}:role/${name}`,
    parameter: (name: string) => `${base('ssm')}:parameter${name}`,
    function: (name: string) => `${base('lambda')}:function:${name}`,
  };
}

/** Least privilege: this function's DynamoDB actions on this table (and index), its own log group. */
export function functionPolicy(
  fn: FunctionSpec,
  arnsOf: { table: string; logGroup: string; adminToken: string },
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
  statements.push({
    Sid: 'OwnLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: [arnsOf.logGroup, `${arnsOf.logGroup}:*`],
  });
  return { Version: '2012-10-17', Statement: statements };
}

export function dataTier(config: Config, env: StackEnv): Resource[] {
  const names = resourceNames(config, env.accountId);
  const tags = stackTags(config);
  const arn = arns(env);
  const tableArn = arn.table(names.table);

  const table: Resource<TableDesired> = {
    id: 'table',
    name: names.table,
    provisioner: dynamodbTable,
    dependsOn: [],
    desired: {
      name: names.table,
      arn: tableArn,
      partitionKey: 'product_id',
      categoryIndex: names.categoryIndex,
      billingMode: config.table.billingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED',
      readCapacity: config.table.readCapacity,
      writeCapacity: config.table.writeCapacity,
      pointInTimeRecovery: config.table.pointInTimeRecovery,
      ttlAttribute: config.table.ttlAttribute,
      deletionProtection: config.table.deletionProtection ?? config.environment !== 'development',
      tags,
    },
  };

  const group = (id: string, name: string): Resource<LogGroupDesired> => ({
    id,
    name,
    provisioner: logGroup,
    dependsOn: [],
    desired: { name, arn: arn.logGroup(name), retentionDays: config.logs.retentionDays, tags },
  });

  const perFunction = FUNCTIONS.flatMap((fn): Resource[] => {
    const n = names.functions[fn.id];
    if (!n) return [];
    const role: Resource<RoleDesired> = {
      id: `role:${fn.id}`,
      name: n.role,
      provisioner: iamRole,
      // The policy names the table and log group by ARN; they need not exist first,
      // but creating them first keeps teardown (reverse order) from orphaning grants.
      dependsOn: ['table', `log-group:${fn.id}`],
      desired: {
        name: n.role,
        arn: arn.role(n.role),
        description: `projet1 ${fn.seedName} execution role (${config.project}/${config.environment})`,
        trust: serviceTrust('lambda.amazonaws.com'),
        policyName: 'least-privilege',
        policy: functionPolicy(fn, {
          table: tableArn,
          logGroup: arn.logGroup(n.logGroup),
          adminToken: arn.parameter(names.adminTokenParameter),
        }),
        tags,
      },
    };
    return [group(`log-group:${fn.id}`, n.logGroup), role];
  });

  return [table, ...perFunction, group('log-group:api-access', names.apiAccessLogGroup)];
}
