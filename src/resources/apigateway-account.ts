// API Gateway writes a stage's logs only once the account names a CloudWatch role, and that setting is
// one per account and region. So projet1 keeps one role per account and region, shared by every stack
// (every project and environment) there, allowed to write every log group of the region, as AWS's managed
// policy AmazonAPIGatewayPushToCloudWatchLogs is. `down` leaves the role and the setting: another stack,
// or an API made by other means, may log through them; CloudFormation's AWS::ApiGateway::Account and
// Terraform's aws_api_gateway_account leave the setting on delete too, and the CDK retains its role.
import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { arns } from '../aws/arns.js';
import { fromTagList } from '../aws/tags.js';
import { isAwsError, unless } from '../aws/errors.js';
import { MANAGED_BY, regionCode } from '../config/names.js';
import { backoff } from '../engine/retry.js';
import type { ProvisionContext, Provisioner } from '../engine/types.js';
import { iamRole, serviceTrust, type RoleDesired, type RoleObserved } from './iam-role.js';

/** The `scope` tag of projet1's resources that belong to an account and region, not to one stack. */
export const SHARED_SCOPE = 'account-region';

/** The actions of AWS's managed policy AmazonAPIGatewayPushToCloudWatchLogs. */
const PUSH_TO_CLOUDWATCH_LOGS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:DescribeLogGroups',
  'logs:DescribeLogStreams',
  'logs:PutLogEvents',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
];

/** The account and region's logging role: the same name, policy and tags for every projet1 stack there. */
export function sharedLoggingRole(env: { partition: string; region: string; accountId: string }): RoleDesired {
  const name = `projet1-apigw-logs-${regionCode(env.region)}`;
  const arn = arns(env);
  return {
    name,
    arn: arn.role(name),
    description: `Lets API Gateway write the logs of every stage in ${env.region} (projet1, shared by its stacks)`,
    trust: serviceTrust('apigateway.amazonaws.com'),
    policyName: 'push-to-cloudwatch-logs',
    policy: {
      Version: '2012-10-17',
      // Region-wide: UpdateAccount makes API Gateway create /aws/apigateway/welcome with it, and every stage
      // of the region (any project, any environment) writes its own log group with it.
      Statement: [
        {
          Effect: 'Allow',
          Action: PUSH_TO_CLOUDWATCH_LOGS,
          Resource: arn.allLogs(),
        },
      ],
    },
    tags: { 'managed-by': MANAGED_BY, scope: SHARED_SCOPE, region: env.region },
  };
}

/** The shared role: an IAM role no stack owns, so no stack sees it as a conflict and no `down` deletes it. */
export const sharedIamRole: Provisioner<RoleDesired, RoleObserved> = {
  ...iamRole,
  // projet1's shared role is every stack's to use; a role of that name without those tags is someone else's.
  tags: (o) => (o.tags['managed-by'] === MANAGED_BY && o.tags.scope === SHARED_SCOPE ? undefined : o.tags),
  owned: () => false,
};

export interface AccountDesired {
  roleArn: string;
}

export interface AccountObserved {
  roleArn: string;
  /** The setting names projet1's old per-environment role (its policy covers one stack's log group) or no role at all. */
  replaceable: boolean;
}

// The Terraform AWS provider retries UpdateAccount on these two messages for IAM's propagation time
// (internal/service/apigateway/account.go, tfiam.PropagationTimeout: 2 minutes).
const NOT_YET = [
  'The role ARN does not have required permissions',
  'API Gateway could not successfully write to CloudWatch Logs using the ARN specified',
];
const PROPAGATION_MS = 120_000;

async function setRole(ctx: ProvisionContext, value: string): Promise<void> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.aws
        .client(APIGatewayClient)
        .send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value }] }));
      return;
    } catch (err) {
      const propagating =
        isAwsError(err, 'BadRequestException') && NOT_YET.some((m) => (err as Error).message.includes(m));
      if (!propagating || Date.now() - started >= PROPAGATION_MS) throw err;
      ctx.note('API Gateway cannot use the new logging role yet (IAM propagation), retrying');
      await ctx.sleep(backoff(attempt, 1000, 10000));
    }
  }
}

/** Whether a setting naming `roleArn` (not the shared role) is projet1's to replace. */
async function replaceable(ctx: ProvisionContext, roleArn: string, ours: string): Promise<boolean> {
  const account = (arn: string) => arn.split(':')[4];
  // A role of another account is someone else's by definition.
  if (account(roleArn) !== account(ours)) return false;
  const name = roleArn.split('/').pop() ?? '';
  const role = await unless(
    ctx.aws.client(IAMClient).send(new GetRoleCommand({ RoleName: name })),
    'NoSuchEntityException',
    'NoSuchEntity',
  ).catch((err: unknown) => {
    // A deployer allowed to read only projet1's roles cannot read someone else's: leave it alone.
    if (isAwsError(err, 'AccessDenied', 'AccessDeniedException')) return 'unreadable' as const;
    throw err;
  });
  if (role === 'unreadable') return false;
  // The setting names a role that is gone: no stage of the region can log, whoever set it.
  if (!role?.Role) return true;
  const tags = fromTagList(role.Role.Tags);
  return tags['managed-by'] === MANAGED_BY && tags.environment !== undefined && /-apigw-logs-[a-z0-9]+$/.test(name);
}

export const apigatewayAccount: Provisioner<AccountDesired, AccountObserved> = {
  type: 'apigateway-account',
  service: 'apigateway',
  // Setting the account's logging role lets API Gateway act with it.
  securityFields: ['roleArn'],

  async observe(ctx, d) {
    const account = await ctx.aws.client(APIGatewayClient).send(new GetAccountCommand({}));
    // Account settings always exist; "absent" means no role is set.
    const roleArn = account.cloudwatchRoleArn;
    if (!roleArn) return undefined;
    return { roleArn, replaceable: roleArn !== d.roleArn && (await replaceable(ctx, roleArn, d.roleArn)) };
  },

  tags: () => undefined,

  // Never cleared by `down`: every stage of the account and region logs through it.
  owned: () => false,

  kept: (d, o) =>
    o.roleArn === d.roleArn
      ? `Kept ${d.roleArn.split('/').pop() ?? ''} and the API Gateway account setting naming it: every stage of this account and region logs through them.`
      : undefined,

  // Someone else's role is left alone (it is account-wide and we do not take it over); projet1's old
  // per-environment role, or one that no longer exists, is replaced by the shared one.
  diff: (d, o) => (o.replaceable ? [{ field: 'roleArn', from: o.roleArn, to: d.roleArn }] : []),

  async create(ctx, d) {
    await setRole(ctx, d.roleArn);
  },

  async update(ctx, d) {
    await setRole(ctx, d.roleArn);
  },

  async delete() {
    /* never called: owned() is false, so teardown keeps the setting */
  },
};
