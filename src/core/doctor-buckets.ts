// Whether the stack's two bucket names are free, ours or someone else's. Bucket names are global across
// all of AWS: a name owned by another account fails the first `up`, so `up` checks it before it changes
// anything, and `doctor` reports it. One function for both.
import { GetBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { unless } from '../aws/errors.js';
import { fromTagList } from '../aws/tags.js';
import { resourceNames, stackTags } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { EXIT, UserError } from '../errors.js';
import { bucketExistence } from '../resources/s3-bucket.js';

/**
 * free: 404 · ours: ours and tagged as this stack's · ours-untagged: in this account and region without
 * this stack's tags · foreign: 403, another account's · elsewhere: 301, in another region.
 */
export type BucketState = 'free' | 'ours' | 'ours-untagged' | 'foreign' | 'elsewhere';

export interface BucketCheck {
  /** The config key that names it. */
  key: 'website.bucketName' | 'website.logBucketName';
  name: string;
  state: BucketState;
  /** The region it is in, for `elsewhere`. */
  region?: string;
}

/** HeadBucket on each name (and its tags when it is in this account, with `tags`). */
export async function checkBucketNames(
  aws: AwsClients,
  config: Config,
  accountId: string,
  opts: { tags?: boolean } = {},
): Promise<BucketCheck[]> {
  const names = resourceNames(config, accountId);
  return Promise.all([
    checkBucket(aws, config, 'website.bucketName', names.siteBucket, opts),
    checkBucket(aws, config, 'website.logBucketName', names.logBucket, opts),
  ]);
}

/** One bucket name's state. */
export async function checkBucket(
  aws: AwsClients,
  config: Config,
  key: BucketCheck['key'],
  name: string,
  opts: { tags?: boolean } = {},
): Promise<BucketCheck> {
  const found = await bucketExistence(aws, name);
  if (found.state === 'none') return { key, name, state: 'free' };
  if (found.state === 'foreign') return { key, name, state: 'foreign' };
  if (found.state === 'elsewhere')
    return { key, name, state: 'elsewhere', ...(found.region ? { region: found.region } : {}) };
  const s3 = aws.client(S3Client);
  if (!opts.tags) return { key, name, state: 'ours' };
  const tagging = await unless(s3.send(new GetBucketTaggingCommand({ Bucket: name })), 'NoSuchTagSet');
  const tags = fromTagList(tagging?.TagSet);
  const mine = Object.entries(stackTags(config)).every(([k, v]) => tags[k] === v);
  return { key, name, state: mine ? 'ours' : 'ours-untagged' };
}

/** What a bucket name's state means for the user, and how out; undefined when nothing is in the way. */
export function bucketProblem(b: BucketCheck): { message: string; hint: string } | undefined {
  const out = `Choose another name with "${b.key}" in projet1.config.json (keep {accountId} and {regionCode} in it: the default names are unique to your account and region).`;
  if (b.state === 'foreign')
    return {
      message: `The bucket name ${b.name} is owned by another AWS account (bucket names are global across all of AWS); it is ${b.key}.`,
      hint: out,
    };
  if (b.state === 'elsewhere')
    return {
      message: `The bucket name ${b.name} is taken in ${b.region ?? 'another region'} (bucket names are global across all of AWS); it is ${b.key}.`,
      hint: out,
    };
  return undefined;
}

/** `up`'s preflight: a bucket name owned by another account is refused before anything changes (exit 4). */
export async function refuseForeignBuckets(aws: AwsClients, config: Config, accountId: string): Promise<void> {
  const checks = await checkBucketNames(aws, config, accountId);
  const foreign = checks.filter((b) => b.state === 'foreign');
  const first = foreign[0] && bucketProblem(foreign[0]);
  if (!first) return;
  const message =
    foreign.length > 1
      ? `The bucket names ${foreign.map((b) => `${b.name} (${b.key})`).join(' and ')} are owned by another AWS account (bucket names are global across all of AWS).`
      : first.message;
  throw new UserError(`${message} Nothing was changed.`, {
    exitCode: EXIT.conflict,
    hint:
      foreign.length > 1
        ? first.hint.replace(`"${foreign[0]?.key}"`, foreign.map((b) => `"${b.key}"`).join(' and '))
        : first.hint,
  });
}
