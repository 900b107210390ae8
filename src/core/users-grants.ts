// The grants of the admin accounts' user pool (auth.users), apart from permission-grants.ts, which holds
// every other family. Only when auth.users is on: with it off, no call goes to Cognito at all.
import type { PolicyArns } from './permission-arns.js';
import type { Grant } from './permission-grants.js';

/**
 * The pool, its client and groups (`up`, `down`) and its accounts (`projet1 users`: operate, as `products`
 * writes are). Pool ids are assigned at creation: the region's pools (`userpool/<region>_*`) of the account.
 * The Service Authorization Reference gives CreateUserPool and ListUserPools no resource type: they are in
 * `usersUnscoped`, which joins NoResourceTypes.
 */
export function usersGrants(r: PolicyArns): Grant[] {
  return [
    {
      Sid: 'Users',
      actions: {
        read: [
          'cognito-idp:DescribeUserPool',
          'cognito-idp:ListUserPoolClients',
          'cognito-idp:DescribeUserPoolClient',
          'cognito-idp:GetGroup',
          'cognito-idp:ListUsers',
          'cognito-idp:ListUsersInGroup',
          'cognito-idp:AdminGetUser',
        ],
        operate: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminDeleteUser',
          'cognito-idp:AdminResetUserPassword',
          'cognito-idp:AdminSetUserPassword',
        ],
        deploy: [
          'cognito-idp:UpdateUserPool',
          'cognito-idp:DeleteUserPool',
          'cognito-idp:SetUserPoolMfaConfig',
          'cognito-idp:TagResource',
          'cognito-idp:CreateUserPoolClient',
          'cognito-idp:UpdateUserPoolClient',
          'cognito-idp:DeleteUserPoolClient',
          'cognito-idp:CreateGroup',
          'cognito-idp:UpdateGroup',
          'cognito-idp:DeleteGroup',
        ],
      },
      Resource: r.userPools,
    },
  ];
}

/** What NoResourceTypes gains with auth.users (no resource type: Service Authorization Reference). */
export const usersUnscoped = { read: ['cognito-idp:ListUserPools'], deploy: ['cognito-idp:CreateUserPool'] };
