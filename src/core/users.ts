// Admin accounts (auth.users): added, listed, removed and reset by `projet1 users`, in the stack's pool
// (found through the stack, as `plan` finds it). On AWS, Cognito e-mails the invitation and the reset
// code; an emulator delivers no mail, so there the temporary password is made here and returned (printed).
import { randomBytes, randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  paginateListUsers,
  paginateListUsersInGroup,
} from '@aws-sdk/client-cognito-identity-provider';
import { dnsSuffix } from '../aws/arns.js';
import { isAwsError } from '../aws/errors.js';
import { computePlan, outputOf } from '../engine/plan.js';
import { EXIT, UserError } from '../errors.js';
import { cognitoEndpoint, USER_GROUPS, type UserGroup } from '../stack/users-tier.js';
import type { IoHost } from './io.js';
import type { Session } from './session.js';

export interface DeployedPool {
  userPoolId: string;
  clientId: string;
}

export interface UserRow {
  email: string;
  status: string;
  enabled: boolean;
  groups: string[];
  created: string | null;
}

/** What `users add` and `users reset-password` did; `temporaryPassword` only against an emulator. */
export interface UserInvite {
  email: string;
  group: UserGroup | null;
  /** How the user learns the password: Cognito's e-mail (AWS), or this value, printed (an emulator). */
  delivery: 'email' | 'printed';
  temporaryPassword?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function requireUsers(session: Session): void {
  if (!session.config.auth.users)
    throw new UserError('Admin accounts are off for this stack (auth.users is false).', {
      exitCode: EXIT.usage,
      hint: 'Set "auth": { "users": true } in projet1.config.json and run `projet1 up`.',
    });
}

function checkEmail(email: string): string {
  if (!EMAIL.test(email))
    throw new UserError(`"${email}" is not an e-mail address.`, {
      exitCode: EXIT.usage,
      hint: 'Accounts sign in with their e-mail address, e.g. `projet1 users add alice@example.com`.',
    });
  return email.toLowerCase();
}

/** The pool's and the storefront client's ids, read as `plan` reads them (the stack's own handles). */
export async function deployedPool(session: Session, io: IoHost): Promise<DeployedPool> {
  requireUsers(session);
  const { userPool, userPoolClient } = session.stack.parts;
  if (!userPool || !userPoolClient) throw new Error('auth.users is on but the stack has no pool');
  const stack = { ...session.stack, resources: [userPool, userPoolClient], retired: [] };
  const state = await computePlan(stack, 'apply', session.context(io), io);
  const userPoolId = outputOf(state, userPool, 'id');
  const clientId = outputOf(state, userPoolClient, 'id');
  if (!userPoolId || !clientId)
    throw new UserError(`The user pool of ${session.config.project}/${session.config.environment} is not deployed.`, {
      exitCode: EXIT.notFound,
      hint: 'Run `projet1 up` first (with the same --environment / --endpoint-url).',
    });
  return { userPoolId, clientId };
}

/** What the storefront's config.json says about sign-in (only with auth.users): where and which pool. */
export async function siteAuthConfig(session: Session, io: IoHost): Promise<Record<string, unknown>> {
  if (!session.config.auth.users) return {};
  const pool = await deployedPool(session, io);
  return {
    auth: {
      region: session.config.region,
      userPoolId: pool.userPoolId,
      userPoolClientId: pool.clientId,
      cognitoEndpoint: cognitoEndpoint(session.config, dnsSuffix(session.env.partition)),
    },
  };
}

/** Against an emulator (an endpoint URL) no e-mail goes out: the password is made and printed here. */
const onEmulator = (session: Session): boolean => session.config.endpointUrl !== null;

/** A temporary password the pool's policy accepts (upper, lower, digit, the configured length). */
function temporaryPassword(minLength: number): string {
  const body = randomBytes(Math.max(minLength, 16)).toString('base64url').replace(/[-_]/g, '');
  const pick = (set: string) => set[randomInt(set.length)] ?? '';
  return `${pick('ABCDEFGHJKLMNPQRSTUVWXYZ')}${pick('abcdefghijkmnopqrstuvwxyz')}${pick('23456789')}${body}`;
}

function userMissing(email: string): UserError {
  return new UserError(`No account ${email} in this stack's user pool.`, {
    exitCode: EXIT.usage,
    hint: 'See the accounts with `projet1 users list`.',
  });
}

export async function addUser(session: Session, io: IoHost, rawEmail: string, group?: UserGroup): Promise<UserInvite> {
  const email = checkEmail(rawEmail);
  const { userPoolId } = await deployedPool(session, io);
  const cognito = session.aws.client(CognitoIdentityProviderClient);
  const printed = onEmulator(session) ? temporaryPassword(session.config.auth.passwordMinLength) : undefined;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        // Verified: the address is the one an admin typed, and the account's only way to recover a password.
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        ...(printed
          ? { TemporaryPassword: printed, MessageAction: 'SUPPRESS' as const }
          : { DesiredDeliveryMediums: ['EMAIL' as const] }),
      }),
    );
  } catch (err) {
    if (!isAwsError(err, 'UsernameExistsException')) throw err;
    throw new UserError(`${email} already has an account.`, {
      exitCode: EXIT.usage,
      hint: 'To send a new password: `projet1 users reset-password`; to start over: `projet1 users remove` first.',
    });
  }
  if (group)
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
  return {
    email,
    group: group ?? null,
    ...(printed ? { delivery: 'printed', temporaryPassword: printed } : { delivery: 'email' }),
  };
}

