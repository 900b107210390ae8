// deploy-website: publishes a folder to the site bucket. Only files whose MD5 differs from
// the stored ETag are uploaded (with their Content-Type and Cache-Control), objects no longer
// present are deleted, the runtime configuration is written, and exactly the changed paths
// are invalidated (one invalidation; `/*` above a threshold).
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';
import { DeleteObjectsCommand, PutObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { contentType } from 'mime-types';
import pMap from 'p-map';
import { refuseConflicts } from '../engine/apply.js';
import { computePlan, outputOf } from '../engine/plan.js';
import type { Resource } from '../engine/types.js';
import { EXIT, UserError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import type { IoHost } from './io.js';
import type { Session } from './session.js';
import { siteAuthConfig } from './users.js';

/** Above this many changed paths, one `/*` invalidation is cheaper (AWS bills per path beyond 1,000 a month). */
export const INVALIDATE_ALL_ABOVE = 15;
/** Written by projet1, not taken from the folder: what the page needs to find its API. */
export const RUNTIME_CONFIG = 'config.json';

export interface SiteFile {
  key: string;
  body: Buffer;
  md5: string;
  contentType: string;
  cacheControl: string;
}

export interface DeployResult {
  dir: string;
  uploaded: string[];
  unchanged: number;
  deleted: string[];
  invalidated: string[];
  websiteUrl: string;
  dryRun: boolean;
}

const FINGERPRINTED = /\.[0-9a-f]{8,}\.[a-z0-9]+$/i;

/** HTML and unversioned files are revalidated on every load; fingerprinted assets never change. */
export function cacheControlFor(key: string): string {
  return FINGERPRINTED.test(key) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

function file(key: string, body: Buffer): SiteFile {
  return {
    key,
    body,
    md5: createHash('md5').update(body).digest('hex'),
    contentType: contentType(key.split('/').pop() ?? key) || 'application/octet-stream',
    cacheControl: cacheControlFor(key),
  };
}

/** The folder's files (dot files skipped), keyed with forward slashes, plus the runtime configuration. */
export function siteFiles(dir: string, runtime: Record<string, unknown>): SiteFile[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(dir);
  } catch {
    throw new UserError(`The website folder ${dir} does not exist.`, {
      exitCode: EXIT.usage,
      hint: 'Pass --dir <folder>.',
    });
  }
  if (!stat.isDirectory()) throw new UserError(`${dir} is not a folder.`, { exitCode: EXIT.usage });
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(
      (e) =>
        e.isFile() &&
        !relative(dir, join(e.parentPath, e.name))
          .split(sep)
          .some((p) => p.startsWith('.')),
    )
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return file(relative(dir, path).split(sep).join('/'), readFileSync(path));
    })
    .filter((f) => f.key !== RUNTIME_CONFIG);
  if (!files.some((f) => f.key === 'index.html')) {
    throw new UserError(`${dir} has no index.html, the distribution's default root object.`, { exitCode: EXIT.usage });
  }
  return [...files, file(RUNTIME_CONFIG, Buffer.from(`${JSON.stringify(runtime, null, 2)}\n`))].sort((a, b) =>
    a.key.localeCompare(b.key),
  );
}

/** A bucket the site is published to: the stack's, and with regions.secondary its copy there. */
interface SiteBucket {
  name: string;
  region: string;
}

/** The site bucket(s) and the distribution, found like `plan` finds them; refuses when the tier is not up. */
async function deployedSite(
  session: Session,
  io: IoHost,
): Promise<{ buckets: SiteBucket[]; distributionId: string; url: string }> {
  const { siteBucket, secondarySiteBucket, distribution } = session.stack.parts;
  const sites = [siteBucket, ...(secondarySiteBucket ? [secondarySiteBucket] : [])];
  // The distribution's outputs need what it reads (OAC, API, headers policy) observed too.
  const wanted = new Set<string>([...sites.map((b) => b.id), distribution.id, ...distribution.dependsOn]);
  const pick = (list: readonly Resource[] = []) => list.filter((r) => wanted.has(r.id));
  // A policy the distribution lets go of (turned off) is among what it names: observed like the rest.
  const stack = { ...session.stack, resources: pick(session.stack.resources), retired: pick(session.stack.retired) };
  const state = await computePlan(stack, 'apply', session.context(io), io);
  // A bucket of that name that is not this stack's (another account, region or environment): never write to it.
  refuseConflicts({
    mode: 'apply',
    changes: state.plan.changes.filter((c) => sites.some((b) => b.id === c.id) || c.id === distribution.id),
  });
  const distributionId = outputOf(state, distribution, 'id');
  if (sites.some((b) => !state.observed.has(b.id)) || !distributionId) {
    throw new UserError(`The website of ${session.config.project}/${session.config.environment} is not deployed.`, {
      exitCode: EXIT.notFound,
      hint: 'Run `projet1 up` first (with the same --environment / --endpoint-url).',
    });
  }
  const buckets = sites.map((b) => ({ name: b.desired.name, region: b.desired.region }));
  return { buckets, distributionId, url: outputOf(state, distribution, 'url') ?? '' };
}

