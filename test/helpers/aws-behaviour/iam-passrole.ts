// AWS's PassRole check: a call that hands a role to a service (a function's execution role to Lambda,
// the account's logging role to API Gateway) is refused unless the caller may `iam:PassRole` on that
// role with `iam:PassedToService` the receiving service. MiniStack 1.5.33 enforces IAM for the call's
// own action but never checks PassRole, so a deployer policy without it (or with it for the wrong
// service) would pass there and fail on AWS.
import { IAMClient, ListAccessKeysCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import type { Call } from '../aws-call.js';
import { awsError, type Reply } from '../aws-reply.js';
import { decide, userPolicies } from './iam-eval.js';
import { perProxy } from './state.js';
import type { Behaviour, BehaviourContext, RawRequest } from './types.js';

/** The emulator's root credentials: allowed everything, and used by every test but the permissions proof. */
const ROOT_KEY = 'test';

interface Caller {
  name: string;
  arn: string;
}

/** The service principal a call passes its role to, or undefined when it passes none. */
export function passedToService(call: Call): string | undefined {
  if (!call.roleArn) return undefined;
  if (call.service === 'lambda' && /^(CreateFunction|UpdateFunctionConfiguration)$/.test(call.operation))
    return 'lambda.amazonaws.com';
  if (call.service === 'apigateway' && call.operation === 'UpdateAccount') return 'apigateway.amazonaws.com';
  return undefined;
}

/** The SigV4 access key id the request is signed with. */
export const accessKeyOf = (req: RawRequest): string | undefined =>
  /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];

/** Each proxy's access key → IAM user (null: no user holds it; the emulator decides who it is). */
const callers = perProxy(() => new Map<string, Caller | null>());

/** The IAM user holding `key`, read from the emulator once per key (keys are never reissued). */
async function callerOf(ctx: BehaviourContext, key: string): Promise<Caller | null> {
  const known = callers(ctx);
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const iam = ctx.emulator.client(IAMClient);
  let found: Caller | null = null;
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListUsersCommand({ Marker }));
    for (const u of page.Users ?? []) {
      if (found || !u.UserName || !u.Arn) continue;
      const keys = await iam.send(new ListAccessKeysCommand({ UserName: u.UserName }));
      if ((keys.AccessKeyMetadata ?? []).some((k) => k.AccessKeyId === key)) found = { name: u.UserName, arn: u.Arn };
    }
    Marker = page.IsTruncated && !found ? page.Marker : undefined;
  } while (Marker);
  known.set(key, found);
  return found;
}

/** AWS's refusal, as Lambda and API Gateway both answer it: 403 AccessDeniedException. */
export const passRoleRefusal = (call: Call, callerArn: string, roleArn: string): Reply =>
  awsError(
    call,
    403,
    'AccessDeniedException',
    `User: ${callerArn} is not authorized to perform: iam:PassRole on resource: ${roleArn}`,
  );

/** Whether the caller's identity policies let it pass `roleArn` to `service`. */
export const mayPassRole = (docs: unknown[], roleArn: string, service: string): boolean =>
  decide(docs, 'iam:PassRole', roleArn, { 'iam:PassedToService': service }) === 'allow';

export const PASS_ROLE: Behaviour = {
  kind: 'iam-passrole-refused',
  source:
    'IAM User Guide, "Grant a user permissions to pass a role to an AWS service" (id_roles_use_passrole: iam:PassRole on the role, condition key iam:PassedToService) and "Policy evaluation logic" (an explicit Deny wins); the answer is the one Lambda and API Gateway give: AccessDeniedException "User: <arn> is not authorized to perform: iam:PassRole on resource: <role arn>"',
  before(call, req, ctx): Promise<Reply | undefined> | undefined {
    const service = passedToService(call);
    const key = accessKeyOf(req);
    // The root key is allowed everything: decided here, with no call to the emulator.
    if (!service || !call.roleArn || !key || key === ROOT_KEY) return undefined;
    const roleArn = call.roleArn;
    return (async () => {
      const caller = await callerOf(ctx, key);
      if (!caller) return undefined;
      if (mayPassRole(await userPolicies(ctx, caller.name), roleArn, service)) return undefined;
      ctx.count('iam-passrole-refused');
      return passRoleRefusal(call, caller.arn, roleArn);
    })();
  },
};
