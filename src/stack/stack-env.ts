// Facts about the target account needed to compute ARNs before anything exists.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import { classifyAwsError, firstCall } from '../aws/errors.js';
import { AwsAccessError } from '../errors.js';

export interface StackEnv {
  accountId: string;
  partition: string;
  region: string;
  /** Extra certificate authority of the target (a TLS emulator): its functions must trust it too. */
  caBundle?: string[] | null;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Also the preflight: one cheap call that proves the endpoint and credentials work. */
export async function resolveStackEnv(aws: AwsClients): Promise<StackEnv> {
  try {
    // An unreachable endpoint should fail in a second, not after a long backoff.
    const me = await firstCall(() => aws.client(STSClient, { maxAttempts: 2 }).send(new GetCallerIdentityCommand({})));
    // A web server that is not AWS can answer 200 with a page the XML parser reads as nothing.
    if (!me.Account || !me.Arn) {
      throw new AwsAccessError(
        `${aws.target.endpointUrl ? `The endpoint ${aws.target.endpointUrl}` : 'AWS'} did not answer like AWS: STS GetCallerIdentity returned no account.`,
        'Check --endpoint-url / AWS_ENDPOINT_URL: it must be an AWS-compatible endpoint (MiniStack, LocalStack). `projet1 emulator status` prints the local one.',
      );
    }
    const partition = me.Arn.split(':')[1] ?? partitionOf(aws.target.region);
    return { accountId: me.Account, partition, region: aws.target.region, caBundle: aws.target.caBundle ?? null };
  } catch (err) {
    throw classifyAwsError(err, aws.target);
  }
}