const s3In = (session: Session, bucket: SiteBucket) => session.aws.client(S3Client, { region: bucket.region });

async function storedEtags(session: Session, bucket: SiteBucket): Promise<Map<string, string>> {
  const s3 = s3In(session, bucket);
  const out = new Map<string, string>();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket.name }))
    for (const o of page.Contents ?? []) if (o.Key) out.set(o.Key, (o.ETag ?? '').replaceAll('"', ''));
  return out;
}

export function websiteDir(session: Session, override: string | undefined): string {
  return resolve(override ?? session.config.website.dir ?? join(PACKAGE_ROOT, 'website'));
}

/** What one bucket lacks and holds too many: each bucket is compared on its own (one may have been left behind). */
interface BucketWork {
  bucket: SiteBucket;
  changed: SiteFile[];
  removed: string[];
}

async function bucketWork(session: Session, bucket: SiteBucket, files: SiteFile[]): Promise<BucketWork> {
  const stored = await storedEtags(session, bucket);
  const keep = new Set(files.map((f) => f.key));
  return {
    bucket,
    changed: files.filter((f) => stored.get(f.key) !== f.md5),
    removed: [...stored.keys()].filter((k) => !keep.has(k)).sort(),
  };
}

/**
 * With regions.secondary the same files go to both buckets, rather than S3 replication: replication is
 * asynchronous (minutes, without paying for Replication Time Control) and needs a role and rules of its
 * own, while this run already knows what changed; the invalidation is made once both buckets hold the
 * new files, so no edge caches a file the failover bucket lacks.
 */
export async function deployWebsite(
  session: Session,
  io: IoHost,
  opts: { dir: string; dryRun: boolean },
): Promise<DeployResult> {
  const files = siteFiles(opts.dir, {
    apiBase: '',
    project: session.config.project,
    environment: session.config.environment,
    ...(await siteAuthConfig(session, io)),
  });
  const site = await deployedSite(session, io);
  const work = await Promise.all(site.buckets.map((b) => bucketWork(session, b, files)));
  const uploaded = [...new Set(work.flatMap((w) => w.changed.map((f) => f.key)))];
  const removed = [...new Set(work.flatMap((w) => w.removed))].sort();
  const paths = [...uploaded, ...removed].flatMap((k) => (k === 'index.html' ? ['/', '/index.html'] : [`/${k}`]));
  const invalidated = paths.length > INVALIDATE_ALL_ABOVE ? ['/*'] : paths;
  const result: DeployResult = {
    dir: opts.dir,
    uploaded,
    unchanged: files.length - uploaded.length,
    deleted: removed,
    invalidated,
    websiteUrl: site.url,
    dryRun: opts.dryRun,
  };
  if (opts.dryRun) return result;
  const total = work.reduce((n, w) => n + w.changed.length, 0);
  const t0 = Date.now();
  let done = 0;
  const uploadedOne = () => {
    done++;
    const perSecond = done / Math.max(0.001, (Date.now() - t0) / 1000);
    io.event({ type: 'progress', id: 'upload', label: 'uploading', done, total, perSecond });
  };
  for (const w of work) await publish(session, w, uploadedOne);
  if (invalidated.length > 0) {
    await session.aws.client(CloudFrontClient).send(
      new CreateInvalidationCommand({
        DistributionId: site.distributionId,
        InvalidationBatch: {
          CallerReference: `projet1-${randomUUID()}`,
          Paths: { Quantity: invalidated.length, Items: invalidated },
        },
      }),
    );
  }
  return result;
}

/** Uploads what one bucket lacks, then deletes what it should no longer hold. */
async function publish(session: Session, w: BucketWork, uploadedOne: () => void): Promise<void> {
  const s3 = s3In(session, w.bucket);
  // A few uploads in flight: the site is small, S3 is fast, and order does not matter.
  await pMap(
    w.changed,
    async (f) => {
      await s3.send(
        new PutObjectCommand({
          Bucket: w.bucket.name,
          Key: f.key,
          Body: f.body,
          ContentType: f.contentType,
          CacheControl: f.cacheControl,
          ContentMD5: Buffer.from(f.md5, 'hex').toString('base64'),
        }),
      );
      uploadedOne();
    },
    { concurrency: 6 },
  );
  for (let i = 0; i < w.removed.length; i += 1000) {
    const Objects = w.removed.slice(i, i + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: w.bucket.name, Delete: { Objects, Quiet: true } }));
  }
}
