// Whether the site bucket holds anything. A new distribution over an empty bucket answers 403 for
// every path (after `down` + `up`, or an emulator that lost its objects), and nothing else says why:
// `up` and `status` name the cause and the command that fixes it.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { resourceNames } from '../config/names.js';
import type { Session } from './session.js';

export const PUBLISH_HINT = 'projet1 deploy-website';

/**
 * True when the site bucket exists and is empty; false when it holds an object, or is missing or
 * unreadable (other checks report those: a missing bucket is a missing resource).
 */
export async function siteBucketEmpty(session: Session): Promise<boolean> {
  const bucket = resourceNames(session.config, session.env.accountId).siteBucket;
  try {
    const res = await session.aws.client(S3Client).send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
    return (res.KeyCount ?? res.Contents?.length ?? 0) === 0;
  } catch {
    return false;
  }
}

export function siteEmptyMessage(session: Session): string {
  const bucket = resourceNames(session.config, session.env.accountId).siteBucket;
  return `The site bucket ${bucket} is empty, so the website answers 403: publish it with \`${PUBLISH_HINT}\`.`;
}
