// S3 bucket with its settings (versioning, encryption, CORS, access logs, public access
// block, lifecycle, ownership, tags). Teardown empties every object version and delete
// marker, in batches of 1,000, before deleting the bucket.
import {
  GetBucketTaggingCommand,
  CreateBucketCommand,
  type BucketLocationConstraint,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AccessDeniedError, httpStatus, isAwsError, unless } from '../aws/errors.js';
import { fromTagList } from '../aws/tags.js';
import { canonicalJson } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import type { AwsAccess, FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { EXIT, UserError } from '../errors.js';
import { type BucketSettings, readSettings, SETTINGS, writeSetting } from './s3-settings.js';

export interface BucketDesired extends BucketSettings {
  name: string;
  arn: string;
  region: string;
  /** The stack's account: a bucket left untagged is adopted only if this account owns it. */
  accountId: string;
  /** The config key that names this bucket, for the "name taken" message. */
  configKey: string;
  tags: Record<string, string>;
}

/**
 * A bucket that is not ours to manage here: in another region (its tags say whose), or another
 * account's (`otherAccount`: S3 refuses us any look at it, as it does for every bucket it does not let us read).
 */
export type BucketObserved =
  | (BucketSettings & { tags: Record<string, string>; leftUntagged?: true })
  | { foreign: true; tags: Record<string, string>; otherAccount?: true };

const isForeign = (o: BucketObserved): o is { foreign: true; tags: Record<string, string>; otherAccount?: true } =>
  'foreign' in o;

const OTHER_ACCOUNT = { foreign: true, tags: {}, otherAccount: true } as const;

/** Where a bucket name stands for this account: here, none, another account's (403), or in another region (301). */
export type Existence = { state: 'here' | 'none' | 'foreign' } | { state: 'elsewhere'; region: string | undefined };

/**
 * Whether the bucket exists, from HeadBucket: 404 none, 403 another account's, 301 in another region
 * (bucket names are global). One reading for the provisioner and for `up`'s and `doctor`'s bucket checks.
 */
export async function bucketExistence(aws: AwsAccess, name: string): Promise<Existence> {
  try {
    await aws.client(S3Client).send(new HeadBucketCommand({ Bucket: name }));
    return { state: 'here' };
  } catch (err) {
    if (isAwsError(err, 'NotFound', 'NoSuchBucket')) return { state: 'none' };
    // HeadBucket answers 403 with an empty body for a bucket that exists (a missing one is 404 to
    // anyone) but that these credentials may not read: another account's, or ours without s3:ListBucket.
    if (httpStatus(err) === 403)
      return (await ownedHere(aws, name, err)) ? refusedOwn(name, err) : { state: 'foreign' };
    const region = (err as { $response?: { headers?: Record<string, string> } }).$response?.headers?.[
      'x-amz-bucket-region'
    ];
    if (httpStatus(err) === 301) return { state: 'elsewhere', region };
    throw err;
  }
}

/**
 * Whether a bucket HeadBucket refused is this account's: ListBuckets names only the caller's own.
 * Refused too, there is no telling whose it is: one line says both causes and how to tell them apart.
 */
async function ownedHere(aws: AwsAccess, name: string, headErr: unknown): Promise<boolean> {
  try {
    const page = await aws.client(S3Client).send(new ListBucketsCommand({ Prefix: name, MaxBuckets: 1000 }));
    return (page.Buckets ?? []).some((b) => b.Name === name);
  } catch (err) {
    if (httpStatus(err) !== 403) throw err;
    throw new AccessDeniedError(
      `Access denied: S3 refused HeadBucket on bucket ${name} (403, no detail): either another AWS account owns this name, or these credentials lack s3:ListBucket on it; s3:ListAllMyBuckets, refused too, would tell the two apart.`,
      'Grant the policy `projet1 permissions` prints (README.md "Permissions"), or choose another bucket name in projet1.config.json.',
      headErr,
    );
  }
}

function refusedOwn(name: string, err: unknown): never {
  throw new AccessDeniedError(
    `Access denied: not authorized to perform: s3:ListBucket, which S3's HeadBucket needs, on this account's bucket ${name} (ListBuckets lists it) (refused on ${name}).`,
    'The credentials in use lack a permission projet1 needs: `projet1 permissions` prints the policy (README.md "Permissions").',
    err,
  );
}

const TAKEN = 'is owned by another AWS account (bucket names are global across all of AWS)';
/** The way out of a name another account owns: which setting, and what keeps a name unique. */
const wayOut = (d: BucketDesired): string =>
  `Choose another name with "${d.configKey}" in projet1.config.json, or keep its {accountId} and {region} ` +
  'placeholders (as the default does) so the name is unique to your account and region';

/**
 * What a run of this stack killed between CreateBucket and its PutBucketTagging leaves (S3 takes no
 * tags in CreateBucket for general purpose buckets on every endpoint): our exact name, in our region
 * (HeadBucket answered here), owned by our account (ExpectedBucketOwner), with no tags and no object,
 * not even an old version. Such a bucket holds nothing anyone could lose: it is adopted and tagged.
 * One with objects or with any tag stays someone else's (refused).
 */
async function leftByInterruptedCreate(ctx: ProvisionContext, d: BucketDesired): Promise<boolean> {
  const s3 = ctx.aws.client(S3Client);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: d.name, ExpectedBucketOwner: d.accountId }));
  } catch (err) {
    if (httpStatus(err) === 403) return false;
    throw err;
  }
  const page = await s3.send(new ListObjectVersionsCommand({ Bucket: d.name, MaxKeys: 1 }));
  return (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0) === 0;
}