export async function listUsers(session: Session, io: IoHost): Promise<UserRow[]> {
  const { userPoolId } = await deployedPool(session, io);
  const client = session.aws.client(CognitoIdentityProviderClient);
  // One listing per group rather than one call per user.
  const groupsOf = new Map<string, string[]>();
  for (const group of Object.keys(USER_GROUPS))
    for await (const page of paginateListUsersInGroup({ client }, { UserPoolId: userPoolId, GroupName: group }))
      for (const u of page.Users ?? [])
        if (u.Username) groupsOf.set(u.Username, [...(groupsOf.get(u.Username) ?? []), group]);
  const rows: UserRow[] = [];
  for await (const page of paginateListUsers({ client }, { UserPoolId: userPoolId }))
    for (const u of page.Users ?? [])
      rows.push({
        email: u.Attributes?.find((a) => a.Name === 'email')?.Value ?? u.Username ?? '',
        status: u.UserStatus ?? 'UNKNOWN',
        enabled: u.Enabled ?? false,
        groups: groupsOf.get(u.Username ?? '') ?? [],
        created: u.UserCreateDate?.toISOString() ?? null,
      });
  return rows.sort((a, b) => a.email.localeCompare(b.email));
}

/** The account's status, or a usage error when there is none (nothing is changed then). */
async function userStatus(session: Session, userPoolId: string, email: string): Promise<string> {
  try {
    const user = await session.aws
      .client(CognitoIdentityProviderClient)
      .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
    return user.UserStatus ?? 'UNKNOWN';
  } catch (err) {
    if (isAwsError(err, 'UserNotFoundException')) throw userMissing(email);
    throw err;
  }
}

export async function removeUser(session: Session, io: IoHost, rawEmail: string): Promise<{ email: string }> {
  const email = checkEmail(rawEmail);
  const { userPoolId } = await deployedPool(session, io);
  await userStatus(session, userPoolId, email);
  await session.aws
    .client(CognitoIdentityProviderClient)
    .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
  return { email };
}

export async function resetPassword(session: Session, io: IoHost, rawEmail: string): Promise<UserInvite> {
  const email = checkEmail(rawEmail);
  const { userPoolId } = await deployedPool(session, io);
  const status = await userStatus(session, userPoolId, email);
  const cognito = session.aws.client(CognitoIdentityProviderClient);
  if (onEmulator(session)) {
    // No mail: a new temporary password, to be changed at the next sign-in (the NEW_PASSWORD_REQUIRED challenge).
    const password = temporaryPassword(session.config.auth.passwordMinLength);
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: email,
        Password: password,
        Permanent: false,
      }),
    );
    return { email, group: null, delivery: 'printed', temporaryPassword: password };
  }
  // An invitation never used cannot be reset (AWS refuses it): the invitation is sent again instead.
  if (status === 'FORCE_CHANGE_PASSWORD')
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'RESEND',
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
  else await cognito.send(new AdminResetUserPasswordCommand({ UserPoolId: userPoolId, Username: email }));
  return { email, group: null, delivery: 'email' };
}
