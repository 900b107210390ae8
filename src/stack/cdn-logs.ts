// CloudFront's access logs (`website.accessLogs`): standard logging v2 through CloudWatch Logs'
// vended-log delivery, into the log bucket under `cdn/` (its lifecycle rule, over the whole bucket,
// expires them with the S3 access logs under `logs/`). Legacy standard logging writes with ACLs, which
// the log bucket disables (BucketOwnerEnforced). Kept in CloudFront's log region (us-east-1); none
// where there is no CloudFront (GovCloud). Turned off, the three are built as if on and retired.
// Not in the tag lookup (src/stack/tagged.ts): their names are the stack's identity (project,
// environment, region code), never a setting, so no earlier name can be left behind.
import { cdnLogNames } from '../config/names.js';
import { ref, UNKNOWN } from '../engine/types.js';
import type { PolicyDocument } from '../resources/iam-role.js';
import { cloudfrontLogDelivery } from '../resources/cloudfront-log-delivery.js';
import {
  cloudfrontLogDeliveryDestination,
  cloudfrontLogDeliverySource,
  type DeliverySourceDesired,
} from '../resources/cloudfront-log-delivery-parts.js';
import type { cloudfrontDistribution } from '../resources/cloudfront-distribution.js';
import type { s3Bucket } from '../resources/s3-bucket.js';
import type { s3BucketPolicy } from '../resources/s3-bucket-policy.js';
import type { StackContext } from './context.js';
import type { StackResource } from './ids.js';

/** The log bucket's prefix for CloudFront's logs, then one folder per distribution and hour (CloudFront's variables). */
export const CDN_LOG_PATH = 'cdn/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}';

/**
 * JSON rather than Parquet: CloudFront charges for the conversion to Parquet, which pays off only for
 * large volumes queried with Athena; JSON (gzipped) reads with any tool and Athena reads it too.
 */
const OUTPUT_FORMAT = 'json';

export type CdnLogSourceResource = StackResource<typeof cloudfrontLogDeliverySource>;
export type CdnLogDestinationResource = StackResource<typeof cloudfrontLogDeliveryDestination>;
export type CdnLogDeliveryResource = StackResource<typeof cloudfrontLogDelivery>;
type BucketResource = StackResource<typeof s3Bucket>;
type BucketPolicyResource = StackResource<typeof s3BucketPolicy>;
type DistributionResource = StackResource<typeof cloudfrontDistribution>;

/** Where the delivery resources live (CloudFront's log region), or undefined where CloudFront is not. */
const logRegion = (ctx: StackContext): string | undefined => ctx.cloudfrontRegion;

/**
 * The log bucket's statement letting CloudWatch Logs' delivery service write under `cdn/` for this
 * stack's delivery source only: "Logs sent to Amazon S3" (CloudWatch Logs User Guide, vended logs V2)
 * documents it with these conditions. In the policy before the delivery is made: given the user's
 * s3:PutBucketPolicy, AWS would otherwise add its own statement, which the next `up` would remove.
 */
export function cdnLogStatements(ctx: StackContext, logBucketArn: string): PolicyDocument['Statement'] {
  const region = logRegion(ctx);
  if (!region || !ctx.config.website.accessLogs) return [];
  const sourceArn = ctx.arn.logDelivery(`delivery-source:${cdnLogNames(ctx.config).source}`, region);
  return [
    {
      Sid: 'CloudFrontAccessLogs',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logBucketArn}/cdn/*`,
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': ctx.env.accountId },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    },
    {
      // The same page's companion statement: the service checks the bucket before it writes.
      Sid: 'CloudFrontAccessLogsAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: logBucketArn,
      Condition: {
        StringEquals: { 'aws:SourceAccount': ctx.env.accountId },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    },
  ];
}

export interface CdnLogs {
  source: CdnLogSourceResource;
  destination: CdnLogDestinationResource;
  delivery: CdnLogDeliveryResource;
}

/** The source, destination and delivery, or undefined where CloudFront is not (GovCloud). */
export function cdnLogs(
  ctx: StackContext,
  logs: BucketResource,
  logsPolicy: BucketPolicyResource,
  dist: DistributionResource,
): CdnLogs | undefined {
  const region = logRegion(ctx);
  if (!region) return undefined;
  const names = cdnLogNames(ctx.config);
  const sourceArn = ctx.arn.logDelivery(`delivery-source:${names.source}`, region);
  const destinationArn = ctx.arn.logDelivery(`delivery-destination:${names.destination}`, region);
  const sourceDesired = (resourceArn: string): DeliverySourceDesired => ({
    name: names.source,
    arn: sourceArn,
    region,
    resourceArn,
    logType: 'ACCESS_LOGS',
    tags: ctx.tags,
  });
  const source: CdnLogSourceResource = {
    id: 'cdn-log-source',
    name: names.source,
    provisioner: cloudfrontLogDeliverySource,
    dependsOn: [dist.id],
    desired: sourceDesired(UNKNOWN),
    resolve: (out) => sourceDesired(ref(out, dist, 'arn')),
  };
  const destination: CdnLogDestinationResource = {
    id: 'cdn-log-destination',
    name: names.destination,
    provisioner: cloudfrontLogDeliveryDestination,
    // After the source: when both must be made again in one run (each sets their delivery aside and makes
    // it again), one after the other, or the destination's would remake the delivery while the source is gone.
    dependsOn: [logs.id, source.id],
    desired: {
      name: names.destination,
      arn: destinationArn,
      region,
      bucketArn: logs.desired.arn,
      outputFormat: OUTPUT_FORMAT,
      tags: ctx.tags,
    },
  };
  const delivery: CdnLogDeliveryResource = {
    id: 'cdn-log-delivery',
    // The bucket and prefix it writes to: what a reader of `plan` and `status` looks for.
    name: `${logs.desired.name}/cdn/`,
    provisioner: cloudfrontLogDelivery,
    // After the bucket policy: AWS checks (or writes) the bucket's permission when the delivery is made.
    dependsOn: [source.id, destination.id, logsPolicy.id],
    desired: {
      region,
      sourceName: names.source,
      destinationArn,
      bucket: logs.desired.name,
      suffixPath: CDN_LOG_PATH,
      tags: ctx.tags,
    },
  };
  return { source, destination, delivery };
}
