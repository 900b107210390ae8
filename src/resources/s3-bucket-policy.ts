// A bucket's policy, kept apart from the bucket because it names the distribution's ARN,
// which AWS assigns (it flows in through Resource.resolve). Compared order-insensitively.
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { unless } from '../aws/errors.js';
import { canonicalJson, parsePolicyDocument } from '../engine/canonical.js';
import type { Provisioner } from '../engine/types.js';
import type { PolicyDocument } from './iam-role.js';

export interface BucketPolicyDesired {
  bucket: string;
  policy: PolicyDocument;
}

export interface BucketPolicyObserved {
  policy: unknown;
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
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 301) return undefined;
      throw err;
    }
  },

  // Its bucket carries the tags and the ownership check.
  tags: () => undefined,

  diff: (d, o) =>
    canonicalJson(d.policy) === canonicalJson(o.policy) ? [] : [{ field: 'policy', from: o.policy, to: d.policy }],

  async create(ctx, d) {
    await ctx.aws
      .client(S3Client)
      .send(new PutBucketPolicyCommand({ Bucket: d.bucket, Policy: JSON.stringify(d.policy) }));
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
