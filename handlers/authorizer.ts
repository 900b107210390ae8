// Lambda TOKEN authorizer guarding the write routes: "Authorization: Bearer <token>", where the token is
// the machine token (an SSM SecureString, cached for TOKEN_CACHE_SECONDS) or, with accounts on
// (auth.users), a Cognito ID or access token of the stack's pool, whose groups say what it may write.
import { SecretCache } from '../runtime/aws/secret-cache.js';
import { lambdaClients } from '../runtime/api/lambda-clients.js';
import { looksLikeJwt, poolVerifier, type AccountClaims, type TokenVerifier } from '../runtime/api/jwt-verify.js';
import { methodsOf, policy } from '../runtime/api/jwt-policy.js';

interface TokenEvent {
  type: 'TOKEN';
  authorizationToken?: string;
  methodArn: string;
}

let secret: SecretCache | undefined;
const adminToken = (): SecretCache =>
  (secret ??= new SecretCache(
    lambdaClients,
    process.env.ADMIN_TOKEN_PARAMETER ?? '',
    Number(process.env.TOKEN_CACHE_SECONDS ?? '30') * 1000,
  ));

let verifier: TokenVerifier | undefined;
/** The pool's verifier, or undefined without accounts (no USER_POOL_ID). */
function accounts(env: NodeJS.ProcessEnv = process.env): TokenVerifier | undefined {
  const { USER_POOL_ID: userPoolId, USER_POOL_CLIENT_ID: clientId, JWKS_URL: jwksUrl } = env;
  if (!userPoolId || !clientId || !jwksUrl) return undefined;
  verifier ??= poolVerifier({ userPoolId, clientId, jwksUrl });
  return verifier;
}

/** One JSON line per decision (never the token), as the other handlers log one per request. */
function logDecision(decision: 'allow' | 'deny' | 'unauthorized', reason?: string, actor?: string): void {
  const level = decision === 'allow' ? 'info' : 'warn';
  const line = { level, route: 'authorizer', decision, ...(reason ? { reason } : {}), ...(actor ? { actor } : {}) };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * The error that makes API Gateway answer 401 (its message must be exactly "Unauthorized").
 * Made without stack frames: the runtime logs a thrown error's stack, and ten lines of frames
 * for an expected answer buried the decision line.
 */
function unauthorized(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = new Error('Unauthorized');
  Error.stackTraceLimit = limit;
  return err;
}

/** An account's token: verified (else 401), then allowed what its groups may do (none: 403 everywhere). */
async function accountDecision(event: TokenEvent, token: string, verify: TokenVerifier) {
  let claims: AccountClaims;
  try {
    claims = await verify(token);
  } catch (err) {
    // Another pool's, expired, tampered, the wrong client or token use: the library says which.
    logDecision('unauthorized', `account token: ${err instanceof Error ? err.message : String(err)}`);
    throw unauthorized();
  }
  const actor = claims.email ?? claims.sub;
  const all = methodsOf(claims.groups);
  logDecision(all.length > 0 ? 'allow' : 'deny', `groups: ${claims.groups.join(',') || 'none'}`, actor);
  return policy(event.methodArn, all, claims.sub, actor);
}

export async function handler(event: TokenEvent) {
  const header = event.authorizationToken?.trim() ?? '';
  // A Cognito token runs to a few kilobytes; the machine token is 16-256 characters.
  const match = /^Bearer\s+(\S{16,8192})$/i.exec(header);
  // No or malformed credential: API Gateway answers 401 (UNAUTHORIZED).
  if (!match?.[1]) {
    logDecision('unauthorized', header ? 'malformed credential' : 'no credential');
    throw unauthorized();
  }
  const token = match[1];
  const verify = accounts();
  if (verify && looksLikeJwt(token)) return accountDecision(event, token, verify);
  if (verify && process.env.MACHINE_TOKEN === 'off') {
    logDecision('unauthorized', 'machine token turned off (auth.machineToken)');
    throw unauthorized();
  }
  if (token.length > 256) {
    logDecision('unauthorized', 'malformed credential');
    throw unauthorized();
  }
  // Just rotated? The cached token is stale: the cache reads the parameter again (bounded), so a new token
  // works at once and, once read, the old one stops working.
  const ok = await adminToken().matches(token);
  logDecision(ok ? 'allow' : 'deny', undefined, ok ? 'machine-token' : undefined);
  // A wrong machine token: Deny, which API Gateway would answer 403; without accounts our ACCESS_DENIED
  // gateway response makes it 401 invalid_token (api-definition.ts). With accounts 403 means "your group
  // may not", so a wrong token is 401 by the "Unauthorized" error instead.
  if (!ok && verify) throw unauthorized();
  return policy(event.methodArn, ok ? ['*'] : [], 'admin', 'machine-token');
}
