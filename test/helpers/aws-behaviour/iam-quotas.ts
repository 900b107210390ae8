// IAM's size and count quotas on identity policies, which MiniStack 1.5.33 does not check (it reports
// them in GetAccountSummary but accepts any document): a managed policy holds 6,144 characters, a
// user's inline policies 2,048 together and a role's 10,240, white space not counted; a user or a role
// holds 10 managed policies. A policy printed over them would pass on the emulator and fail on AWS.
import {
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { parsePolicyDocument } from '../../../src/engine/canonical.js';
import { awsError, type Reply } from '../aws-reply.js';
import type { Behaviour } from './types.js';

const MANAGED = 6144;
const INLINE: Record<'user' | 'role', number> = { user: 2048, role: 10240 };
const ATTACHED = 10;

const characters = (doc: string): number => doc.replace(/\s/g, '').length;

/** The characters of the entity's inline policies other than `except` (a put under a name replaces that one). */
async function otherInline(iam: IAMClient, kind: 'user' | 'role', name: string, except: string): Promise<number> {
  const names =
    kind === 'user'
      ? (await iam.send(new ListUserPoliciesCommand({ UserName: name }))).PolicyNames
      : (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames;
  let total = 0;
  for (const PolicyName of (names ?? []).filter((n) => n !== except)) {
    const doc =
      kind === 'user'
        ? (await iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName }))).PolicyDocument
        : (await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName }))).PolicyDocument;
    total += characters(JSON.stringify(parsePolicyDocument(doc)));
  }
  return total;
}

export const IAM_POLICY_QUOTAS: Behaviour = {
  kind: 'iam-policy-quota',
  source:
    'IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas: managed policy size 6,144 characters, inline policies 2,048 per user and 10,240 per role in aggregate, white space not counted; 10 managed policies attached to a user or role by default); IAM answers 409 LimitExceeded "Cannot exceed quota for PolicySize: 6144", "Maximum policy size of 2048 bytes exceeded for user <name>", "Cannot exceed quota for PoliciesPerUser: 10"',
  async before(call, req, ctx): Promise<Reply | undefined> {
    if (call.service !== 'iam') return undefined;
    const form = new URLSearchParams(req.body.toString('utf8'));
    const document = form.get('PolicyDocument') ?? '';
    const refuse = (message: string): Reply => {
      ctx.count('iam-policy-quota');
      return awsError(call, 409, 'LimitExceeded', message);
    };
    if (/^(CreatePolicy|CreatePolicyVersion)$/.test(call.operation) && characters(document) > MANAGED)
      return refuse(`Cannot exceed quota for PolicySize: ${MANAGED}`);
    const kind = /^(Put|Attach)(User|Role)Polic/.exec(call.operation)?.[2]?.toLowerCase();
    if (kind !== 'user' && kind !== 'role') return undefined;
    const name = form.get(kind === 'user' ? 'UserName' : 'RoleName') ?? '';
    const iam = ctx.emulator.client(IAMClient);
    if (call.operation.startsWith('Put')) {
      const total = characters(document) + (await otherInline(iam, kind, name, form.get('PolicyName') ?? ''));
      if (total > INLINE[kind])
        return refuse(`Maximum policy size of ${INLINE[kind]} bytes exceeded for ${kind} ${name}`);
      return undefined;
    }
    const attached =
      kind === 'user'
        ? (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: name }))).AttachedPolicies
        : (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies;
    const arn = form.get('PolicyArn');
    if ((attached ?? []).length >= ATTACHED && !(attached ?? []).some((a) => a.PolicyArn === arn))
      return refuse(`Cannot exceed quota for PoliciesPer${kind === 'user' ? 'User' : 'Role'}: ${ATTACHED}`);
    return undefined;
  },
};
