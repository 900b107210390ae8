// The admin credential the storefront sends with its writes, and the header's sign-in button.
// Today's credential: the shared admin token (`projet1 admin-token show`), typed once and kept for this
// browser tab only (sessionStorage), sent as "Authorization: Bearer <token>".

const $ = (id) => document.getElementById(id);
const tokenKey = 'projet1-admin-token';
const token = () => sessionStorage.getItem(tokenKey);

/** The page's hooks: `render` redraws what depends on the credential, `status` says what happened. */
const page = { render: () => undefined, status: (_text) => undefined };

/** What the rest of the page asks about the credential. */
export const admin = {
  signedIn: () => Boolean(token()),
  canDelete: () => Boolean(token()),
  /** The value of the Authorization header for a write, or null when signed out. */
  async authorization() {
    return token() ? `Bearer ${token()}` : null;
  },
  /** A write the API refused with 401 or 403: forget the refused credential, and say what to do. */
  refused() {
    sessionStorage.removeItem(tokenKey);
    page.render();
    return 'The admin token was refused. Sign in again with the current token.';
  },
};

function toggle() {
  if (token()) {
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

/** Wires the sign-in button and form; `hooks` are the page's render and status functions. */
export function wireAdmin(hooks) {
  Object.assign(page, hooks);
  $('admin-toggle').addEventListener('click', toggle);
  $('signin-form').addEventListener('submit', submitToken);
}

/** The header's buttons, after any change of credential. */
export function renderAdminBar() {
  const signedIn = admin.signedIn();
  $('admin-toggle').textContent = signedIn ? 'Sign out' : 'Admin sign-in';
  $('new-product').hidden = !signedIn;
}
