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
  };
}

/** Least privilege: this function's DynamoDB actions on this table (and index), its own log group. */
export function functionPolicy(fn: FunctionSpec, tableArn: string, logGroupArn: string): PolicyDocument {
  const onTable = fn.dynamodb.on.map((t) => (t === 'table' ? tableArn : `${tableArn}/index/*`));
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ProductsTable', Effect: 'Allow', Action: fn.dynamodb.actions, Resource: onTable },
      { Sid: 'OwnLogGroup', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroupArn, `${logGroupArn}:*`] },
    ],
  };
}

export function dataTier(config: Config, env: StackEnv): Resource[] {
  const names = resourceNames(config);
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
        policy: functionPolicy(fn, tableArn, arn.logGroup(n.logGroup)),
        tags,
      },
    };
    return [group(`log-group:${fn.id}`, n.logGroup), role];
  });

  return [table, ...perFunction, group('log-group:api-access', names.apiAccessLogGroup)];
}
