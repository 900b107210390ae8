// The site's buckets: the site bucket (private, versioned, encrypted, logged) and its log bucket,
// and their policies (S3's log delivery into the log bucket; the distribution's OAC reading the site).
import type { cloudfrontDistribution } from '../resources/cloudfront-distribution.js';
import type { PolicyDocument } from '../resources/iam-role.js';
import { type BucketDesired, s3Bucket } from '../resources/s3-bucket.js';
import { type BucketPolicyDesired, s3BucketPolicy } from '../resources/s3-bucket-policy.js';
import { ref, UNKNOWN } from '../engine/types.js';
import { regionCode, resourceNames } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { EXIT, UserError } from '../errors.js';
import { cdnLogStatements } from './cdn-logs.js';
import type { StackContext } from './context.js';
import type { ResourceId, StackResource } from './ids.js';

export type BucketResource = StackResource<typeof s3Bucket>;
export type BucketPolicyResource = StackResource<typeof s3BucketPolicy>;
type DistributionResource = StackResource<typeof cloudfrontDistribution>;

const ALL_BLOCKED = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

const denyInsecure = (bucketArn: string): PolicyDocument['Statement'][number] => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [bucketArn, `${bucketArn}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

/** What both buckets share: private, encrypted, owned by the bucket owner, in the stack's region. */
function bucket(
  ctx: StackContext,
  id: ResourceId,
  name: string,
  dependsOn: ResourceId[],
  settings: Pick<BucketDesired, 'configKey' | 'versioning' | 'cors' | 'logging' | 'publicAccessBlock' | 'lifecycle'>,
  region = ctx.env.region,
): BucketResource {
  return {
    id,
    name,
    provisioner: s3Bucket,
    dependsOn,
    desired: {
      name,
      arn: ctx.arn.bucket(name),
      region,
      configKey: settings.configKey,
      accountId: ctx.env.accountId,
      versioning: settings.versioning,
      encryption: 'AES256',
      cors: settings.cors,
      logging: settings.logging,
      publicAccessBlock: settings.publicAccessBlock,
      lifecycle: settings.lifecycle,
      ownership: 'BucketOwnerEnforced',
      tags: ctx.tags,
    },
  };
}

export function logBucket(ctx: StackContext): BucketResource {
  return bucket(ctx, 'bucket:logs', ctx.names.logBucket, [], {
    configKey: 'website.logBucketName',
    versioning: false,
    cors: null,
    logging: null,
    publicAccessBlock: ALL_BLOCKED,
    lifecycle: { expireDays: ctx.config.website.logRetentionDays, noncurrentDays: null },
  });
}

/** S3 delivers access logs as the logging service (and CloudWatch Logs CloudFront's), allowed by the log bucket's policy. */
export function logBucketPolicy(ctx: StackContext, logs: BucketResource): BucketPolicyResource {
  const logArn = logs.desired.arn;
  return {
    id: 'bucket-policy:logs',
    name: `${logs.name} policy`,
    provisioner: s3BucketPolicy,
    dependsOn: [logs.id],
    desired: {
      bucket: logs.desired.name,
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'S3ServerAccessLogs',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${logArn}/logs/*`,
            Condition: {
              ArnLike: { 'aws:SourceArn': ctx.arn.bucket(ctx.names.siteBucket) },
              StringEquals: { 'aws:SourceAccount': ctx.env.accountId },
            },
          },
          ...cdnLogStatements(ctx, logArn),
          denyInsecure(logArn),
        ],
      },
    },
  };
}

/** The site bucket's settings; its access logs go to the log bucket (S3 logs only within a region). */
function siteSettings(ctx: StackContext, logs: BucketResource | null) {
  const w = ctx.config.website;
  return {
    configKey: 'website.bucketName',
    versioning: true,
    cors: { origins: w.corsOrigins, methods: ['GET', 'HEAD'], maxAgeSeconds: 3000 },
    logging: logs ? { bucket: logs.desired.name, prefix: 'logs/' } : null,
    // The public variant relaxes only what a public bucket policy needs.
    publicAccessBlock: w.publicRead
      ? { ...ALL_BLOCKED, blockPublicPolicy: false, restrictPublicBuckets: false }
      : ALL_BLOCKED,
    lifecycle: { expireDays: null, noncurrentDays: w.noncurrentVersionDays },
  };
}

export function siteBucket(ctx: StackContext, logs: BucketResource, logsPolicy: BucketPolicyResource): BucketResource {
  return bucket(ctx, 'bucket:site', ctx.names.siteBucket, [logs.id, logsPolicy.id], siteSettings(ctx, logs));
}

/**
 * The site bucket's name in `region` (regions.secondary): the same template, unique across AWS by its
 * region placeholder; a template without one gets the region code appended (one name cannot be in two regions).
 */
export function siteBucketNameIn(
  config: Pick<Config, 'project' | 'environment' | 'table' | 'region' | 'website'>,
  accountId: string,
  region: string,
): string {
  const name = resourceNames({ ...config, region }, accountId).siteBucket;
  const unique = name === resourceNames(config, accountId).siteBucket ? `${name}-${regionCode(region)}` : name;
  if (unique.length > 63)
    throw new UserError(`The site bucket's name in ${region}, ${unique}, is longer than S3's 63 characters.`, {
      exitCode: EXIT.usage,
      hint: 'Shorten "website.bucketName" in projet1.config.json (keep its {regionCode} placeholder).',
    });
  return unique;
}

/**
 * The site's copy in regions.secondary, the origin group's failover member: the same settings but
 * no access logs, which S3 delivers only to a bucket of the same region (the primary's log bucket is not).
 */
export function secondarySiteBucket(ctx: StackContext, region: string): BucketResource {
  const name = siteBucketNameIn(ctx.config, ctx.env.accountId, region);
  const r = bucket(ctx, 'bucket:site-secondary', name, [], siteSettings(ctx, null), region);
  return { ...r, region };
}

/** The distribution reads the site through its OAC (and anyone may, with `website.publicRead`). */
export function siteBucketPolicy(
  ctx: StackContext,
  site: BucketResource,
  dist: DistributionResource,
  id: ResourceId = 'bucket-policy:site',
): BucketPolicyResource {
  const siteArn = site.desired.arn;
  const policy = (distributionArn: string): BucketPolicyDesired => ({
    bucket: site.desired.name,
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCloudFrontOAC',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `${siteArn}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
        },
        ...(ctx.config.website.publicRead
          ? [
              {
                Sid: 'PublicRead',
                Effect: 'Allow' as const,
                Principal: '*' as const,
                Action: 's3:GetObject',
                Resource: `${siteArn}/*`,
              },
            ]
          : []),
        denyInsecure(siteArn),
      ],
    },
  });
  return {
    id,
    ...(site.region ? { region: site.region } : {}),
    name: `${site.name} policy`,
    provisioner: s3BucketPolicy,
    dependsOn: [site.id, dist.id],
    desired: policy(UNKNOWN),
    resolve: (out) => policy(ref(out, dist, 'arn')),
  };
}
