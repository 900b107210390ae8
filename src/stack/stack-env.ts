// Facts about the target account needed to compute ARNs before anything exists.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { classifyAwsError } from '../aws/errors.js';

export interface StackEnv {
  accountId: string;
  partition: string;
  region: string;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Also the preflight: one cheap call that proves the endpoint and credentials work. */
export async function resolveStackEnv(aws: AwsClients): Promise<StackEnv> {
  try {
    // Two attempts only: an unreachable endpoint should fail in a second, not after a long backoff.
    const me = await aws.client(STSClient, { maxAttempts: 2 }).send(new GetCallerIdentityCommand({}));
    const partition = me.Arn?.split(':')[1] ?? partitionOf(aws.target.region);
    return { accountId: me.Account ?? '000000000000', partition, region: aws.target.region };
  } catch (err) {
    throw classifyAwsError(err, aws.target);
  }
}
