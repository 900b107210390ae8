// The Cognito user pool of the admin accounts (auth.users): e-mail as the username, accounts made
// only by an admin (`projet1 users add`), recovery by e-mail, TOTP as the only second factor.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  SetUserPoolMfaConfigCommand,
  TagResourceCommand,
  UpdateUserPoolCommand,
  type UserPoolMfaType,
  type UserPoolType,
  paginateListUserPools,
} from '@aws-sdk/client-cognito-identity-provider';
import { unless } from '../aws/errors.js';
import { EXIT, UserError } from '../errors.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce } from '../engine/retry.js';
import type { FieldChange, Provisioner, ProvisionContext } from '../engine/types.js';

export type MfaMode = 'off' | 'optional' | 'on';

export interface UserPoolDesired {
  name: string;
  mfa: MfaMode;
  passwordMinLength: number;
  /** On outside development, as the table's (a `down` refuses while it is on). */
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export interface UserPoolObserved {
  id: string;
  arn: string;
  mfa: MfaMode;
  passwordMinLength: number;
  deletionProtection: boolean;
  adminCreateOnly: boolean;
  recovery: string;
  tags: Record<string, string>;
}

const MFA: Record<MfaMode, UserPoolMfaType> = { off: 'OFF', optional: 'OPTIONAL', on: 'ON' };
const mfaMode = (t: string | undefined): MfaMode => (t === 'ON' ? 'on' : t === 'OPTIONAL' ? 'optional' : 'off');
/** The one recovery mechanism: a code by e-mail (never SMS: the pool has no SMS role). */
const RECOVERY = 'verified_email';

/** Every setting UpdateUserPool takes: it resets the ones it is not given, so each update sends them all. */
function settings(d: UserPoolDesired) {
  return {
    Policies: {
      PasswordPolicy: {
        MinimumLength: d.passwordMinLength,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: false,
        TemporaryPasswordValidityDays: 7,
      },
    },
    AutoVerifiedAttributes: ['email' as const],
    AccountRecoverySetting: { RecoveryMechanisms: [{ Name: RECOVERY, Priority: 1 } as const] },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    DeletionProtection: d.deletionProtection ? ('ACTIVE' as const) : ('INACTIVE' as const),
    UserPoolTags: d.tags,
  };
}

const client = (ctx: ProvisionContext) => ctx.aws.client(CognitoIdentityProviderClient);

/** Pool ids whose name is `name`: names are not unique, so a retried create could make a second one. */
async function poolIdsNamed(ctx: ProvisionContext, name: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginateListUserPools({ client: client(ctx) }, { MaxResults: 60 }))
    for (const p of page.UserPools ?? []) if (p.Name === name && p.Id) ids.push(p.Id);
  return ids;
}

function observed(p: UserPoolType): UserPoolObserved {
  return {
    id: p.Id ?? '',
    arn: p.Arn ?? '',
    mfa: mfaMode(p.MfaConfiguration),
    passwordMinLength: p.Policies?.PasswordPolicy?.MinimumLength ?? 8,
    deletionProtection: p.DeletionProtection === 'ACTIVE',
    adminCreateOnly: p.AdminCreateUserConfig?.AllowAdminCreateUserOnly ?? false,
    recovery: (p.AccountRecoverySetting?.RecoveryMechanisms ?? []).map((m) => m.Name).join(','),
    tags: p.UserPoolTags ?? {},
  };
}

async function describe(ctx: ProvisionContext, id: string): Promise<UserPoolObserved | undefined> {
  const res = await unless(
    client(ctx).send(new DescribeUserPoolCommand({ UserPoolId: id })),
    'ResourceNotFoundException',
  );
  return res?.UserPool ? observed(res.UserPool) : undefined;
}

/** The pool of this name, preferring one with this stack's tags (another stack's shows as a conflict). */
async function find(ctx: ProvisionContext, d: UserPoolDesired): Promise<UserPoolObserved | undefined> {
  const found: UserPoolObserved[] = [];
  for (const id of await poolIdsNamed(ctx, d.name)) {
    const pool = await describe(ctx, id);
    if (pool) found.push(pool);
  }
  return found.find((p) => p.tags.project === d.tags.project && p.tags.environment === d.tags.environment) ?? found[0];
}

/** TOTP only: SMS would need a role and a spending limit, and e-mail codes are not a second factor. */
async function setMfa(ctx: ProvisionContext, id: string, mfa: MfaMode): Promise<void> {
  await client(ctx).send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: id,
      MfaConfiguration: MFA[mfa],
      SoftwareTokenMfaConfiguration: { Enabled: mfa !== 'off' },
    }),
  );
}

export const cognitoUserPool: Provisioner<UserPoolDesired, UserPoolObserved, { id: string; arn: string }> = {
  type: 'cognito-user-pool',
  service: 'cognito-idp',
  // Who may have an account (admin-made only) and how one signs in.
  securityFields: ['mfa', 'passwordMinLength', 'adminCreateOnly', 'recovery'],

  observe: (ctx, d) => find(ctx, d),
  tags: (o) => o.tags,
  outputsOf: (_d, o) => ({ id: o.id, arn: o.arn }),

  diff(d, o) {
    const changes: FieldChange[] = [];
    const want = { mfa: d.mfa, passwordMinLength: d.passwordMinLength, deletionProtection: d.deletionProtection };
    for (const [field, to] of Object.entries(want)) {
      const from = o[field as keyof typeof want];
      if (from !== to) changes.push({ field, from, to });
    }
    if (!o.adminCreateOnly) changes.push({ field: 'adminCreateOnly', from: false, to: true });
    if (o.recovery !== RECOVERY) changes.push({ field: 'recovery', from: o.recovery, to: RECOVERY });
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const once = ctx.aws.client(CognitoIdentityProviderClient, { maxAttempts: 1 });
    const command = new CreateUserPoolCommand({
      PoolName: d.name,
      ...settings(d),
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      MfaConfiguration: 'OFF',
    });
    // CreateUserPool does not deduplicate: a lost answer retried would make a second pool.
    const id = await createOnce(
      ctx,
      'CreateUserPool',
      async () => (await once.send(command)).UserPool?.Id,
      async () => (await find(ctx, d))?.id,
    );
    if (!id) return undefined;
    // The second factor is set apart: CreateUserPool would want an SMS configuration for MFA on.
    if (d.mfa !== 'off') await setMfa(ctx, id, d.mfa);
    return describe(ctx, id);
  },

  async update(ctx, d, o, changes) {
    if (changes.some((c) => c.field === 'mfa')) await setMfa(ctx, o.id, d.mfa);
    await client(ctx).send(
      new UpdateUserPoolCommand({ UserPoolId: o.id, ...settings(d), MfaConfiguration: MFA[d.mfa] }),
    );
    if (changes.some((c) => c.field === 'tags'))
      await client(ctx).send(new TagResourceCommand({ ResourceArn: o.arn, Tags: d.tags }));
  },

  async delete(ctx, _d, o) {
    // `down` refuses before anything is deleted (users-down.ts): AWS would refuse the call anyway.
    if (o.deletionProtection)
      throw new UserError(`User pool ${_d.name} has deletion protection on; it and its accounts stay.`, {
        exitCode: EXIT.conflict,
        hint: 'To delete it and every account in it: set "auth": { "deletionProtection": false } in projet1.config.json, run `projet1 up`, then `projet1 down`.',
      });
    await unless(client(ctx).send(new DeleteUserPoolCommand({ UserPoolId: o.id })), 'ResourceNotFoundException');
  },
};
