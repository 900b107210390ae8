// What each scope of `projet1 permissions` may do, on which of the stack's ARNs: the grants, one
// builder per family of resources, each action marked with the narrowest scope that uses it.
import type { Config } from '../config/schema.js';
import { type PolicyArns, type PolicyTarget, resources } from './permission-arns.js';
import { edgeGrants } from './permission-grants-edge.js';
import type { PolicyStatement, Scope } from './permissions.js';
import { replicaGrants } from './replica-grants.js';
import { usersGrants, usersUnscoped } from './users-grants.js';
import { failoverGrants } from './failover-grants.js';

/** A statement whose actions are each marked with the narrowest scope that needs them. */
export interface Grant extends Omit<PolicyStatement, 'Action' | 'Effect'> {
  actions: Partial<Record<Scope, string[]>>;
}

export type StackConfig = Pick<Config, 'project' | 'environment' | 'region' | 'table' | 'website'> &
  Partial<Pick<Config, 'waf' | 'regions' | 'auth'>>;
export type { PolicyTarget } from './permission-arns.js';

/** The table and the functions' roles (passed to Lambda, the logging role to API Gateway). */
function dataGrants(r: PolicyArns): Grant[] {
  return [
    {
      Sid: 'Table',
      actions: {
        read: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive'],
        operate: [
          'dynamodb:ListTagsOfResource',
          'dynamodb:GetItem',
          'dynamodb:Query',
          'dynamodb:Scan',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:BatchWriteItem',
        ],
        deploy: [
          'dynamodb:DescribeBackup',
          'dynamodb:CreateTable',
          'dynamodb:UpdateTable',
          'dynamodb:DeleteTable',
          'dynamodb:TagResource',
          'dynamodb:UpdateContinuousBackups',
          'dynamodb:UpdateTimeToLive',
          'dynamodb:CreateBackup',
          'dynamodb:RestoreTableFromBackup',
          'dynamodb:RestoreTableToPointInTime',
        ],
      },
      Resource: r.table,
    },
    {
      Sid: 'Roles',
      actions: {
        read: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
        deploy: [
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:TagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:PutRolePolicy',
          'iam:DeleteRolePolicy',
          'iam:DetachRolePolicy',
        ],
      },
      Resource: r.roles,
    },
    {
      // The functions' roles go to Lambda, the logging role to API Gateway (its account setting).
      Sid: 'PassRoles',
      actions: { deploy: ['iam:PassRole'] },
      Resource: r.roles,
      Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'apigateway.amazonaws.com'] } },
    },
  ];
}

/** The functions, their log groups, the admin token and the lock. */
function functionGrants(r: PolicyArns): Grant[] {
  return [
    {
      Sid: 'Functions',
      actions: {
        // GetFunction returns the tags only to a caller allowed lambda:ListTags.
        read: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:ListTags', 'lambda:GetPolicy'],
        deploy: [
          'lambda:CreateFunction',
          'lambda:DeleteFunction',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:TagResource',
          'lambda:AddPermission',
          'lambda:RemovePermission',
        ],
      },
      Resource: r.functions,
    },
    {
      Sid: 'LogGroups',
      actions: {
        read: ['logs:ListTagsForResource', 'logs:FilterLogEvents'],
        deploy: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource'],
      },
      Resource: r.logGroups,
    },
    {
      // The admin token and the stack lock.
      Sid: 'Parameters',
      actions: {
        read: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource'],
        deploy: ['ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:AddTagsToResource'],
      },
      Resource: r.parameters,
    },
  ];
}

/** The site's buckets (one statement with its CloudFront resources, see `permissionsPolicy`). */
function siteBucketGrants(r: PolicyArns): Grant[] {
  return [
    {
      // The site's buckets and its CloudFront resources below: one statement (see `permissionsPolicy`).
      Sid: 'Site',
      actions: {
        read: [
          's3:ListBucket',
          's3:GetBucketTagging',
          's3:GetBucketVersioning',
          's3:GetEncryptionConfiguration',
          's3:GetBucketCORS',
          's3:GetBucketLogging',
          's3:GetBucketPublicAccessBlock',
          's3:GetLifecycleConfiguration',
          's3:GetBucketOwnershipControls',
          's3:GetBucketPolicy',
        ],
        deploy: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:ListBucketVersions',
          's3:PutBucketTagging',
          's3:PutBucketVersioning',
          's3:PutEncryptionConfiguration',
          's3:PutBucketCORS',
          's3:PutBucketLogging',
          's3:PutBucketPublicAccessBlock',
          's3:PutLifecycleConfiguration',
          's3:PutBucketOwnershipControls',
          's3:PutBucketPolicy',
          's3:DeleteBucketPolicy',
          's3:PutObject',
          's3:DeleteObject',
          's3:DeleteObjectVersion',
        ],
      },
      Resource: r.buckets,
    },
  ];
}

