// Facts about the target account needed to compute ARNs before anything exists.
import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { classifyAwsError, FIRST_CALL_ATTEMPTS, FIRST_CALL_REQUEST_MS, firstCall, httpStatus } from '../aws/errors.js';
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

/**
 * STS GetCallerIdentity as the first call of a run: an unreachable endpoint fails in a second and a
 * silent one within ~15 s (a short bound on this call only), not after a long backoff.
 */
export function callerIdentity(aws: AwsClients): Promise<GetCallerIdentityCommandOutput> {
  const sts = aws.client(STSClient, { maxAttempts: FIRST_CALL_ATTEMPTS, requestMs: FIRST_CALL_REQUEST_MS });
  return firstCall(() => sts.send(new GetCallerIdentityCommand({})), aws.target);
}

/**
 * The region where CloudFront keeps its metrics (and so our CloudFront alarms): its global endpoint's
 * region in each partition, as the SDK's CloudFront endpoint rules sign it (aws: us-east-1, aws-cn:
 * cloudfront.cn-northwest-1.amazonaws.com.cn). GovCloud has no CloudFront: undefined.
 */
export function cloudfrontMetricsRegion(partition: string): string | undefined {
  if (partition === 'aws-cn') return 'cn-northwest-1';
  if (partition === 'aws-us-gov') return undefined;
  return 'us-east-1';
}

/** Every region a stack has resources in: its own, then CloudFront's metrics region (alarms and topics). */
export function stackRegions(env: Pick<StackEnv, 'partition' | 'region'>): string[] {
  const cfRegion = cloudfrontMetricsRegion(env.partition);
  return [...new Set([env.region, ...(cfRegion ? [cfRegion] : [])])];
}

/** Also the preflight: one cheap call that proves the endpoint and credentials work. */
export async function resolveStackEnv(aws: AwsClients): Promise<StackEnv> {
  try {
    const me = await callerIdentity(aws);
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
    const classified = classifyAwsError(err, aws.target);
    // A 5xx after the SDK's retries is AWS's trouble, not a bug of ours: say so (the cause keeps the status).
    const status = httpStatus(err) ?? 0;
    if (!(classified instanceof AwsAccessError) && status >= 500) {
      const code = err instanceof Error ? err.name : 'error';
      throw new AwsAccessError(
        `STS in ${aws.target.region} answered HTTP ${status} (${code}) after retries: AWS is having trouble there.`,
        'Try again in a few minutes (the AWS Health Dashboard lists outages by region). If the stack\'s region is down, `projet1 failover --to <secondary region>` still works (README "Disaster recovery").',
        err,
      );
    }
    throw classified;
  }
}
