// A bucket's policy, kept apart from the bucket because it names the distribution's ARN,
// which AWS assigns (it flows in through Resource.resolve). Compared order-insensitively.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { httpStatus, unless } from '../aws/errors.js';
import { canonicalJson, parsePolicyDocument } from '../engine/canonical.js';
import type { ProvisionContext, Provisioner } from '../engine/types.js';
import type { PolicyDocument } from './iam-role.js';
import { onNewBucket } from './s3-settings.js';

export interface BucketPolicyDesired {
  bucket: string;
  policy: PolicyDocument;
}

export interface BucketPolicyObserved {
  policy: unknown;
}

/** False when S3 refuses even HeadBucket (403): the bucket is another account's. */
async function readable(ctx: ProvisionContext, bucket: string): Promise<boolean> {
  try {
    await ctx.aws.client(S3Client).send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    return httpStatus(err) !== 403;
  }
}

export const s3BucketPolicy: Provisioner<BucketPolicyDesired, BucketPolicyObserved> = {
  type: 's3-bucket-policy',
  service: 's3',
  securityFields: ['policy'],

  async observe(ctx, d) {
    try {
      const res = await unless(
        ctx.aws.client(S3Client).send(new GetBucketPolicyCommand({ Bucket: d.bucket })),
        'NoSuchBucketPolicy',
        'NoSuchBucket',
      );
      return res?.Policy ? { policy: parsePolicyDocument(res.Policy) } : undefined;
    } catch (err) {
      // The bucket lives in another region (S3 answers 301): it is not ours here, and its
      // bucket resource is refused as such, so nothing is planned on its policy.
      const status = httpStatus(err);
      if (status === 301) return undefined;
      // Another account's bucket refuses every read: its bucket resource is refused as such. Ours
      // (HeadBucket answers) refusing the read is a permission this account lacks.
      if (status === 403 && !(await readable(ctx, d.bucket))) return undefined;
      throw err;
    }
  },

  // Its bucket carries the tags and the ownership check.
  tags: () => undefined,

  diff: (d, o) =>
    canonicalJson(d.policy) === canonicalJson(o.policy) ? [] : [{ field: 'policy', from: o.policy, to: d.policy }],

  // Its bucket is usually made moments before in the same run: wait out its propagation, as
  // Terraform's aws_s3_bucket_policy does (NoSuchBucket retried for 2 minutes).
  async create(ctx, d) {
    const put = new PutBucketPolicyCommand({ Bucket: d.bucket, Policy: JSON.stringify(d.policy) });
    await onNewBucket(ctx, d.bucket, () => ctx.aws.client(S3Client).send(put));
  },

  async update(ctx, d) {
    await this.create(ctx, d);
  },

  async delete(ctx, d) {
    await unless(
      ctx.aws.client(S3Client).send(new DeleteBucketPolicyCommand({ Bucket: d.bucket })),
      'NoSuchBucket',
      'NoSuchBucketPolicy',
    );
  },
};
