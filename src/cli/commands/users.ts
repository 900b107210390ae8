// `projet1 users add|list|remove|reset-password`: the admin accounts of the stack's pool (auth.users).
// A temporary password exists only against an emulator (no mail there); on AWS Cognito e-mails it and
// projet1 never sees it. It is the result (stdout), so `> password.txt` captures it and nothing else does.
import { addUser, listUsers, removeUser, resetPassword as reset, type UserInvite } from '../../core/users.js';
import type { USERS_ADD } from '../options.js';
import type { Handler } from '../spec.js';
import { table } from '../table.js';

function invited(io: Parameters<Handler<'stack'>>[0]['io'], invite: UserInvite, what: string, byMail: string): void {
  if (invite.temporaryPassword !== undefined) {
    io.result({ ...invite }, invite.temporaryPassword);
    io.info(
      `${what} ${invite.email}: the temporary password above (shown once, the emulator sends no e-mail) must be changed at the first sign-in.`,
    );
    return;
  }
  io.result({ ...invite }, `${what} ${invite.email}: ${byMail}`);
}

export const add: Handler<'stack', typeof USERS_ADD> = async ({ session, io, args, opts }) => {
  const invite = await addUser(session, io, args[0] ?? '', opts.group);
  invited(
    io,
    invite,
    `Account added${invite.group ? ` to ${invite.group}` : ' (no group: it may not write)'}:`,
    'Cognito e-mails the invitation with a temporary password, to be changed at the first sign-in.',
  );
  return 0;
};

export const list: Handler<'stack'> = async ({ session, io }) => {
  const users = await listUsers(session, io);
  const rows = users.map((u) => [
    u.email,
    u.status,
    u.groups.join(',') || '(none)',
    u.enabled ? 'yes' : 'no',
    u.created ?? '',
  ]);
  io.result({ users, count: users.length }, table([['EMAIL', 'STATUS', 'GROUPS', 'ENABLED', 'CREATED'], ...rows]));
  io.info(`${users.length} account(s).`);
  return 0;
};

export const remove: Handler<'stack'> = async ({ session, io, args }) => {
  const r = await removeUser(session, io, args[0] ?? '');
  io.result(
    { ...r },
    `Removed ${r.email}: it can no longer sign in or refresh; a token it already holds works until it expires (auth.accessTokenMinutes).`,
  );
  return 0;
};

export const resetPassword: Handler<'stack'> = async ({ session, io, args }) => {
  const invite = await reset(session, io, args[0] ?? '');
  invited(
    io,
    invite,
    'Password reset for',
    'Cognito e-mails a reset code (or the invitation again, if it was never used).',
  );
  return 0;
};
