// auth.users: the user pool of the admin accounts, its groups and the storefront's app client.
import { type OutputsOf, ref, UNKNOWN } from '../engine/types.js';
import { cognitoGroup, type UserGroupDesired } from '../resources/cognito-group.js';
import { cognitoUserPool, type MfaMode } from '../resources/cognito-user-pool.js';
import { cognitoUserPoolClient, type UserPoolClientDesired } from '../resources/cognito-user-pool-client.js';
import type { GatewayResponseDef } from '../resources/api-definition.js';
import type { StackContext } from './context.js';
import type { ResourceId, StackResource } from './ids.js';

export type UserPoolResource = StackResource<typeof cognitoUserPool>;
export type UserPoolClientResource = StackResource<typeof cognitoUserPoolClient>;
export type UserGroupResource = StackResource<typeof cognitoGroup>;

/** The groups and what each may write (the authorizer's rule: handlers/authorizer.ts). */
export const USER_GROUPS = {
  admins: { precedence: 1, description: 'May create, update and delete products.' },
  editors: { precedence: 2, description: 'May create and update products, not delete them.' },
} as const;
export type UserGroup = keyof typeof USER_GROUPS;

const mfaMode = (m: string): MfaMode => (m === 'on' ? 'on' : m === 'optional' ? 'optional' : 'off');

/**
 * The cognito-idp endpoint the browser and the authorizer call: the emulator's URL, else AWS's regional
 * one. Tokens name AWS's regional URL as their issuer either way (the emulator's too).
 */
export function cognitoEndpoint(config: { endpointUrl: string | null; region: string }, dnsSuffix: string): string {
  return config.endpointUrl?.replace(/\/$/, '') ?? `https://cognito-idp.${config.region}.${dnsSuffix}`;
}

/**
 * What the token authorizer needs to verify an account's token: the pool, its client (the audience), where
 * the pool's keys are served, and whether the machine token still counts. Empty with users off.
 */
export function authorizerEnvironment(
  ctx: StackContext,
  users: UsersTier,
): { dependsOn: ResourceId[]; environment: (out: OutputsOf) => Record<string, string> } {
  const { config } = ctx;
  if (!config.auth.users) return { dependsOn: [], environment: () => ({}) };
  return {
    dependsOn: [users.pool.id, users.client.id],
    environment: (out) => {
      const poolId = ref(out, users.pool, 'id');
      return {
        USER_POOL_ID: poolId,
        USER_POOL_CLIENT_ID: ref(out, users.client, 'id'),
        JWKS_URL: `${cognitoEndpoint(config, ctx.dnsSuffix)}/${poolId}/.well-known/jwks.json`,
        MACHINE_TOKEN: config.auth.machineToken ? 'on' : 'off',
      };
    },
  };
}

/**
 * With accounts on, a refused write is 403 when the caller is known but its group may not (an editor's
 * DELETE), and 401 when the credential is not good (the authorizer throws "Unauthorized" for a bad token,
 * machine or account). Without accounts the answers stay as they were (api-definition.ts).
 */
export function usersResponses(ctx: StackContext, allowOrigin: string | undefined): Record<string, GatewayResponseDef> {
  if (!ctx.config.auth.users) return {};
  const cors = allowOrigin === undefined ? {} : { allowOrigin };
  const json = (error: string, message: string) => JSON.stringify({ error, message });
  return {
    UNAUTHORIZED: {
      status: '401',
      template: json(
        'unauthorized',
        'Sign in (an account token) or send the machine token, as "Authorization: Bearer <token>"; this one is missing, expired or not valid.',
      ),
      ...cors,
    },
    ACCESS_DENIED: {
      status: '403',
      template: json('forbidden', "Your account's group may not do this: deleting needs the admins group."),
      ...cors,
    },
  };
}

/** The pool's name: the `users` command finds the pool through the stack, never by this name. */
export const userPoolName = (prefix: string): string => `${prefix}-users`;

export interface UsersTier {
  pool: UserPoolResource;
  client: UserPoolClientResource;
  groups: UserGroupResource[];
  resources: (UserPoolResource | UserPoolClientResource | UserGroupResource)[];
  retired: never[];
}

export function usersTier(ctx: StackContext): UsersTier {
  const { config, names } = ctx;
  const a = config.auth;
  const pool: UserPoolResource = {
    id: 'user-pool',
    name: userPoolName(names.prefix),
    provisioner: cognitoUserPool,
    dependsOn: [],
    desired: {
      name: userPoolName(names.prefix),
      mfa: mfaMode(a.mfa),
      passwordMinLength: a.passwordMinLength,
      deletionProtection: a.deletionProtection ?? config.environment !== 'development',
      tags: ctx.tags,
    },
  };
  const clientDesired = (userPoolId: string): UserPoolClientDesired => ({
    name: `${names.prefix}-storefront`,
    userPoolId,
    accessTokenMinutes: a.accessTokenMinutes,
    refreshTokenDays: a.refreshTokenDays,
  });
  const client: UserPoolClientResource = {
    id: 'user-pool-client',
    name: `${names.prefix}-storefront`,
    provisioner: cognitoUserPoolClient,
    dependsOn: [pool.id],
    desired: clientDesired(UNKNOWN),
    resolve: (out) => clientDesired(ref(out, pool, 'id')),
  };
  const groups = Object.entries(USER_GROUPS).map(([name, g]): UserGroupResource => {
    const desired = (userPoolId: string): UserGroupDesired => ({ name, userPoolId, ...g });
    return {
      id: `user-group:${name}`,
      name: `${userPoolName(names.prefix)}/${name}`,
      provisioner: cognitoGroup,
      dependsOn: [pool.id],
      desired: desired(UNKNOWN),
      resolve: (out) => desired(ref(out, pool, 'id')),
    };
  });
  // Not retired when off: observing a pool nobody configured would call Cognito (and need its grants) on
  // every plan of every stack. A pool left by turning auth.users off holds accounts, like a table: it stays.
  return { pool, client, groups, resources: a.users ? [pool, client, ...groups] : [], retired: [] };
}
