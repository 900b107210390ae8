// Lambda TOKEN authorizer guarding the write routes: "Authorization: Bearer <admin token>".
// The token lives in an SSM SecureString; it is cached for TOKEN_CACHE_SECONDS.
import { createHash, timingSafeEqual } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { lambdaClients } from '../runtime/api/lambda-clients.js';

interface TokenEvent {
  type: 'TOKEN';
  authorizationToken?: string;
  methodArn: string;
}

let cached: { digest: Buffer; at: number } | undefined;
// A token that does not match the cached one may be a freshly rotated one: read the parameter again,
// but only once per distinct token (until the token changes) and at most 5 times a second, so a flood
// of bad tokens costs SSM little.
const rejected = new Set<string>();
const forcedReads: number[] = [];
const MAX_FORCED_READS_PER_SECOND = 5;

function mayReread(digest: Buffer): boolean {
  const key = digest.toString('base64');
  const now = Date.now();
  while (forcedReads.length > 0 && now - (forcedReads[0] ?? 0) >= 1000) forcedReads.shift();
  if (rejected.has(key) || forcedReads.length >= MAX_FORCED_READS_PER_SECOND) return false;
  forcedReads.push(now);
  if (rejected.size >= 1000) rejected.clear();
  rejected.add(key);
  return true;
}

async function expectedDigest(force: boolean): Promise<Buffer> {
  const ttl = Number(process.env.TOKEN_CACHE_SECONDS ?? '30') * 1000;
  if (!force && cached && Date.now() - cached.at < ttl) return cached.digest;
  const before = cached?.digest;
  const res = await lambdaClients()
    .client(SSMClient)
    .send(new GetParameterCommand({ Name: process.env.ADMIN_TOKEN_PARAMETER, WithDecryption: true }));
  const value = res.Parameter?.Value;
  if (!value) throw new Error('admin token parameter is empty');
  cached = { digest: createHash('sha256').update(value).digest(), at: Date.now() };
  // A new token: tokens refused before may be judged again.
  if (before && !before.equals(cached.digest)) rejected.clear();
  return cached.digest;
}

const policy = (effect: 'Allow' | 'Deny', resource: string) => ({
  principalId: 'admin',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
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
  const given = createHash('sha256').update(match[1]).digest();
  let ok = timingSafeEqual(given, await expectedDigest(false));
  // Just rotated? The cached token is stale: read the parameter again (bounded), so a new token works at once
  // and, once read, the old one stops working.
  if (!ok && mayReread(given)) ok = timingSafeEqual(given, await expectedDigest(true));
  logDecision(ok ? 'allow' : 'deny');
  return policy(ok ? 'Allow' : 'Deny', event.methodArn);
}