/** Alarms, the dashboard and the alarms' topic. */
function monitoringGrants(r: PolicyArns): Grant[] {
  return [
    {
      Sid: 'Monitoring',
      actions: {
        read: ['cloudwatch:ListTagsForResource', 'cloudwatch:GetDashboard'],
        deploy: [
          'cloudwatch:PutMetricAlarm',
          'cloudwatch:DeleteAlarms',
          'cloudwatch:TagResource',
          'cloudwatch:PutDashboard',
          'cloudwatch:DeleteDashboards',
        ],
      },
      Resource: r.monitoring,
    },
    {
      // The alarms' topic, in the statement of the alarms (see `permissionsPolicy`).
      Sid: 'Monitoring',
      actions: {
        read: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic', 'sns:ListTagsForResource'],
        deploy: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:Subscribe', 'sns:Unsubscribe', 'sns:TagResource'],
      },
      Resource: r.topics,
    },
  ];
}

/** The REST API, its stage and the account's logging setting. */
function restApiGrants(r: PolicyArns): Grant[] {
  return [
    {
      // API Gateway authorizes by HTTP method on the resource's path; ids are assigned at creation.
      Sid: 'RestApi',
      actions: {
        read: ['apigateway:GET'],
        deploy: ['apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'],
      },
      Resource: r.apigateway,
    },
    {
      // api.keys: the usage plans and keys. Read even with keys off: `up` removes the plans an earlier
      // configuration made, and `down` the partners' keys. `api-keys add|rotate|remove` change the stack.
      Sid: 'ApiKeys',
      actions: {
        read: ['apigateway:GET'],
        deploy: ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
      },
      Resource: r.apiKeys,
    },
  ];
}

/** Calls that name no resource a policy could restrict. */
function unscopedGrants(config: StackConfig): Grant[] {
  // Service Authorization Reference: RequestCertificate, ListCertificates and ListHostedZonesByName have no resource type.
  const domain = config.website.domain
    ? { read: ['acm:ListCertificates', 'route53:ListHostedZonesByName'], deploy: ['acm:RequestCertificate'] }
    : { read: [], deploy: [] };
  const users = config.auth?.users ? usersUnscoped : { read: [], deploy: [] };
  return [
    {
      // These calls take no resource AWS could restrict (Service Authorization Reference: no resource
      // type; the AWS CDK's list of CloudFront wildcard-only actions, aws-cloudfront/lib/private/utils.ts,
      // has ListDistributions, ListResponseHeadersPolicies and CreateOriginAccessControl), or name one
      // only after it exists.
      Sid: 'NoResourceTypes',
      actions: {
        read: [
          'sts:GetCallerIdentity',
          'cloudfront:ListDistributions',
          'cloudfront:ListOriginAccessControls',
          'cloudfront:ListResponseHeadersPolicies',
          // Even with the WAF off: `up` looks for the one an earlier setting made, to remove it.
          'wafv2:ListWebACLs',
          'cloudwatch:DescribeAlarms',
          'lambda:GetAccountSettings',
          'logs:DescribeLogGroups',
          // CloudFront's access-log delivery, its source and destination (src/resources/cloudfront-log-delivery*.ts),
          // even with the logs off: `up` looks for those an earlier setting made, to remove them.
          'logs:DescribeDeliveries',
          'logs:DescribeDeliverySources',
          'logs:DescribeDeliveryDestinations',
          // Tells this account's own bucket from another account's when HeadBucket answers a bare 403.
          's3:ListAllMyBuckets',
          // plan, up and down find what the stack tagged under names its configuration no longer
          // gives (src/stack/tagged.ts); GetResources has no resource type, its filter is the tags.
          'tag:GetResources',
          ...domain.read,
          ...users.read,
        ],
        operate: ['dynamodb:ListBackups'],
        deploy: ['cloudfront:CreateOriginAccessControl', ...domain.deploy, ...users.deploy],
      },
      Resource: '*',
    },
  ];
}

/** Every grant, in the order of the policy's statements (a Sid's first grant places its statement). */
export function grants(config: StackConfig, target: PolicyTarget): Grant[] {
  const r = resources(config, target);
  return [
    ...dataGrants(r),
    ...functionGrants(r),
    ...siteBucketGrants(r),
    ...monitoringGrants(r),
    ...restApiGrants(r),
    ...(config.regions?.secondary ? replicaGrants(r, config.regions.secondary) : []),
    ...(config.auth?.users ? usersGrants(r) : []),
    ...edgeGrants(config, r),
    ...(config.regions?.secondary ? failoverGrants(r) : []),
    ...unscopedGrants(config),
  ];
}
