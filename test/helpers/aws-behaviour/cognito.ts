// Amazon Cognito user pools: what AWS does that MiniStack 1.5.33 does not.
import {
  CognitoIdentityProviderClient,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Behaviour } from './types.js';

/**
 * What an app client setting becomes when UpdateUserPoolClient is not given it (the API reference's
 * defaults for a client): MiniStack keeps the old value instead.
 */
const CLIENT_DEFAULTS: Partial<UpdateUserPoolClientCommandInput> = {
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'],
  PreventUserExistenceErrors: 'LEGACY',
  AccessTokenValidity: 60,
  IdTokenValidity: 60,
  RefreshTokenValidity: 30,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
};

/**
 * UpdateUserPoolClient resets every setting it is not sent: played by sending the emulator the call with
 * AWS's defaults filled in for what the caller left out, and answering with the emulator's answer.
 */
export const updateClientResetsUnsent: Behaviour = {
  kind: 'cognito-update-client-resets',
  source:
    'Amazon Cognito API Reference, UpdateUserPoolClient: "If you don\'t provide a value for an attribute, Amazon Cognito sets it to its default value." ExplicitAuthFlows: "If you don\'t specify a value ... ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH"; PreventUserExistenceErrors: "Defaults to LEGACY when you don\'t provide a value."',
  async before(call, req, ctx) {
    if (call.service !== 'cognito-idp' || call.operation !== 'UpdateUserPoolClient') return undefined;
    const sent: UpdateUserPoolClientCommandInput = JSON.parse(req.body.toString('utf8'));
    const reset = Object.keys(CLIENT_DEFAULTS).filter((k) => !(k in sent));
    if (reset.length === 0) return undefined;
    ctx.count('cognito-update-client-resets');
    const answer = await ctx.emulator
      .client(CognitoIdentityProviderClient)
      .send(new UpdateUserPoolClientCommand({ ...CLIENT_DEFAULTS, ...sent }));
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ UserPoolClient: answer.UserPoolClient }),
    };
  },
};

export const COGNITO_BEHAVIOURS: Behaviour[] = [updateClientResetsUnsent];
