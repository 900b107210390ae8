// IAM role with one inline policy. One role per Lambda function keeps each function
// to the least privilege it needs.
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { canonicalJson, parsePolicyDocument } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import type { FieldChange, Provisioner } from '../engine/types.js';

/** The answer, or undefined when the role (or its policy) is not there: IAM's code is NoSuchEntity. */
const unlessGone = <T>(call: Promise<T>): Promise<T | undefined> =>
  unless(call, 'NoSuchEntityException', 'NoSuchEntity');

/** A role's inline policy names and attached policies, every page of each; undefined when the role is gone. */
export async function rolePolicies(
  iam: IAMClient,
  role: string,
): Promise<{ inline: string[]; attached: { name: string; arn: string }[] } | undefined> {
  const all = async () => {
    const inline: string[] = [];
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: role }))
      inline.push(...(page.PolicyNames ?? []));
    const attached: { name: string; arn: string }[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: role }))
      for (const p of page.AttachedPolicies ?? []) attached.push({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' });
    return { inline, attached };
  };
  return unlessGone(all());
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid?: string;
    Effect: 'Allow' | 'Deny';
    Action: string[] | string;
    Resource?: string[] | string;
    Principal?: Record<string, string> | '*';
    Condition?: Record<string, Record<string, string | boolean>>;
  }[];
}

export interface RoleDesired {
  name: string;
  arn: string;
  description: string;
  trust: PolicyDocument;
  policyName: string;
  policy: PolicyDocument;
  tags: Record<string, string>;
}

export interface RoleObserved {
  arn: string;
  trust: unknown;
  policy: unknown;
  tags: Record<string, string>;
}

export function serviceTrust(service: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  };
}

export const iamRole: Provisioner<RoleDesired, RoleObserved> = {
  type: 'iam-role',
  service: 'iam',
  securityFields: ['trustPolicy', 'policy'],

  async observe(ctx, d) {
    const iam = ctx.aws.client(IAMClient);
    const role = await unlessGone(iam.send(new GetRoleCommand({ RoleName: d.name })));
    if (!role?.Role) return undefined;
    const inline = await unlessGone(iam.send(new GetRolePolicyCommand({ RoleName: d.name, PolicyName: d.policyName })));
    return {
      arn: role.Role.Arn ?? d.arn,
      trust: parsePolicyDocument(role.Role.AssumeRolePolicyDocument),
      policy: parsePolicyDocument(inline?.PolicyDocument),
      tags: fromTagList(role.Role.Tags),
    };
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (canonicalJson(d.trust) !== canonicalJson(o.trust))
      changes.push({ field: 'trustPolicy', from: o.trust, to: d.trust });
    if (canonicalJson(d.policy) !== canonicalJson(o.policy))
      changes.push({ field: 'policy', from: o.policy ?? null, to: d.policy });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const iam = ctx.aws.client(IAMClient);
    // Retry-safe: a role left by an interrupted run is reused, then brought to the desired state.
    const created = await unless(
      iam.send(
        new CreateRoleCommand({
          RoleName: d.name,
          Description: d.description,
          AssumeRolePolicyDocument: JSON.stringify(d.trust),
          Tags: toTagList(d.tags),
        }),
      ),
      'EntityAlreadyExistsException',
      'EntityAlreadyExists',
    );
    if (!created) {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: d.name, PolicyDocument: JSON.stringify(d.trust) }));
      await iam.send(new TagRoleCommand({ RoleName: d.name, Tags: toTagList(d.tags) }));
    }
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: d.name,
        PolicyName: d.policyName,
        PolicyDocument: JSON.stringify(d.policy),
      }),
    );
  },

  async update(ctx, d, _o, changes) {
    const iam = ctx.aws.client(IAMClient);
    for (const change of changes) {
      if (change.field === 'trustPolicy')
        await iam.send(
          new UpdateAssumeRolePolicyCommand({ RoleName: d.name, PolicyDocument: JSON.stringify(d.trust) }),
        );
      if (change.field === 'policy')
        await iam.send(
          new PutRolePolicyCommand({
            RoleName: d.name,
            PolicyName: d.policyName,
            PolicyDocument: JSON.stringify(d.policy),
          }),
        );
      if (change.field === 'tags') await iam.send(new TagRoleCommand({ RoleName: d.name, Tags: toTagList(d.tags) }));
    }
  },

  async delete(ctx, d) {
    const iam = ctx.aws.client(IAMClient);
    // A role cannot be deleted while it has policies: remove inline and attached ones first.
    const policies = await rolePolicies(iam, d.name);
    for (const name of policies?.inline ?? []) {
      await unlessGone(iam.send(new DeleteRolePolicyCommand({ RoleName: d.name, PolicyName: name })));
    }
    for (const p of policies?.attached ?? []) {
      await unlessGone(iam.send(new DetachRolePolicyCommand({ RoleName: d.name, PolicyArn: p.arn })));
    }
    await unlessGone(iam.send(new DeleteRoleCommand({ RoleName: d.name })));
  },

  outputs: (d) => ({ name: d.name, arn: d.arn }),
};
