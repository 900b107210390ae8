// The grants of the table's replica in a second region (regions.secondary), apart from
// permission-grants.ts, which holds every other family.
import type { PolicyArns } from './permission-arns.js';
import type { Grant } from './permission-grants.js';

/**
 * The table's replica in regions.secondary (DynamoDB developer guide, "Using IAM with global tables"):
 * UpdateTable on the primary, and in the replica's region CreateTableReplica/DeleteTableReplica with the
 * table and item actions DynamoDB uses to fill and remove it; the replication service-linked role,
 * which DynamoDB creates with the first replica of the account. Only when regions.secondary is set.
 */
export function replicaGrants(r: PolicyArns, secondary: string): Grant[] {
  const replica = r.tableIn(secondary);
  return [
    {
      Sid: 'Replica',
      actions: {
        read: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive'],
        operate: ['dynamodb:ListTagsOfResource'],
        deploy: [
          'dynamodb:CreateTableReplica',
          'dynamodb:DeleteTableReplica',
          'dynamodb:CreateTable',
          'dynamodb:UpdateTable',
          'dynamodb:DeleteTable',
          'dynamodb:TagResource',
          'dynamodb:UpdateContinuousBackups',
          'dynamodb:UpdateTimeToLive',
          'dynamodb:Scan',
          'dynamodb:Query',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
      },
      // The primary's ARN too: CreateTableReplica and DeleteTableReplica are checked on both tables.
      Resource: [replica, `${replica}/*`, r.table[0] ?? replica],
    },
    {
      Sid: 'Replica',
      actions: { deploy: ['iam:CreateServiceLinkedRole'] },
      Resource: r.replicationRole,
      Condition: { StringEquals: { 'iam:AWSServiceName': 'replication.dynamodb.amazonaws.com' } },
    },
  ];
}
