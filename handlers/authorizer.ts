// Lambda TOKEN authorizer guarding the write routes: "Authorization: Bearer <admin token>".
// The token lives in an SSM SecureString; it is cached for TOKEN_CACHE_SECONDS.
import { createHash, timingSafeEqual } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { lambdaClients } from '../src/api/lambda-clients.js';

interface TokenEvent {
  type: 'TOKEN';
  authorizationToken?: string;
  methodArn: string;
}

let cached: { digest: Buffer; at: number } | undefined;

async function expectedDigest(): Promise<Buffer> {
  const ttl = Number(process.env.TOKEN_CACHE_SECONDS ?? '30') * 1000;
  if (cached && Date.now() - cached.at < ttl) return cached.digest;
  const res = await lambdaClients()
    .client(SSMClient)
    .send(new GetParameterCommand({ Name: process.env.ADMIN_TOKEN_PARAMETER, WithDecryption: true }));
  const value = res.Parameter?.Value;
  if (!value) throw new Error('admin token parameter is empty');
  cached = { digest: createHash('sha256').update(value).digest(), at: Date.now() };
  return cached.digest;
}

const policy = (effect: 'Allow' | 'Deny', resource: string) => ({
  principalId: 'admin',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  },
});

export async function handler(event: TokenEvent) {
  const match = /^Bearer\s+(\S{16,256})$/i.exec(event.authorizationToken?.trim() ?? '');
  // No or malformed credential: API Gateway answers 401. A wrong one: Deny, 403.
  if (!match?.[1]) throw new Error('Unauthorized');
  const given = createHash('sha256').update(match[1]).digest();
  return policy(timingSafeEqual(given, await expectedDigest()) ? 'Allow' : 'Deny', event.methodArn);
}
