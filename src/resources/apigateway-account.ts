// API Gateway writes access logs only once the account names a CloudWatch role. That
// setting is account-wide: projet1 sets it only when it is empty, and on teardown
// clears it only if it still names projet1's role.
import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { isAwsError } from '../aws/errors.js';
import { retrying } from '../engine/retry.js';
import type { ProvisionContext, Provisioner } from '../engine/types.js';

export interface AccountDesired {
  roleArn: string;
}

export interface AccountObserved {
  roleArn: string | null;
}

async function setRole(ctx: ProvisionContext, value: string): Promise<void> {
  await retrying(
    ctx,
    () =>
      ctx.aws
        .client(APIGatewayClient)
        .send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value }] })),
    // A role minutes old may not be assumable by API Gateway yet (IAM propagation).
    (err) =>
      isAwsError(err, 'BadRequestException') && /role/i.test((err as Error).message)
        ? 'logging role not assumable yet, retrying'
        : undefined,
    10,
  );
}

export const apigatewayAccount: Provisioner<AccountDesired, AccountObserved> = {
  type: 'apigateway-account',
  service: 'apigateway',
  // Setting the account's logging role lets API Gateway act with it.
  securityFields: ['roleArn'],

  async observe(ctx) {
    const account = await ctx.aws.client(APIGatewayClient).send(new GetAccountCommand({}));
    // Account settings always exist; "absent" means no role is set.
    return account.cloudwatchRoleArn ? { roleArn: account.cloudwatchRoleArn } : undefined;
  },

  tags: () => undefined,

  owned: (d, o) => o.roleArn === d.roleArn,

  // Someone else's role is fine too: it is account-wide and we do not take it over.
  diff: () => [],

  async create(ctx, d) {
    await setRole(ctx, d.roleArn);
  },

  async update() {
    /* nothing: any role already set serves */
  },

  async delete(ctx) {
    // Only reached when the setting names our role (see owned).
    await setRole(ctx, '');
  },
};
