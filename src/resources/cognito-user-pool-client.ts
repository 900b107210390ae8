// The storefront's app client of the user pool: public (no secret: the page cannot keep one), password
// sign-in and refresh only, no hint whether an address has an account, refresh tokens revocable.
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  type ExplicitAuthFlowsType,
  UpdateUserPoolClientCommand,
  type UserPoolClientType,
  paginateListUserPoolClients,
} from '@aws-sdk/client-cognito-identity-provider';
import { isAwsError, unless } from '../aws/errors.js';
import { createOnce } from '../engine/retry.js';
import { type FieldChange, type Provisioner, type ProvisionContext, UNKNOWN } from '../engine/types.js';

export interface UserPoolClientDesired {
  name: string;
  /** The pool's id (UNKNOWN until the pool exists). */
  userPoolId: string;
  accessTokenMinutes: number;
  refreshTokenDays: number;
}

export interface UserPoolClientObserved {
  id: string;
  hasSecret: boolean;
  flows: string;
  accessTokenMinutes: number;
  idTokenMinutes: number;
  refreshTokenDays: number;
  preventUserExistenceErrors: boolean;
  revocation: boolean;
}

/** The storefront signs in with a password (USER_PASSWORD_AUTH over TLS) and refreshes; nothing else. */
const FLOWS: ExplicitAuthFlowsType[] = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];
const flowsText = (f: readonly string[] | undefined): string => [...(f ?? [])].sort().join(',');

const client = (ctx: ProvisionContext) => ctx.aws.client(CognitoIdentityProviderClient);

/** Every setting UpdateUserPoolClient takes: it resets the ones it is not given. */
function settings(d: UserPoolClientDesired) {
  return {
    ExplicitAuthFlows: FLOWS,
    AccessTokenValidity: d.accessTokenMinutes,
    IdTokenValidity: d.accessTokenMinutes,
    RefreshTokenValidity: d.refreshTokenDays,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' } as const,
    PreventUserExistenceErrors: 'ENABLED' as const,
    EnableTokenRevocation: true,
  };
}

function observed(c: UserPoolClientType): UserPoolClientObserved {
  return {
    id: c.ClientId ?? '',
    hasSecret: Boolean(c.ClientSecret),
    flows: flowsText(c.ExplicitAuthFlows),
    // Cognito's defaults when the validity is not set: 60 minutes, 30 days.
    accessTokenMinutes: c.AccessTokenValidity ?? 60,
    idTokenMinutes: c.IdTokenValidity ?? 60,
    refreshTokenDays: c.RefreshTokenValidity ?? 30,
    preventUserExistenceErrors: c.PreventUserExistenceErrors === 'ENABLED',
    revocation: c.EnableTokenRevocation ?? false,
  };
}

async function find(ctx: ProvisionContext, d: UserPoolClientDesired): Promise<UserPoolClientObserved | undefined> {
  if (d.userPoolId === UNKNOWN) return undefined;
  let id: string | undefined;
  const pages = paginateListUserPoolClients({ client: client(ctx) }, { UserPoolId: d.userPoolId, MaxResults: 60 });
  try {
    for await (const page of pages) id ??= page.UserPoolClients?.find((c) => c.ClientName === d.name)?.ClientId;
  } catch (err) {
    // The pool itself is gone (deleted by hand): so is its client.
    if (isAwsError(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
  if (!id) return undefined;
  const res = await unless(
    client(ctx).send(new DescribeUserPoolClientCommand({ UserPoolId: d.userPoolId, ClientId: id })),
    'ResourceNotFoundException',
  );
  return res?.UserPoolClient ? observed(res.UserPoolClient) : undefined;
}

export const cognitoUserPoolClient: Provisioner<UserPoolClientDesired, UserPoolClientObserved, { id: string }> = {
  type: 'cognito-user-pool-client',
  service: 'cognito-idp',
  // How one signs in and how long a stolen token works.
  securityFields: ['flows', 'hasSecret', 'accessTokenMinutes', 'refreshTokenDays', 'revocation'],

  observe: (ctx, d) => find(ctx, d),
  // App clients take no tags: the pool's tags say whose they are.
  tags: () => undefined,
  outputsOf: (_d, o) => ({ id: o.id }),

  diff(d, o) {
    const want: Omit<UserPoolClientObserved, 'id'> = {
      hasSecret: false,
      flows: flowsText(FLOWS),
      accessTokenMinutes: d.accessTokenMinutes,
      idTokenMinutes: d.accessTokenMinutes,
      refreshTokenDays: d.refreshTokenDays,
      preventUserExistenceErrors: true,
      revocation: true,
    };
    const changes: FieldChange[] = [];
    for (const [field, to] of Object.entries(want)) {
      const from = o[field as keyof typeof want];
      if (from !== to) changes.push({ field, from, to });
    }
    return changes;
  },

  async create(ctx, d) {
    const once = ctx.aws.client(CognitoIdentityProviderClient, { maxAttempts: 1 });
    const command = new CreateUserPoolClientCommand({
      UserPoolId: d.userPoolId,
      ClientName: d.name,
      GenerateSecret: false,
      ...settings(d),
    });
    // Client names are not unique: a lost answer retried would make a second client.
    const made = await createOnce(
      ctx,
      'CreateUserPoolClient',
      async () => {
        const c = (await once.send(command)).UserPoolClient;
        return c ? observed(c) : undefined;
      },
      () => find(ctx, d),
    );
    return made;
  },

  async update(ctx, d, o) {
    // A secret cannot be removed from a client: a client that has one is made again.
    if (o.hasSecret) {
      await this.delete(ctx, d, o);
      await this.create(ctx, d);
      return;
    }
    await client(ctx).send(
      new UpdateUserPoolClientCommand({ UserPoolId: d.userPoolId, ClientId: o.id, ClientName: d.name, ...settings(d) }),
    );
  },

  async delete(ctx, d, o) {
    await unless(
      client(ctx).send(new DeleteUserPoolClientCommand({ UserPoolId: d.userPoolId, ClientId: o.id })),
      'ResourceNotFoundException',
    );
  },
};