const isLeftUntagged = (o: BucketObserved): boolean => 'leftUntagged' in o && o.leftUntagged === true;

/** Deletes every version and delete marker, 1,000 keys per call, with progress. */
export async function emptyBucket(ctx: ProvisionContext, bucket: string): Promise<number> {
  const s3 = ctx.aws.client(S3Client);
  let deleted = 0;
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker, VersionIdMarker, MaxKeys: 1000 }),
    );
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key)
      .map((v) => ({ Key: v.Key as string, VersionId: v.VersionId }));
    if (objects.length > 0) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      deleted += objects.length;
      ctx.note(`emptying: ${deleted.toLocaleString('en-US')} object version(s) deleted`);
    }
    if (!page.IsTruncated) return deleted;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
}

export const s3Bucket: Provisioner<BucketDesired, BucketObserved> = {
  type: 's3-bucket',
  service: 's3',

  async observe(ctx, d) {
    const found = await bucketExistence(ctx.aws, d.name);
    if (found.state === 'none') return undefined;
    if (found.state === 'foreign') return OTHER_ACCOUNT;
    if (found.state === 'elsewhere') {
      // S3 always names the region of a 301; without it there is no telling whose the bucket is.
      if (!found.region) throw new Error(`S3 answered 301 for bucket ${d.name} without naming its region`);
      // Read its tags where it lives; its region is a fact, whatever the tags say. Another
      // account's bucket in another region refuses that read (403).
      try {
        const tagging = await unless(
          ctx.aws.client(S3Client, { region: found.region }).send(new GetBucketTaggingCommand({ Bucket: d.name })),
          'NoSuchTagSet',
        );
        return { foreign: true, tags: { ...fromTagList(tagging?.TagSet), region: found.region } };
      } catch (err) {
        if (httpStatus(err) === 403) return OTHER_ACCOUNT;
        throw err;
      }
    }
    const settings = await readSettings(ctx, d.name);
    if (Object.keys(settings.tags).length > 0) return settings;
    return (await leftByInterruptedCreate(ctx, d)) ? { ...settings, leftUntagged: true } : settings;
  },

  conflict: (d, o) => (isForeign(o) && o.otherAccount ? `${TAKEN}. ${wayOut(d)}` : undefined),

  // Another region's carries that region: it is refused. One our interrupted create left has no
  // tags to check (undefined): `up` tags it, `down` deletes it.
  tags: (o) => (isLeftUntagged(o) ? undefined : o.tags),

  diff(d, o) {
    if (isForeign(o)) return [];
    const changes: FieldChange[] = SETTINGS.filter((k) => canonicalJson(d[k]) !== canonicalJson(o[k])).map((k) => ({
      field: k,
      from: o[k],
      to: d[k],
    }));
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const s3 = ctx.aws.client(S3Client);
    try {
      await s3.send(
        new CreateBucketCommand({
          Bucket: d.name,
          ...(d.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: d.region as BucketLocationConstraint } }),
        }),
      );
    } catch (err) {
      // Ours already (an interrupted run): adopt it. Someone else's: say which setting to change.
      if (!isAwsError(err, 'BucketAlreadyOwnedByYou')) {
        if (isAwsError(err, 'BucketAlreadyExists')) {
          throw new UserError(`The bucket ${d.name} ${TAKEN}.`, { exitCode: EXIT.conflict, hint: `${wayOut(d)}.` });
        }
        throw err;
      }
    }
    // Tags first: if the run stops here, the next one recognises the bucket as ours.
    await writeSetting(ctx, d.name, 'tags', d, true);
    for (const field of SETTINGS) await writeSetting(ctx, d.name, field, d, true);
  },

  async update(ctx, d, o, changes) {
    // The public access block before anything that may need it relaxed (a public policy). A bucket
    // adopted from an interrupted create is claimed (tagged) first, as `create` does.
    const adopted = isLeftUntagged(o);
    if (adopted) ctx.note('adopting the empty, untagged bucket an interrupted run left');
    const order = adopted
      ? (['tags', 'publicAccessBlock', ...SETTINGS] as const)
      : (['publicAccessBlock', ...SETTINGS, 'tags'] as const);
    const fields = new Set(changes.map((c) => c.field));
    for (const field of new Set(order)) if (fields.has(field)) await writeSetting(ctx, d.name, field, d);
  },

  async delete(ctx, d) {
    const deleted = await emptyBucket(ctx, d.name);
    if (deleted > 0) ctx.note(`emptied ${deleted.toLocaleString('en-US')} object version(s)`);
    await unless(ctx.aws.client(S3Client).send(new DeleteBucketCommand({ Bucket: d.name })), 'NoSuchBucket');
  },

  outputs: (d) => ({ name: d.name, arn: d.arn }),
};
