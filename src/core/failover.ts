// `projet1 failover --to <region>` / `--back`: the distribution serves the other region. Its API origin
// becomes that region's REST API (CloudFront fails over by itself only in GET/HEAD/OPTIONS behaviours, and
// the API's carry writes) and that region's site bucket the origin group's first member. The active
// region is recorded on the distribution (ACTIVE_REGION_TAG) so `up` keeps it. Nothing waits for
// CloudFront's edges: on AWS they take the change within minutes.
import { TagResourceCommand, CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { dnsSuffix } from '../aws/arns.js';
import { computePlan, outputOf } from '../engine/plan.js';
import { EXIT, UserError } from '../errors.js';
import { findDistribution, type Seen, updateConfig } from '../resources/cloudfront-distribution.js';
import {
  ACTIVE_REGION_TAG,
  activeRegionOf,
  type RegionEdge,
  serves,
  withActiveRegion,
} from '../resources/distribution-regions.js';
import type { ApiResource } from '../stack/api-tier.js';
import { apiOrigin, bucketDomain } from '../stack/web-tier.js';
import { describeReplication, notReady, type ReplicationStatus, replicationStatus } from './failover-checks.js';
import type { IoHost } from './io.js';
import type { Session } from './session.js';

export interface FailoverResult {
  /** The region served before, and now. */
  from: string;
  to: string;
  /** False when `to` was served already (nothing changed). */
  changed: boolean;
  distributionId: string;
  /** The target's replica as checked before switching. */
  replication: ReplicationStatus;
  /** From the command's start until CloudFront accepted the change. */
  ms: number;
}

/** The stack's two regions, or a UserError when it has no second one. */
export function stackRegionsOf(session: Session): { primary: string; secondary: string } {
  const secondary = session.stack.parts.secondary?.region ?? session.config.regions.secondary;
  if (!secondary)
    throw new UserError(
      `${session.config.project}/${session.config.environment} has no second region to fail over to.`,
      {
        exitCode: EXIT.usage,
        hint: 'Set "regions": { "secondary": "<region>" } in projet1.config.json and run `projet1 up` first.',
      },
    );
  return { primary: session.env.region, secondary };
}

/** The distribution as CloudFront has it, and the region it serves now. */
export async function servedNow(session: Session, io: IoHost): Promise<{ seen: Seen; active: string }> {
  const { primary, secondary } = stackRegionsOf(session);
  const dist = session.stack.parts.distribution;
  const seen = await findDistribution(session.context(io)(dist.id), dist.desired.comment);
  if (!seen)
    throw new UserError(`The distribution of ${session.config.project}/${session.config.environment} does not exist.`, {
      exitCode: EXIT.notFound,
      hint: 'Run `projet1 up` first (with the same --environment / --endpoint-url).',
    });
  return { seen, active: activeRegionOf(seen.tags, primary, secondary) };
}

/** The REST API's id in its region, observed there only (the other region may be the one that is down). */
async function apiIdOf(session: Session, io: IoHost, api: ApiResource): Promise<string | undefined> {
  const stack = { resources: [api], retired: [], tags: session.stack.tags };
  const state = await computePlan(stack, 'apply', session.context(io), io);
  return state.observed.has(api.id) ? outputOf(state, api, 'id') : undefined;
}

/** What `region` serves: its site bucket and its API. */
async function edgeOf(session: Session, io: IoHost, region: string): Promise<RegionEdge> {
  const { parts } = session.stack;
  const primary = region === session.env.region;
  const api = primary ? parts.api : parts.secondary?.api;
  const bucket = primary ? parts.siteBucket : parts.secondarySiteBucket;
  const apiId = api && (await apiIdOf(session, io, api));
  if (!bucket || !apiId)
    throw new UserError(
      `The API of ${session.config.project}/${session.config.environment} in ${region} does not exist.`,
      {
        exitCode: EXIT.notFound,
        hint: 'Run `projet1 up` first: it makes the API in both regions.',
      },
    );
  const suffix = { dnsSuffix: dnsSuffix(session.env.partition) };
  return {
    region,
    s3DomainName: bucketDomain(suffix, bucket),
    apiOrigin: apiOrigin(session.config, { ...session.env, region }, apiId),
  };
}

const otherBucketDomain = (session: Session, region: string): string => {
  const { parts } = session.stack;
  const bucket = region === session.env.region ? parts.secondarySiteBucket : parts.siteBucket;
  return bucket ? bucketDomain({ dnsSuffix: dnsSuffix(session.env.partition) }, bucket) : '';
};

/**
 * Serves `to`: checks its replica (ACTIVE, not lagging; refuses otherwise, exit 2), records it in the
 * distribution's tag first (a run stopped after that is finished by `up` or by running this again),
 * then swaps the origins with one UpdateDistribution.
 */
export async function failover(session: Session, io: IoHost, to: string): Promise<FailoverResult> {
  const t0 = Date.now();
  const { primary, secondary } = stackRegionsOf(session);
  if (to !== primary && to !== secondary)
    throw new UserError(`${to} is not a region of this stack (${primary}, ${secondary}).`, {
      exitCode: EXIT.usage,
      hint: `Pass --to ${secondary}, or --back for ${primary}.`,
    });
  const { seen, active } = await servedNow(session, io);
  const replication = await replicationStatus(session.aws, session.stack.parts.table.desired.name, active, to);
  const why = notReady(replication);
  const first = await edgeOf(session, io, to);
  const other = otherBucketDomain(session, to);
  const done = active === to && serves(seen.config, first, other);
  if (why && !done)
    throw new UserError(`Refusing to fail over to ${to}: ${why} (${describeReplication(replication)}).`, {
      exitCode: EXIT.usage,
      hint: 'Wait until the replica there is ACTIVE and caught up (`projet1 status` shows it), then run this again.',
    });
  const changed = done ? false : await serveRegion(session, io, seen, first, other);
  return { from: active, to, changed, distributionId: seen.id, replication, ms: Date.now() - t0 };
}

async function serveRegion(
  session: Session,
  io: IoHost,
  seen: Seen,
  first: RegionEdge,
  other: string,
): Promise<boolean> {
  const ctx = session.context(io)(session.stack.parts.distribution.id);
  if (seen.tags[ACTIVE_REGION_TAG] !== first.region)
    await session.aws.client(CloudFrontClient).send(
      new TagResourceCommand({
        Resource: seen.arn,
        Tags: { Items: [{ Key: ACTIVE_REGION_TAG, Value: first.region }] },
      }),
    );
  if (serves(seen.config, first, other)) return true;
  await updateConfig(
    ctx,
    seen,
    (config) => withActiveRegion(config, first, other),
    (latest) => serves(latest.config, first, other),
  );
  return true;
}
