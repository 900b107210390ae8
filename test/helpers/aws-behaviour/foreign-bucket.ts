// A bucket name owned by another AWS account: bucket names are global across all of AWS, so any name
// may already be someone else's. The emulator has one account and cannot show it.
import { awsError } from '../aws-reply.js';
import type { Behaviour } from './types.js';

/** The bucket names that belong to "another account" in this run (tests add and remove names). */
export const FOREIGN_BUCKETS = new Set<string>();

export const foreignBucket: Behaviour = {
  kind: 'foreign-bucket',
  source:
    'Amazon S3 API Reference: HeadBucket ("If the bucket exists and you do not have permission to access it, the request returns 403 Forbidden", no body on a HEAD) and CreateBucket (409 BucketAlreadyExists: "The requested bucket name is not available. The bucket namespace is shared by all users of the system.")',
  before(call, req, ctx) {
    if (call.service !== 's3') return undefined;
    // Path-style requests (an endpoint): /<bucket> or /<bucket>?<subresource>.
    const [path = '', query] = req.url.split('?');
    const bucket = /^\/([^/]+)\/?$/.exec(path)?.[1];
    if (!bucket || !FOREIGN_BUCKETS.has(decodeURIComponent(bucket))) return undefined;
    ctx.count('foreign-bucket');
    if (req.method === 'HEAD') return { status: 403, headers: {}, body: '' };
    if (req.method === 'PUT' && !query) {
      const message =
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.';
      return awsError(call, 409, 'BucketAlreadyExists', message);
    }
    return awsError(call, 403, 'AccessDenied', 'Access Denied');
  },
};
