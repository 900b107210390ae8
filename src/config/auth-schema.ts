// auth: who may write. Admin accounts in a Cognito user pool (auth.users) next to the machine token
// (auth.machineToken), both accepted by the one token authorizer of the write routes.
import { flag, integer, nullableFlag, section, text } from './fields.js';

export const MFA_MODES = ['off', 'optional', 'on'] as const;

export const authSchema = section(
  {
    users: flag({
      default: false,
      doc: 'Admin accounts: a Cognito user pool (groups admins and editors, an app client for the storefront) whose tokens the API accepts; `projet1 users` manages them.',
    }),
    machineToken: flag({
      default: true,
      doc: 'The API also accepts the machine token (`projet1 admin-token`), for scripts and CI; false accepts only account tokens (with auth.users).',
    }),
    mfa: text({
      default: 'off',
      oneOf: MFA_MODES,
      doc: 'Multi-factor sign-in of the accounts (TOTP apps only): off, optional (each user may turn it on) or on (required).',
    }),
    deletionProtection: nullableFlag({
      default: null,
      doc: 'Deletion protection of the user pool (its accounts go with it); null means on, except in the "development" environment.',
    }),
    passwordMinLength: integer({ default: 12, min: 8, max: 99, doc: 'Shortest password the pool accepts.' }),
    accessTokenMinutes: integer({
      default: 60,
      min: 5,
      max: 1440,
      doc: 'How long an ID or access token is valid (the storefront refreshes it before).',
    }),
    refreshTokenDays: integer({
      default: 30,
      min: 1,
      max: 3650,
      doc: 'How long a sign-in lasts without a password (the refresh token).',
    }),
  },
  'Who may write: admin accounts and the machine token',
);
