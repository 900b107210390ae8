// Admin accounts (config.json `auth`, written by `projet1 deploy-website` with `auth.users`): sign-in to the
// stack's Cognito user pool from the browser, with no SDK and no framework. The page calls Cognito's public
// JSON API itself (InitiateAuth, RespondToAuthChallenge, RevokeToken): they need no AWS credentials, only the
// app client's id, and Cognito answers them with CORS, which is how AWS's own browser SDKs sign in.
// The tokens are kept for this browser tab only (sessionStorage), like the admin token before them.

const SESSION_KEY = 'projet1-admin-session';
/** Refresh this long before the ID token expires (at most half its life: AWS allows 5-minute tokens). */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;

export class AuthError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
  }
}

/** What a person reads for Cognito's error types; Cognito's own message otherwise (they are sentences). */
const MESSAGES = {
  TooManyRequestsException: 'Too many attempts: wait a minute and try again.',
  LimitExceededException: 'Too many attempts: wait a minute and try again.',
  UserNotConfirmedException: 'This account is not confirmed yet: ask an admin.',
};

/** One call to Cognito's JSON API (what the SDK sends, minus the signature these operations do not need). */
async function cognito(settings, operation, body) {
  let res;
  try {
    res = await fetch(settings.cognitoEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new AuthError('NetworkError', `The sign-in service (${settings.cognitoEndpoint}) could not be reached.`);
  }
  const answer = await res.json().catch(() => ({}));
  if (res.ok) return answer;
  // "__type" is "NotAuthorizedException", or with a namespace prefix ("com.amazon…#NotAuthorizedException").
  const type = String(answer.__type ?? 'Error')
    .split('#')
    .pop();
  throw new AuthError(type, MESSAGES[type] ?? answer.message ?? `Sign-in failed (${res.status}).`);
}

/** The claims of a JWT, read without checking it: the API checks it; the page only shows who and what. */
function claims(jwt) {
  const part = jwt.split('.')[1] ?? '';
  const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/**
 * The signed-in account of this tab. `changed` is called when it signs in, refreshes or ends by itself
 * (a refresh refused: the refresh token expired or was revoked), with a sentence to show, if any.
 */
export function accountSession(settings, changed) {
  let kept = read();
  let refreshing = null;
  let timer = 0;

  function read() {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    } catch {
      return null;
    }
  }

  function keep(result, refreshToken) {
    const id = claims(result.IdToken);
    // The token's life from its own claims, counted on this clock: a wrong clock here does not matter.
    const lifeMs = (id.exp - id.iat) * 1000;
    kept = {
      idToken: result.IdToken,
      refreshToken: result.RefreshToken ?? refreshToken,
      refreshAt: Date.now() + lifeMs - Math.min(REFRESH_MARGIN_MS, lifeMs / 2),
      expiresAt: Date.now() + lifeMs,
      email: id.email ?? id['cognito:username'] ?? id.sub,
      groups: id['cognito:groups'] ?? [],
    };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(kept));
    schedule();
  }

  function forget() {
    clearTimeout(timer);
    kept = null;
    sessionStorage.removeItem(SESSION_KEY);
  }

  /** A timer refreshes the tokens ahead of expiry; `idToken()` checks again before each write (timers sleep in background tabs). */
  function schedule() {
    clearTimeout(timer);
    if (kept) timer = setTimeout(() => void refresh().catch(() => undefined), Math.max(0, kept.refreshAt - Date.now()));
  }

  /** REFRESH_TOKEN_AUTH, one at a time; a refused refresh token ends the session. */
  function refresh() {
    refreshing ??= (async () => {
      const refreshToken = kept?.refreshToken;
      try {
        const answer = await cognito(settings, 'InitiateAuth', {
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: settings.userPoolClientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        });
        keep(answer.AuthenticationResult, refreshToken);
        changed();
      } catch (err) {
        if (err.type === 'NotAuthorizedException') {
          forget();
          changed('Your session has ended: sign in again.');
        }
        throw err;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  /** After USER_PASSWORD_AUTH or a challenge's answer: signed in, or the next challenge to answer. */
  function signedInOrChallenge(answer, email) {
    if (answer.AuthenticationResult) {
      keep(answer.AuthenticationResult);
      changed();
      return null;
    }
    return { name: answer.ChallengeName, session: answer.Session, email };
  }

  schedule();
  return {
    who: () => (kept ? { email: kept.email, groups: kept.groups } : null),

    async signIn(email, password) {
      let answer;
      try {
        answer = await cognito(settings, 'InitiateAuth', {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: settings.userPoolClientId,
          AuthParameters: { USERNAME: email, PASSWORD: password },
        });
      } catch (err) {
        // `projet1 users reset-password` on AWS: Cognito e-mailed a code, to be given with a new password.
        if (err.type === 'PasswordResetRequiredException') return { name: 'PASSWORD_RESET', email };
        throw err;
      }
      return signedInOrChallenge(answer, email);
    },

    /** A reset password: the e-mailed code and a new password (ConfirmForgotPassword), then signed in with it. */
    async confirmReset(challenge, code, password) {
      await cognito(settings, 'ConfirmForgotPassword', {
        ClientId: settings.userPoolClientId,
        Username: challenge.email,
        ConfirmationCode: code,
        Password: password,
      });
      return this.signIn(challenge.email, password);
    },

    /** NEW_PASSWORD_REQUIRED: the first sign-in with a temporary password sets the account's own. */
    async newPassword(challenge, password) {
      const answer = await cognito(settings, 'RespondToAuthChallenge', {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        ClientId: settings.userPoolClientId,
        Session: challenge.session,
        ChallengeResponses: { USERNAME: challenge.email, NEW_PASSWORD: password },
      });
      return signedInOrChallenge(answer, challenge.email);
    },

    /** The ID token for a write, refreshed first when it is near its end; null when signed out. */
    async idToken() {
      if (kept && Date.now() >= kept.refreshAt) {
        // Not refreshed (the service unreachable)? The token still serves until it expires.
        await refresh().catch((err) => {
          if (!kept || Date.now() >= kept.expiresAt) throw err;
        });
      }
      return kept?.idToken ?? null;
    },

    refresh,

    /** Revokes the refresh token (and the access tokens it issued), then forgets them, even when Cognito is unreachable. */
    async signOut() {
      const refreshToken = kept?.refreshToken;
      try {
        if (refreshToken) {
          await cognito(settings, 'RevokeToken', { ClientId: settings.userPoolClientId, Token: refreshToken });
        }
      } finally {
        forget();
      }
    },

    forget,
  };
}
