// A small IAM policy evaluator for the behaviours that play a check AWS makes and the emulator does not
// (API Gateway assuming its logging role, a caller passing a role): statements, IAM's wildcards, the
// string condition operators, explicit Deny over Allow. Only what those checks need; the policy
// documents are read straight from the emulator with its root clients.
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { parsePolicyDocument } from '../../../src/engine/canonical.js';
import type { BehaviourContext } from './types.js';

type Condition = Record<string, Record<string, string | string[]>>;

export interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: { Service?: string | string[] } | string;
  Condition?: Condition;
}

export const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM's wildcard matching: `*` any run of characters (colons and slashes too), `?` one; case-sensitive. */
export function matches(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

/** Action names are case-insensitive. */
export const actionMatches = (pattern: string, action: string): boolean =>
  matches(pattern.toLowerCase(), action.toLowerCase());

export function statements(doc: unknown): Statement[] {
  const s = (doc as { Statement?: Statement | Statement[] } | undefined)?.Statement;
  return s === undefined ? [] : Array.isArray(s) ? s : [s];
}

/** Each attached managed policy's document (its default version). */
async function attachedDocs(iam: IAMClient, arns: (string | undefined)[]): Promise<unknown[]> {
  const docs: unknown[] = [];
  for (const arn of arns) {
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }),
    );
    docs.push(parsePolicyDocument(version.PolicyVersion?.Document));
  }
  return docs;
}

/** The managed policy AWS documents for API Gateway's logging role; the emulator may not hold AWS's own policies. */
const PUSH_TO_LOGS_MANAGED = /^arn:[\w-]+:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/;

/** Every policy document of the role (inline and attached), or 'managed' when it holds AWS's logging policy. */
export async function rolePolicies(ctx: BehaviourContext, role: string): Promise<unknown[] | 'managed'> {
  const iam = ctx.emulator.client(IAMClient);
  const docs: unknown[] = [];
  const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: role }));
  for (const name of inline.PolicyNames ?? []) {
    const p = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
    docs.push(parsePolicyDocument(p.PolicyDocument));
  }
  const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: role }))).AttachedPolicies ?? [];
  if (attached.some((a) => PUSH_TO_LOGS_MANAGED.test(a.PolicyArn ?? ''))) return 'managed';
  return [
    ...docs,
    ...(await attachedDocs(
      iam,
      attached.map((a) => a.PolicyArn),
    )),
  ];
}

/** Every identity policy document of the user (inline and attached). */
export async function userPolicies(ctx: BehaviourContext, user: string): Promise<unknown[]> {
  const iam = ctx.emulator.client(IAMClient);
  const docs: unknown[] = [];
  const inline = await iam.send(new ListUserPoliciesCommand({ UserName: user }));
  for (const name of inline.PolicyNames ?? []) {
    const p = await iam.send(new GetUserPolicyCommand({ UserName: user, PolicyName: name }));
    docs.push(parsePolicyDocument(p.PolicyDocument));
  }
  const attached = (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: user }))).AttachedPolicies ?? [];
  return [
    ...docs,
    ...(await attachedDocs(
      iam,
      attached.map((a) => a.PolicyArn),
    )),
  ];
}

/** String condition operators (IAM User Guide, "IAM JSON policy elements: Condition operators"). */
const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: matches,
};

/**
 * Whether a statement's Condition holds for the request's context keys. Operator and key both must be
 * met; several values of one key are ORed. A key the request does not carry fails the positive
 * operators (as AWS does) and meets the negated ones; `...IfExists` meets both. An operator this
 * evaluator does not know fails (so an Allow it cannot judge grants nothing).
 */
function conditionHolds(condition: Condition | undefined, context: Record<string, string>): boolean {
  if (!condition) return true;
  const keys = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(condition).every(([operator, entries]) => {
    const ifExists = operator.endsWith('IfExists');
    const base = operator.replace(/IfExists$/, '');
    const negated = /^StringNot/.test(base);
    const test = OPERATORS[negated ? base.replace(/^StringNot/, 'String') : base];
    if (!test) return false;
    return Object.entries(entries).every(([key, values]) => {
      const value = keys.get(key.toLowerCase());
      if (value === undefined) return ifExists || negated;
      const any = list(values).some((p) => test(p, value));
      return negated ? !any : any;
    });
  });
}

function applies(s: Statement, action: string, resource: string, context: Record<string, string>): boolean {
  const actionIn = s.NotAction
    ? !list(s.NotAction).some((a) => actionMatches(a, action))
    : list(s.Action).some((a) => actionMatches(a, action));
  const resourceIn = s.NotResource
    ? !list(s.NotResource).some((r) => matches(r, resource))
    : list(s.Resource).some((r) => matches(r, resource));
  return actionIn && resourceIn && conditionHolds(s.Condition, context);
}

/**
 * IAM's decision for one request over identity policies: an explicit Deny wins, then any Allow, else
 * the implicit deny (IAM User Guide, "Policy evaluation logic").
 */
export function decide(
  docs: unknown[],
  action: string,
  resource: string,
  context: Record<string, string> = {},
): 'allow' | 'deny' | 'implicit-deny' {
  const all = docs.flatMap(statements).filter((s) => applies(s, action, resource, context));
  if (all.some((s) => s.Effect === 'Deny')) return 'deny';
  return all.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}
