// S3 after CreateBucket (the new bucket not yet visible to its settings calls) and bucket names
// owned by another account (names are global across all of AWS).
import type { Call } from '../aws-call.js';
import { awsError, type Reply } from '../aws-reply.js';
import { perProxy } from './state.js';
import { type Behaviour, scaled } from './types.js';

/**
 * Not documented as a figure (S3 User Guide, "Consistency model": bucket operations are eventually
 * consistent); Terraform's provider retries each setting for 2 minutes. A few seconds is what we reproduce.
 */
const NEW_BUCKET_MS = 4_000;

/**
 * Bucket names another account owns in this run: the design document's fixed names (on real AWS any
 * one account on Earth may own them), and whatever a test adds.
 */
export const TAKEN_BUCKETS = new Set<string>([
  'development-state-lock-projet1-serverless',
  'development-state-lock-projet1-serverless-logs',
]);

const createdAt = perProxy(() => new Map<string, number>());

/** Calls S3 answers for a bucket it has not propagated yet: everything but the create and the existence check. */
const onBucket = (call: Call): boolean =>
  call.service === 's3' && call.resource !== undefined && !/^(CreateBucket|HeadBucket)$/.test(call.operation);

export const newBucketNotVisible: Behaviour = {
  kind: 's3-new-bucket-not-visible',
  source:
    'S3 User Guide, "Consistency model" (bucket operations eventually consistent); Terraform AWS provider ' +
    'internal/service/s3: tfresource.RetryWhenAWSErrCodeEquals(ctx, bucketPropagationTimeout (2 min), ..., ' +
    'errCodeNoSuchBucket) around each bucket setting after a create',
  before(call, _req, ctx) {
    const at = onBucket(call) && call.resource ? createdAt(ctx).get(call.resource) : undefined;
    if (at === undefined || ctx.now - at >= scaled(ctx, NEW_BUCKET_MS)) return undefined;
    ctx.count('s3-new-bucket-not-visible');
    return awsError(call, 404, 'NoSuchBucket', 'The specified bucket does not exist');
  },
  after(call, _req, body, ctx) {
    if (call.service === 's3' && call.operation === 'CreateBucket' && call.resource)
      createdAt(ctx).set(call.resource, ctx.now);
    return body;
  },
};

/**
 * Buckets `names` exist in another account: HeadBucket answers 403 with no body, CreateBucket 409
 * BucketAlreadyExists, anything else 403 AccessDenied.
 */
export function ownedByAnotherAccount(names: ReadonlySet<string>): Behaviour {
  return {
    kind: 's3-bucket-of-another-account',
    source:
      'S3 API Reference, HeadBucket ("403 Forbidden" when the bucket exists and you lack permission, no body ' +
      'on HEAD) and CreateBucket (BucketAlreadyExists, 409: "The requested bucket name is not available")',
    before(call, _req, ctx): Reply | undefined {
      if (call.service !== 's3' || !call.resource || !names.has(call.resource)) return undefined;
      ctx.count('s3-bucket-of-another-account');
      if (call.operation === 'HeadBucket') return { status: 403, headers: {}, body: '' };
      if (call.operation === 'CreateBucket')
        return awsError(call, 409, 'BucketAlreadyExists', 'The requested bucket name is not available.');
      return awsError(call, 403, 'AccessDenied', 'Access Denied');
    },
  };
}

export const S3_BEHAVIOURS: Behaviour[] = [newBucketNotVisible, ownedByAnotherAccount(TAKEN_BUCKETS)];
