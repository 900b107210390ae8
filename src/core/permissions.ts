// The IAM policy a caller of projet1 needs, built from the stack's own names and ARNs (the same
// helpers the stack uses), so it grants each action on this stack's resources only wherever AWS lets
// a policy name a resource. Each action belongs to the narrowest scope that uses it: `read` (plan,
// status, outputs, logs), `operate` (+ products, admin-token show, backups), `deploy` (+ up, down,
// deploy-website, restore, admin-token rotate). test/unit/permissions.test.ts checks that every AWS
// call in src/ is granted by `deploy`; test/integration/permissions.test.ts proves it under IAM.
import type { Config } from '../config/schema.js';
import { regionCode, resourceNames } from '../config/names.js';
import { arns } from '../aws/arns.js';
import { cloudfrontMetricsRegion } from '../stack/stack-env.js';

export const SCOPES = ['read', 'operate', 'deploy'] as const;
export type Scope = (typeof SCOPES)[number];

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A statement whose actions are each marked with the narrowest scope that needs them. */
interface Grant extends Omit<PolicyStatement, 'Action' | 'Effect'> {
  actions: Partial<Record<Scope, string[]>>;
}

export interface PolicyTarget {
  accountId: string;
  partition: string;
}

type StackConfig = Pick<Config, 'project' | 'environment' | 'region' | 'table' | 'website'>;

/** The stack's resources as policy ARNs. */
function resources(config: StackConfig, target: PolicyTarget) {
  const { accountId, partition } = target;
  const names = resourceNames(config, accountId);
  const arn = arns({ accountId, partition, region: config.region });
  const cfRegion = cloudfrontMetricsRegion(partition);
  // Alarms and notification topics also live where CloudFront's metrics are (us-east-1 in `aws`).
  const regions = [...new Set([config.region, ...(cfRegion ? [cfRegion] : [])])];
  const regional = (service: string, region: string, rest: string) =>
    `arn:${partition}:${service}:${region}:${accountId}:${rest}`;
  const table = arn.table(names.table);
  const rc = regionCode(config.region);
  const buckets = [names.siteBucket, names.logBucket].map((b) => `arn:${partition}:s3:::${b}`);
  return {
    // `table/NAME/*`: its index and its backups (a backup keeps the table's name in its ARN); a restore
    // goes through the temporary table `NAME-restore-<time>`.
    table: [table, `${table}/*`, `${table}-restore-*`],
    // The functions' roles and the account's shared API Gateway logging role (names.ts, apigateway-account.ts).
    roles: [arn.role(`${names.prefix}-*-${rc}`), arn.role(`projet1-apigw-logs-${rc}`)],
    functions: arn.function(`${names.prefix}-*`),
    // Most Logs actions name a group `…:log-group:NAME:*`, its tagging ones without `:*`: a trailing * covers both.
    logGroups: [arn.logGroup(`/aws/lambda/${names.prefix}-*`), arn.logGroup(`${names.apiAccessLogGroup}*`)],
    parameters: arn.parameter(`/${config.project}/${config.environment}/*`),
    buckets: [...buckets, ...buckets.map((b) => `${b}/*`)],
    monitoring: [
      ...regions.map((r) => regional('cloudwatch', r, `alarm:${names.prefix}-*`)),
      `arn:${partition}:cloudwatch::${accountId}:dashboard/${names.prefix}-${config.region}`,
    ],
    topics: regions.map((r) => regional('sns', r, `${names.prefix}-${config.region}-alarms`)),
    apigateway: ['/restapis*', '/account', '/tags/*'].map((p) => `arn:${partition}:apigateway:${config.region}::${p}`),
    distributions: `arn:${partition}:cloudfront::${accountId}:distribution/*`,
    // Every CloudFront resource of the account: each action below names one type only (OACs and
    // response-headers policies take no tags, and ids are assigned at creation).
    cloudfront: `arn:${partition}:cloudfront::${accountId}:*`,
    tags: (key: 'ResourceTag' | 'RequestTag') => ({
      [`aws:${key}/project`]: config.project,
      [`aws:${key}/environment`]: config.environment,
    }),
  };
}

function grants(config: StackConfig, target: PolicyTarget): Grant[] {
  const r = resources(config, target);
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
      // Ids are assigned at creation: any distribution may be read (ours is found by its comment), and
      // origin access controls and response-headers policies take no tags.
      Sid: 'Site',
      actions: {
        read: [
          'cloudfront:GetDistribution',
          'cloudfront:ListTagsForResource',
          'cloudfront:GetOriginAccessControl',
          'cloudfront:GetResponseHeadersPolicy',
        ],
        deploy: [
          'cloudfront:UpdateOriginAccessControl',
          'cloudfront:DeleteOriginAccessControl',
          'cloudfront:CreateResponseHeadersPolicy',
          'cloudfront:UpdateResponseHeadersPolicy',
          'cloudfront:DeleteResponseHeadersPolicy',
        ],
      },
      Resource: r.cloudfront,
    },
    {
      // A new distribution carries this stack's tags (CreateDistributionWithTags needs both actions).
      Sid: 'NewDistribution',
      actions: { deploy: ['cloudfront:CreateDistribution', 'cloudfront:TagResource'] },
      Resource: r.distributions,
      Condition: { StringEquals: r.tags('RequestTag') },
    },
    {
      // Only a distribution carrying this stack's tags can be changed, invalidated or deleted.
      Sid: 'OwnDistribution',
      actions: {
        deploy: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:CreateInvalidation'],
      },
      Resource: r.distributions,
      Condition: { StringEquals: r.tags('ResourceTag') },
    },
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
          'cloudwatch:DescribeAlarms',
          'lambda:GetAccountSettings',
          'logs:DescribeLogGroups',
          // Tells this account's own bucket from another account's when HeadBucket answers a bare 403.
          's3:ListAllMyBuckets',
          // plan, up and down find what the stack tagged under names its configuration no longer
          // gives (src/stack/tagged.ts); GetResources has no resource type, its filter is the tags.
          'tag:GetResources',
        ],
        operate: ['dynamodb:ListBackups'],
        deploy: ['cloudfront:CreateOriginAccessControl'],
      },
      Resource: '*',
    },
  ];
}

const RANK: Record<Scope, number> = { read: 0, operate: 1, deploy: 2 };

/** The policy document for `scope`: each grant with the actions of that scope and the narrower ones. */
export function permissionsPolicy(config: StackConfig, target: PolicyTarget, scope: Scope): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const g of grants(config, target)) {
    const actions = SCOPES.filter((s) => RANK[s] <= RANK[scope]).flatMap((s) => g.actions[s] ?? []);
    if (actions.length === 0) continue;
    const { actions: _, ...rest } = g;
    // Grants sharing a Sid (none with a condition) become one statement: the same permissions, since
    // each action applies to its own service's resources only, in fewer of a managed policy's 6,144 characters.
    const same = statements.find((s) => s.Sid === rest.Sid && !s.Condition && !rest.Condition);
    if (same) {
      same.Action = [...new Set([...same.Action, ...actions])].sort();
      same.Resource = [...[same.Resource].flat(), ...[rest.Resource].flat()];
      continue;
    }
    statements.push({
      Sid: rest.Sid,
      Effect: 'Allow',
      Action: [...new Set(actions)].sort(),
      Resource: rest.Resource,
      ...(rest.Condition ? { Condition: rest.Condition } : {}),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
