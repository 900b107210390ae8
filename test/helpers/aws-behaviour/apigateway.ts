// API Gateway's account setting as AWS enforces it: UpdateAccount assumes the role it is given and
// writes /aws/apigateway/welcome with it, so a role that may not create that log group is refused; and
// UpdateAccount is limited to one call per 20 s per account. MiniStack accepts any role at any rate.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { parsePolicyDocument } from '../../../src/engine/canonical.js';
import type { Call } from '../aws-call.js';
import { awsError, type Reply } from '../aws-reply.js';
import { type Behaviour, type BehaviourContext, type RawRequest, scaled } from './types.js';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: { Service?: string | string[] } | string;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard matching: `*` any run of characters (colons and slashes too), `?` one; case-sensitive. */
function matches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

const actionMatches = (pattern: string, action: string): boolean =>
  matches(pattern.toLowerCase(), action.toLowerCase());

function statements(doc: unknown): Statement[] {
  const s = (doc as { Statement?: Statement | Statement[] } | undefined)?.Statement;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

/** The managed policy AWS documents for this role; the emulator may not hold AWS's own policies. */
const PUSH_TO_LOGS_MANAGED = /^arn:[\w-]+:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/;

/** Every policy document of the role (inline and attached), read straight from the emulator. */
async function rolePolicies(ctx: BehaviourContext, role: string): Promise<unknown[] | 'managed'> {
  const iam = ctx.emulator.client(IAMClient);
  const docs: unknown[] = [];
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: role }));
  for (const name of inline.PolicyNames ?? []) {
    const p = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
    docs.push(parsePolicyDocument(p.PolicyDocument));
  }
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }));
  for (const a of attached.AttachedPolicies ?? []) {
    if (PUSH_TO_LOGS_MANAGED.test(a.PolicyArn ?? '')) return 'managed';
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: a.PolicyArn }));
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: a.PolicyArn, VersionId: policy.Policy?.DefaultVersionId }),
    );
    docs.push(parsePolicyDocument(version.PolicyVersion?.Document));
  }
  return docs;
}

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

export const APIGATEWAY_BEHAVIOURS: Behaviour[] = [
  {
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
  },
  {
    kind: 'apigateway-logging-role-refused',
    source:
      'API Gateway developer guide, "Set up CloudWatch logging for REST APIs" (the role needs AmazonAPIGatewayPushToCloudWatchLogs: API Gateway creates /aws/apigateway/welcome with it); Terraform AWS provider internal/service/apigateway/account.go retries BadRequestException "The role ARN does not have required permissions"',
    async before(call, req, ctx): Promise<Reply | undefined> {
      // Clearing the setting (an empty value) assumes nothing.
      if (!isUpdateAccount(call) || !call.roleArn) return undefined;
      if (await canWriteWelcome(ctx, call.roleArn, regionOf(req))) return undefined;
      ctx.count('apigateway-logging-role-refused');
      return awsError(
        call,
        400,
        'BadRequestException',
        'The role ARN does not have required permissions set to API Gateway',
      );
    },
  },
];
