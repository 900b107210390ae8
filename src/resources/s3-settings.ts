// A bucket's settings as one comparable record: read with the Get* calls (a "not
// configured" answer is null), written with the Put*/Delete* calls, field by field.
import {
  DeleteBucketCorsCommand,
  DeleteBucketLifecycleCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { bucketNotYetVisible, unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { retrying } from '../engine/retry.js';
import type { ProvisionContext } from '../engine/types.js';

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export interface CorsRule {
  origins: string[];
  methods: string[];
  maxAgeSeconds: number;
}

/** Expire current objects after `expireDays`, and/or noncurrent versions after `noncurrentDays`. */
export interface Lifecycle {
  expireDays: number | null;
  noncurrentDays: number | null;
}

export interface BucketSettings {
  versioning: boolean;
  encryption: 'AES256' | null;
  cors: CorsRule | null;
  /** Server access logs: target bucket and prefix. */
  logging: { bucket: string; prefix: string } | null;
  publicAccessBlock: PublicAccessBlock | null;
  lifecycle: Lifecycle | null;
  /** Object ownership (BucketOwnerEnforced disables ACLs; log delivery uses the bucket policy). */
  ownership: string | null;
}

export const SETTINGS = [
  'versioning',
  'encryption',
  'cors',
  'logging',
  'publicAccessBlock',
  'lifecycle',
  'ownership',
] as const satisfies readonly (keyof BucketSettings)[];

const NONE = [
  'NoSuchCORSConfiguration',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchPublicAccessBlockConfiguration',
  'NoSuchLifecycleConfiguration',
  'NoSuchTagSet',
  'NoSuchTagSetError',
  'OwnershipControlsNotFoundError',
];

export async function readSettings(
  ctx: ProvisionContext,
  bucket: string,
): Promise<BucketSettings & { tags: Record<string, string> }> {
  const s3 = ctx.aws.client(S3Client);
  const Bucket = bucket;
  const [ver, enc, cors, log, pab, life, own, tags] = await Promise.all([
    s3.send(new GetBucketVersioningCommand({ Bucket })),
    unless(s3.send(new GetBucketEncryptionCommand({ Bucket })), ...NONE),
    unless(s3.send(new GetBucketCorsCommand({ Bucket })), ...NONE),
    s3.send(new GetBucketLoggingCommand({ Bucket })),
    unless(s3.send(new GetPublicAccessBlockCommand({ Bucket })), ...NONE),
    unless(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })), ...NONE),
    unless(s3.send(new GetBucketOwnershipControlsCommand({ Bucket })), ...NONE),
    unless(s3.send(new GetBucketTaggingCommand({ Bucket })), ...NONE),
  ]);
  const rule = cors?.CORSRules?.[0];
  const block = pab?.PublicAccessBlockConfiguration;
  const rules = life?.Rules ?? [];
  const expire = rules.find((r) => r.Status === 'Enabled' && r.Expiration?.Days)?.Expiration?.Days ?? null;
  const noncurrent =
    rules.find((r) => r.Status === 'Enabled' && r.NoncurrentVersionExpiration?.NoncurrentDays)
      ?.NoncurrentVersionExpiration?.NoncurrentDays ?? null;
  const algorithm =
    enc?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  return {
    versioning: ver.Status === 'Enabled',
    encryption: algorithm === 'AES256' ? 'AES256' : null,
    cors: rule
      ? {
          origins: rule.AllowedOrigins ?? [],
          methods: [...(rule.AllowedMethods ?? [])].sort(),
          maxAgeSeconds: rule.MaxAgeSeconds ?? 0,
        }
      : null,
    logging: log.LoggingEnabled?.TargetBucket
      ? { bucket: log.LoggingEnabled.TargetBucket, prefix: log.LoggingEnabled.TargetPrefix ?? '' }
      : null,
    publicAccessBlock: block
      ? {
          blockPublicAcls: block.BlockPublicAcls === true,
          ignorePublicAcls: block.IgnorePublicAcls === true,
          blockPublicPolicy: block.BlockPublicPolicy === true,
          restrictPublicBuckets: block.RestrictPublicBuckets === true,
        }
      : null,
    lifecycle: expire !== null || noncurrent !== null ? { expireDays: expire, noncurrentDays: noncurrent } : null,
    ownership: own?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null,
    tags: fromTagList(tags?.TagSet),
  };
}

