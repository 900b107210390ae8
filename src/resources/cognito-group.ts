// A group of the user pool: the authorizer reads a token's `cognito:groups` to decide what it may write.
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  DeleteGroupCommand,
  GetGroupCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { isAwsError, unless } from '../aws/errors.js';
import { type FieldChange, type Provisioner, type ProvisionContext, UNKNOWN } from '../engine/types.js';

export interface UserGroupDesired {
  name: string;
  userPoolId: string;
  description: string;
  /** Lower wins when a user is in several groups (Cognito's precedence). */
  precedence: number;
}

export interface UserGroupObserved {
  description: string;
  precedence: number | null;
}

const client = (ctx: ProvisionContext) => ctx.aws.client(CognitoIdentityProviderClient);

export const cognitoGroup: Provisioner<UserGroupDesired, UserGroupObserved> = {
  type: 'cognito-group',
  service: 'cognito-idp',
  // A group's name is what a route requires: changing which groups exist changes who may write.
  securityFields: [],

  async observe(ctx, d) {
    if (d.userPoolId === UNKNOWN) return undefined;
    const res = await unless(
      client(ctx).send(new GetGroupCommand({ UserPoolId: d.userPoolId, GroupName: d.name })),
      'ResourceNotFoundException',
    );
    if (!res?.Group) return undefined;
    return { description: res.Group.Description ?? '', precedence: res.Group.Precedence ?? null };
  },

  // Groups take no tags: the pool's tags say whose they are.
  tags: () => undefined,

  diff(d, o) {
    const changes: FieldChange[] = [];
    if (o.description !== d.description) changes.push({ field: 'description', from: o.description, to: d.description });
    if (o.precedence !== d.precedence) changes.push({ field: 'precedence', from: o.precedence, to: d.precedence });
    return changes;
  },

  async create(ctx, d) {
    const input = { UserPoolId: d.userPoolId, GroupName: d.name, Description: d.description, Precedence: d.precedence };
    try {
      await client(ctx).send(new CreateGroupCommand(input));
    } catch (err) {
      // Names are unique in a pool: a retried create finds its own group made (settings it lacks show as
      // drift at the next plan).
      if (!isAwsError(err, 'GroupExistsException')) throw err;
    }
  },

  async update(ctx, d) {
    await client(ctx).send(
      new UpdateGroupCommand({
        UserPoolId: d.userPoolId,
        GroupName: d.name,
        Description: d.description,
        Precedence: d.precedence,
      }),
    );
  },

  async delete(ctx, d) {
    await unless(
      client(ctx).send(new DeleteGroupCommand({ UserPoolId: d.userPoolId, GroupName: d.name })),
      'ResourceNotFoundException',
    );
  },
};
