// The admin credential the storefront sends with its writes, and the header's sign-in button. Two kinds:
// - admin accounts, when config.json has `auth` (`auth.users`): e-mail and password against the stack's
//   Cognito user pool (auth.js); the ID token is sent, since it names the person (its e-mail) for the audit
//   trail and carries the groups, and the API's authorizer checks either token the same way. Editors create
//   and edit, admins also delete.
// - otherwise the shared admin token (`projet1 admin-token show`), typed once and kept for this tab.
// Either way: "Authorization: Bearer …", kept for this browser tab only (sessionStorage).
import { accountSession } from './auth.js';

const $ = (id) => document.getElementById(id);
const tokenKey = 'projet1-admin-token';
const token = () => sessionStorage.getItem(tokenKey);

/** The page's hooks: `render` redraws what depends on the credential, `status` says what happened. */
const page = { render: () => undefined, status: (_text, _isError) => undefined };
/** The account session when config.json has `auth`; null keeps the admin token. */
let account = null;
/** The challenge being answered in the sign-in dialog (the first sign-in's new password). */
let challenge = null;

const role = (who) =>
  who.groups.includes('admins') ? 'admin' : who.groups.includes('editors') ? 'editor' : 'no group';

/** What the rest of the page asks about the credential. */
export const admin = {
  signedIn: () => (account ? account.who() !== null : Boolean(token())),
  canDelete: () => (account ? role(account.who() ?? { groups: [] }) === 'admin' : Boolean(token())),
  /** The value of the Authorization header for a write, or null when signed out. */
  async authorization() {
    const bearer = account ? await account.idToken() : token();
    return bearer ? `Bearer ${bearer}` : null;
  },
  /**
   * A write the API refused with 401 or 403: what to tell. A 401 is a credential refused (forgotten: sign in
   * again); with accounts, a 403 is a signed-in person without the right group (kept signed in).
   */
  refused(err, action) {
    const who = account?.who();
    if (who && err.status === 403) {
      return action === 'delete'
        ? `Only admins can delete products: you are signed in as ${who.email} (${role(who)}).`
        : `Not allowed for ${who.email} (${role(who)}): ${err.message}`;
    }
    if (account) {
      account.forget();
      page.render();
      return 'Your sign-in was refused (expired or revoked): sign in again.';
    }
    sessionStorage.removeItem(tokenKey);
    page.render();
    return action === 'delete'
      ? `Deleting failed: ${err.message}`
      : 'The admin token was refused. Sign in again with the current token.';
  },
};

/** config.json's `auth`: sign in with accounts from now on. */
export function useAccounts(settings) {
  account = accountSession(settings, (message) => {
    page.render();
    if (message) page.status(message, true);
  });
  page.render();
}

async function toggle() {
  if (account?.who()) {
    try {
      await account.signOut();
      page.status('Signed out.');
    } catch (err) {
      page.status(`Signed out of this tab, but the sign-in service was not told: ${err.message}`, true);
    }
    page.render();
  } else if (account) {
    $('account-form').reset();
    $('account').showModal();
    showStep(null);
  } else if (token()) {
    sessionStorage.removeItem(tokenKey);
    page.render();
  } else {
    $('token').value = '';
    $('signin').showModal();
  }
}

function submitToken(event) {
  event.preventDefault();
  const value = $('token').value.trim();
  if (value.length < 16) return;
  sessionStorage.setItem(tokenKey, value);
  $('signin').close();
  page.render();
  page.status('Signed in as admin: open a product to edit or delete it, or add a new one.');
}

const STEPS = ['NEW_PASSWORD_REQUIRED', 'PASSWORD_RESET'];

/** The dialog's step: e-mail and password, or a new password (first sign-in, or with the code of a reset). */
function showStep(next) {
  challenge = next;
  const reset = next?.name === 'PASSWORD_RESET';
  $('account-password-step').hidden = $('account-password-step').disabled = next !== null;
  $('account-new-step').hidden = $('account-new-step').disabled = next === null;
  $('account-code-field').hidden = $('account-code').disabled = !reset;
  $('account-new-legend').textContent = reset
    ? `Your password was reset: enter the code e-mailed to ${next.email} and choose a new password.`
    : 'First sign-in: choose your own password to replace the temporary one.';
  $('account-submit').textContent = next ? 'Set password and sign in' : 'Sign in';
  $('account-error').textContent = '';
  (reset ? $('account-code') : next ? $('account-new') : $('account-email')).focus();
}

async function answer() {
  if (!challenge) return account.signIn($('account-email').value.trim(), $('account-password').value);
  if ($('account-new').value !== $('account-repeat').value) throw new Error('The two passwords differ.');
  if (challenge.name === 'PASSWORD_RESET') {
    return account.confirmReset(challenge, $('account-code').value.trim(), $('account-new').value);
  }
  return account.newPassword(challenge, $('account-new').value);
}

async function submitAccount(event) {
  event.preventDefault();
  $('account-submit').disabled = true;
  try {
    const next = await answer();
    if (STEPS.includes(next?.name)) showStep(next);
    else if (next) throw new Error(`This account needs a sign-in step the storefront does not offer (${next.name}).`);
    else {
      $('account').close();
      const who = account.who();
      const can = role(who) === 'admin' ? 'edit or delete it' : 'edit it';
      page.status(`Signed in as ${who.email} (${role(who)}): open a product to ${can}, or add a new one.`);
    }
  } catch (err) {
    $('account-error').textContent = err.message;
  } finally {
    $('account-submit').disabled = false;
  }
}

/** Wires the sign-in button and forms; `hooks` are the page's render and status functions. */
export function wireAdmin(hooks) {
  Object.assign(page, hooks);
  $('admin-toggle').addEventListener('click', () => void toggle());
  $('signin-form').addEventListener('submit', submitToken);
  $('account-form').addEventListener('submit', (event) => void submitAccount(event));
}

/** The header: who is signed in, and the buttons, after any change of credential. */
export function renderAdminBar() {
  const signedIn = admin.signedIn();
  const who = account?.who();
  $('who').hidden = !who;
  $('who').textContent = who ? `${who.email} (${role(who)})` : '';
  $('admin-toggle').textContent = signedIn ? 'Sign out' : 'Admin sign-in';
  $('new-product').hidden = !signedIn;
}
