// The API Gateway account's CloudWatch logging role, one per account and region: is it set, whose is it,
// and does its policy serve every stage? UpdateAccount makes API Gateway write /aws/apigateway/welcome
// with it, and every stage of every API writes its own log group with it: a role that allows only one
// stack's log group breaks the others.
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { arns } from '../aws/arns.js';
import { regionCode } from '../config/names.js';
import { rolePolicies } from '../resources/iam-role.js';
import type { CheckResult } from './doctor-checks.js';

/** The AWS managed policy made for this role. */
const MANAGED = 'AmazonAPIGatewayPushToCloudWatchLogs';
const ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcards (`*` any run, `?` one character), case-sensitive for resources, not for actions. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * True when the policy documents allow the three log actions on any log group of the region: checked on
 * API Gateway's own group and on an arbitrary stage's execution log stream. Denies are not weighed: a
 * hand-made role with denies is reported as serving when its allows do (rare; the console shows it).
 */
export function servesEveryStage(documents: unknown[], partition: string, region: string, account: string): boolean {
  const arn = arns({ partition, region, accountId: account });
  const samples = [
    arn.logGroup('/aws/apigateway/welcome'),
    arn.logGroup('API-Gateway-Execution-Logs_abc123/any-stage:log-stream:x'),
  ];
  const allows = documents.flatMap((doc) => {
    const statements = (doc as { Statement?: Statement | Statement[] }).Statement;
    return (Array.isArray(statements) ? statements : statements ? [statements] : []).filter(
      (s) => s.Effect === 'Allow' && s.Condition === undefined,
    );
  });
  return ACTIONS.every((action) =>
    samples.every((arn) =>
      allows.some(
        (s) => list(s.Action).some((a) => matches(a, action, true)) && list(s.Resource).some((r) => matches(r, arn)),
      ),
    ),
  );
}

/** The shared projet1 role's name in a region (one per account and region, serving every environment). */
export const sharedLoggingRole = (region: string): string => `projet1-apigw-logs-${regionCode(region)}`;

/** `who` (the caller's account and partition) may come later or fail: GetAccount does not wait for it. */
export async function loggingRoleCheck(
  aws: AwsClients,
  region: string,
  who: Promise<{ accountId: string; partition: string }>,
): Promise<CheckResult> {
  const account = await aws.client(APIGatewayClient, { maxAttempts: 2 }).send(new GetAccountCommand({}));
  const env = { region, ...(await who) };
  const arn = account.cloudwatchRoleArn;
  if (!arn)
    return {
      status: 'warn',
      detail: 'not set in this account and region: stages cannot write access logs yet',
      fix: '`projet1 up` creates a logging role and sets it',
    };
  const name = arn.split('/').at(-1) ?? arn;
  const roleAccount = arn.split(':')[4];
  const whose =
    name === sharedLoggingRole(env.region)
      ? "projet1's shared role"
      : /-apigw-logs-[a-z0-9]+$/.test(name)
        ? "an environment's own projet1 role"
        : "someone else's role";
  if (roleAccount !== env.accountId)
    return { status: 'warn', detail: `${arn} (${whose}, in account ${roleAccount}): its policy cannot be read here` };
  const iam = aws.client(IAMClient, { maxAttempts: 2 });
  await iam.send(new GetRoleCommand({ RoleName: name }));
  const policies = (await rolePolicies(iam, name)) ?? { inline: [], attached: [] };
  const managed = policies.attached.some((p) => p.name === MANAGED);
  const documents = await Promise.all(
    policies.inline.map(async (policy) => {
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
      return JSON.parse(decodeURIComponent(got.PolicyDocument ?? '{}')) as unknown;
    }),
  );
  if (managed || servesEveryStage(documents, env.partition, env.region, env.accountId))
    return { status: 'ok', detail: `${name} (${whose}) serves every stage of the region` };
  return {
    status: 'warn',
    detail: `${name} (${whose}) allows writing only some log groups: other stages of the account and region cannot log`,
    fix: `aws iam attach-role-policy --role-name ${name} --policy-arn ${arns(env).managedPolicy(`service-role/${MANAGED}`)}`,
  };
}