/**
 * How many tries make Terraform's s3BucketPropagationTimeout (2 minutes, internal/service/s3): with
 * `retrying`'s backoff (1, 2, 4, 8, then 10 s) that is 4 + 11 waits.
 */
const PROPAGATION_ATTEMPTS = 16;

/**
 * A call on a bucket this run just created: S3 may answer NoSuchBucket or OperationAborted until
 * the new bucket has propagated, so wait it out as Terraform's provider does for every bucket setting.
 */
export function onNewBucket<T>(ctx: ProvisionContext, bucket: string, call: () => Promise<T>): Promise<T> {
  return retrying(
    ctx,
    call,
    (err) =>
      bucketNotYetVisible(err)
        ? `bucket ${bucket} was just created and S3 does not show it everywhere yet (${(err as Error).name}); waiting`
        : undefined,
    PROPAGATION_ATTEMPTS,
  );
}

/**
 * Writes one setting as desired (null removes it where AWS allows); `justCreated` waits out the
 * new bucket's propagation.
 */
export function writeSetting(
  ctx: ProvisionContext,
  bucket: string,
  field: (typeof SETTINGS)[number] | 'tags',
  want: Want,
  justCreated = false,
): Promise<void> {
  const write = () => WRITERS[field](ctx.aws.client(S3Client), bucket, want);
  return justCreated ? onNewBucket(ctx, bucket, write) : write();
}

type Want = BucketSettings & { tags: Record<string, string> };

/** One writer per setting: each sets that setting whole (S3's Put calls replace, never merge). */
const WRITERS: Record<(typeof SETTINGS)[number] | 'tags', (s3: S3Client, Bucket: string, want: Want) => Promise<void>> =
  {
    versioning: async (s3, Bucket, want) => {
      await s3.send(
        new PutBucketVersioningCommand({
          Bucket,
          VersioningConfiguration: { Status: want.versioning ? 'Enabled' : 'Suspended' },
        }),
      );
    },
    encryption: async (s3, Bucket) => {
      await s3.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
          },
        }),
      );
    },
    cors: async (s3, Bucket, want) => {
      if (!want.cors) await s3.send(new DeleteBucketCorsCommand({ Bucket }));
      else {
        const rule = { AllowedOrigins: want.cors.origins, AllowedMethods: want.cors.methods, AllowedHeaders: ['*'] };
        await s3.send(
          new PutBucketCorsCommand({
            Bucket,
            CORSConfiguration: { CORSRules: [{ ...rule, MaxAgeSeconds: want.cors.maxAgeSeconds }] },
          }),
        );
      }
    },
    logging: async (s3, Bucket, want) => {
      await s3.send(
        new PutBucketLoggingCommand({
          Bucket,
          BucketLoggingStatus: want.logging
            ? { LoggingEnabled: { TargetBucket: want.logging.bucket, TargetPrefix: want.logging.prefix } }
            : {},
        }),
      );
    },
    publicAccessBlock: async (s3, Bucket, want) => {
      const b = want.publicAccessBlock;
      if (!b) return;
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: b.blockPublicAcls,
            IgnorePublicAcls: b.ignorePublicAcls,
            BlockPublicPolicy: b.blockPublicPolicy,
            RestrictPublicBuckets: b.restrictPublicBuckets,
          },
        }),
      );
    },
    lifecycle: async (s3, Bucket, want) => {
      const l = want.lifecycle;
      if (!l) {
        await s3.send(new DeleteBucketLifecycleCommand({ Bucket }));
        return;
      }
      const Rules = [];
      if (l.expireDays !== null)
        Rules.push({
          ID: 'expire',
          Status: 'Enabled' as const,
          Filter: { Prefix: '' },
          Expiration: { Days: l.expireDays },
        });
      if (l.noncurrentDays !== null)
        Rules.push({
          ID: 'noncurrent-versions',
          Status: 'Enabled' as const,
          Filter: { Prefix: '' },
          NoncurrentVersionExpiration: { NoncurrentDays: l.noncurrentDays },
        });
      await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules } }));
    },
    ownership: async (s3, Bucket, want) => {
      if (want.ownership)
        await s3.send(
          new PutBucketOwnershipControlsCommand({
            Bucket,
            OwnershipControls: { Rules: [{ ObjectOwnership: want.ownership as 'BucketOwnerEnforced' }] },
          }),
        );
    },
    tags: async (s3, Bucket, want) => {
      await s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: toTagList(want.tags) } }));
    },
  };
