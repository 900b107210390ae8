// API Gateway's account setting as AWS enforces it: UpdateAccount assumes the role it is given and
// writes /aws/apigateway/welcome with it, so a role that may not create that log group is refused; and
// UpdateAccount is limited to one call per 20 s per account. MiniStack accepts any role at any rate.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { parsePolicyDocument } from '../../../src/engine/canonical.js';
import type { Call } from '../aws-call.js';
import { awsError, type Reply } from '../aws-reply.js';
import { actionMatches, list, matches, rolePolicies, statements } from './iam-eval.js';
import { type Behaviour, type BehaviourContext, type RawRequest, scaled } from './types.js';

/** Whether API Gateway may assume `roleArn` and create /aws/apigateway/welcome in `region` with it. */
async function canWriteWelcome(ctx: BehaviourContext, roleArn: string, region: string): Promise<boolean> {
  const name = roleArn.split('/').pop() ?? '';
  const account = roleArn.split(':')[4] ?? '';
  const partition = roleArn.split(':')[1] ?? 'aws';
  const iam = ctx.emulator.client(IAMClient);
  const role = await iam.send(new GetRoleCommand({ RoleName: name })).catch(() => undefined);
  if (!role?.Role) return false;
  const trusted = statements(parsePolicyDocument(role.Role.AssumeRolePolicyDocument)).some(
    (s) =>
      s.Effect === 'Allow' &&
      typeof s.Principal === 'object' &&
      list(s.Principal.Service).includes('apigateway.amazonaws.com'),
  );
  if (!trusted) return false;
  const docs = await rolePolicies(ctx, name);
  if (docs === 'managed') return true;
  const welcome = `arn:${partition}:logs:${region}:${account}:log-group:/aws/apigateway/welcome`;
  return docs.some((doc) =>
    statements(doc).some(
      (s) =>
        s.Effect === 'Allow' &&
        list(s.Action).some((a) => actionMatches(a, 'logs:CreateLogGroup')) &&
        list(s.Resource).some((r) => matches(r, welcome)),
    ),
  );
}

/** The region a signed request is for, from its SigV4 credential scope. */
const regionOf = (req: RawRequest): string =>
  /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? 'us-east-1';

const isUpdateAccount = (call: Call): boolean => call.service === 'apigateway' && call.operation === 'UpdateAccount';

/** When each emulator (one per proxy) last took an UpdateAccount. */
const lastUpdate = new WeakMap<object, number>();
/** When each role of each emulator was last created or changed. */
const roleChanged = new WeakMap<object, Map<string, number>>();

const NOT_ASSUMABLE = 'The role ARN does not have required permissions set to API Gateway';
const CANNOT_WRITE = 'API Gateway could not successfully write to CloudWatch Logs using the ARN specified';

/**
 * For IAM's propagation time after a role or its policy changes, UpdateAccount is refused: first as
 * not assumable, then (assumable, its policy not yet in effect) as unable to write to CloudWatch Logs.
 * The two halves are a model: AWS documents neither the order nor the split, only both messages.
 */
export const UPDATE_ACCOUNT_PROPAGATION: Behaviour = {
  kind: 'apigateway-logging-role-propagating',
  source:
    'IAM User Guide, "Changes that I make are not always immediately visible" (seconds, ~10 s observed); Terraform AWS provider internal/service/apigateway/account.go retries BadRequestException "The role ARN does not have required permissions" and "API Gateway could not successfully write to CloudWatch Logs using the ARN specified" for tfiam.PropagationTimeout (2 minutes)',
  before(call, _req, ctx): Reply | undefined {
    if (!isUpdateAccount(call) || !call.roleArn) return undefined;
    const changed = roleChanged.get(ctx.emulator)?.get(call.roleArn.split('/').pop() ?? '');
    const window = scaled(ctx, 10_000);
    if (changed === undefined || ctx.now - changed >= window) return undefined;
    const assumable = ctx.now - changed >= window / 2;
    ctx.count(assumable ? 'apigateway-logging-role-cannot-write' : 'apigateway-logging-role-not-assumable');
    return awsError(call, 400, 'BadRequestException', assumable ? CANNOT_WRITE : NOT_ASSUMABLE);
  },
  after(call, _req, body, ctx): string {
    if (
      call.service === 'iam' &&
      call.resource &&
      /^(CreateRole|PutRolePolicy|UpdateAssumeRolePolicy|AttachRolePolicy)$/.test(call.operation)
    ) {
      const roles = roleChanged.get(ctx.emulator) ?? new Map<string, number>();
      roles.set(call.resource, ctx.now);
      roleChanged.set(ctx.emulator, roles);
    }
    return body;
  },
};

export const UPDATE_ACCOUNT_QUOTA: Behaviour = {
  kind: 'apigateway-update-account-quota',
  source:
    'API Gateway developer guide, "Amazon API Gateway quotas": UpdateAccount, 1 request every 20 seconds per account (not adjustable); over it, 429 TooManyRequestsException',
  before(call, _req, ctx): Reply | undefined {
    if (!isUpdateAccount(call)) return undefined;
    const last = lastUpdate.get(ctx.emulator);
    if (last !== undefined && ctx.now - last < scaled(ctx, 20_000)) {
      ctx.count('apigateway-update-account-quota');
      return awsError(call, 429, 'TooManyRequestsException', 'Too Many Requests');
    }
    lastUpdate.set(ctx.emulator, ctx.now);
    return undefined;
  },
};

export const UPDATE_ACCOUNT_ROLE_POLICY: Behaviour = {
  kind: 'apigateway-logging-role-refused',
  source:
    'API Gateway developer guide, "Set up CloudWatch logging for REST APIs" (the role needs AmazonAPIGatewayPushToCloudWatchLogs: API Gateway creates /aws/apigateway/welcome with it); the answer is the one the Terraform AWS provider (internal/service/apigateway/account.go) matches',
  async before(call, req, ctx): Promise<Reply | undefined> {
    // Clearing the setting (an empty value) assumes nothing.
    if (!isUpdateAccount(call) || !call.roleArn) return undefined;
    if (await canWriteWelcome(ctx, call.roleArn, regionOf(req))) return undefined;
    ctx.count('apigateway-logging-role-refused');
    return awsError(call, 400, 'BadRequestException', NOT_ASSUMABLE);
  },
};

// In the order AWS would answer: over the quota nothing is looked at; a role still propagating is refused
// before its policy is read.
export const APIGATEWAY_BEHAVIOURS: Behaviour[] = [
  UPDATE_ACCOUNT_QUOTA,
  UPDATE_ACCOUNT_PROPAGATION,
  UPDATE_ACCOUNT_ROLE_POLICY,
];
