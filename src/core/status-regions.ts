// `status` with regions.secondary: which region takes the writes, the replica's state, and each
// region's API with its live probe (status-probes.ts probes both).
import { outputOf, type PlanState } from '../engine/plan.js';
import { findDistribution } from '../resources/cloudfront-distribution.js';
import { activeRegionOf } from '../resources/distribution-regions.js';
import { silentIo } from './io.js';
import type { Session } from './session.js';
import type { StackProbe } from './status-probes.js';

/** One region's API as `status` found it: its URL and the probe's answer. */
export interface RegionApi {
  region: string;
  url: string;
  status: number | null;
  answering: boolean;
}

export interface RegionsStatus {
  /** Where writes go now (`activeRegion`): the stack's region until a failover. */
  primary: string;
  /** The other region: regions.secondary until a failover. */
  secondary: string;
  /** The replica's ReplicaStatus (CREATING, ACTIVE…), MISSING before `up` adds it. */
  replicaStatus: string;
  /** Each region's API, the stack's region first; a region whose API is not deployed is left out. */
  apis: RegionApi[];
}

/**
 * The region writes go to. The seam for `projet1 failover`, which makes the secondary primary for
 * writes: `status` asks here and nowhere else. Without a failover it is the stack's own region.
 */
export async function activeRegion(session: Session): Promise<string> {
  // The distribution's projet1:active-region tag, which `projet1 failover` writes (distribution-regions.ts).
  const dist = session.stack.parts.distribution;
  const seen = await findDistribution(session.context(silentIo)(dist.id), dist.desired.comment);
  return seen
    ? activeRegionOf(seen.tags, session.env.region, session.config.regions.secondary ?? undefined)
    : session.env.region;
}

/** Both regions for `status`; undefined without regions.secondary. */
export async function regionsStatus(
  session: Session,
  state: Pick<PlanState, 'outputs'>,
  probes: StackProbe[],
): Promise<RegionsStatus | undefined> {
  const { replica } = session.stack.parts;
  const secondary = session.config.regions.secondary;
  if (!replica || !secondary) return undefined;
  const primary = await activeRegion(session);
  const apis = probes.flatMap((p) =>
    p.kind === 'api' && p.region ? [{ region: p.region, url: p.url, status: p.status, answering: p.answering }] : [],
  );
  return {
    primary,
    secondary: primary === secondary ? session.env.region : secondary,
    replicaStatus: outputOf(state, replica, 'status') ?? 'MISSING',
    apis,
  };
}
