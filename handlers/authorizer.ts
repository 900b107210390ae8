// Lambda TOKEN authorizer guarding the write routes: "Authorization: Bearer <admin token>".
// The token lives in an SSM SecureString; it is cached for TOKEN_CACHE_SECONDS.
import { SecretCache } from '../runtime/aws/secret-cache.js';
import { lambdaClients } from '../runtime/api/lambda-clients.js';

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

const policy = (effect: 'Allow' | 'Deny', resource: string) => ({
  principalId: 'admin',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
  // Who writes, for the handlers' `updated_by` and the audit trail (event.requestContext.authorizer.actor).
  context: { actor: 'machine-token' },
});

/** One JSON line per decision (never the token), as the other handlers log one per request. */
function logDecision(decision: 'allow' | 'deny' | 'unauthorized', reason?: string): void {
  const level = decision === 'allow' ? 'info' : 'warn';
  process.stderr.write(`${JSON.stringify({ level, route: 'authorizer', decision, ...(reason ? { reason } : {}) })}\n`);
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

export async function handler(event: TokenEvent) {
  const header = event.authorizationToken?.trim() ?? '';
  const match = /^Bearer\s+(\S{16,256})$/i.exec(header);
  // No or malformed credential: API Gateway answers 401 (UNAUTHORIZED). A wrong one: Deny, which API Gateway
  // would answer 403; our ACCESS_DENIED gateway response makes it 401 invalid_token (api-definition.ts).
  if (!match?.[1]) {
    logDecision('unauthorized', header ? 'malformed credential' : 'no credential');
    throw unauthorized();
  }
  // Just rotated? The cached token is stale: the cache reads the parameter again (bounded), so a new token
  // works at once and, once read, the old one stops working.
  const ok = await adminToken().matches(match[1]);
  logDecision(ok ? 'allow' : 'deny');
  return policy(ok ? 'Allow' : 'Deny', event.methodArn);
}
