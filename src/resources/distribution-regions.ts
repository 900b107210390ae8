// With regions.secondary the distribution serves one region at a time: the active one's site bucket
// first in the origin group and its REST API as the API origin. `projet1 failover` switches it and
// records the active region in a tag on the distribution, which `up` reads back so it keeps it.
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import type { DistributionDesired } from './cloudfront-distribution.js';
import type { ApiOrigin, DistributionShape } from './distribution-config.js';
import { API, list, S3, S3_FAILOVER } from './distribution-origins.js';

/**
 * Where the active region is recorded: a tag of the distribution, not an SSM parameter. CloudFront's
 * control plane is the one place a failover changes anyway (if it cannot be reached, no failover can
 * be made), it answers whichever region is down, and the record lives and dies with what it describes.
 */
export const ACTIVE_REGION_TAG = 'projet1:active-region';

/** The other region's edge parts (regions.secondary): its site bucket and its API. */
export interface SecondaryEdge {
  region: string;
  s3DomainName: string;
  apiOrigin: ApiOrigin;
  /** The default behaviour targets the origin group (false on an emulator without origin groups). */
  viaGroup: boolean;
}

/** What one region contributes: its site bucket's domain and its API. */
export interface RegionEdge {
  region: string;
  s3DomainName: string;
  apiOrigin: ApiOrigin;
}

/** The recorded active region if it is one of the stack's, else the stack's own. */
export function activeRegionOf(tags: Record<string, string>, primary: string, secondary: string | undefined): string {
  const tagged = tags[ACTIVE_REGION_TAG];
  return tagged !== undefined && tagged === secondary ? secondary : primary;
}

type Served = Pick<DistributionShape, 's3Origin' | 'apiOrigin' | 'siteFailover'>;

/** The origins served with `active` first: the other region's bucket is the group's second member. */
export function servedOrigins(
  primary: RegionEdge,
  oacId: string,
  secondary: SecondaryEdge | null,
  active: string,
): Served {
  if (!secondary)
    return { s3Origin: { domainName: primary.s3DomainName, oacId }, apiOrigin: primary.apiOrigin, siteFailover: null };
  const [first, other] = active === secondary.region ? [secondary, primary] : [primary, secondary];
  return {
    s3Origin: { domainName: first.s3DomainName, oacId },
    apiOrigin: first.apiOrigin,
    siteFailover: { domainName: other.s3DomainName, viaGroup: secondary.viaGroup },
  };
}

/** The desired shape with the active region's origins (`projet1 failover` chose it; the stack's region by default). */
export function servedShape(
  d: DistributionDesired,
  active: string,
): Omit<DistributionShape, 'originSecret' | 'siteKey'> {
  const primary = { region: d.region, s3DomainName: d.s3Origin.domainName, apiOrigin: d.apiOrigin };
  const { secondary, region: _r, originSecretParameter: _p, siteKeyName: _k, ...rest } = d;
  return { ...rest, ...servedOrigins(primary, d.s3Origin.oacId, secondary, active) };
}

/**
 * `config` serving `first` (its bucket first, its API) with `otherBucket` as the site's failover; nothing
 * else changes (the origin secret, the site key, the behaviours' other settings stay as they are).
 */
export function withActiveRegion(
  config: DistributionConfig,
  first: RegionEdge,
  otherBucket: string,
): DistributionConfig {
  const origins = (config.Origins?.Items ?? []).map((o) => {
    if (o.Id === S3) return { ...o, DomainName: first.s3DomainName };
    if (o.Id === S3_FAILOVER) return { ...o, DomainName: otherBucket };
    if (o.Id !== API || !o.CustomOriginConfig) return o;
    const a = first.apiOrigin;
    return {
      ...o,
      DomainName: a.domainName,
      OriginPath: a.originPath,
      CustomOriginConfig: {
        ...o.CustomOriginConfig,
        HTTPPort: a.httpPort,
        HTTPSPort: a.httpsPort,
        OriginProtocolPolicy: a.protocol,
      },
    };
  });
  return { ...config, Origins: list(origins) };
}

/** Whether `config` serves `first` already (its API and bucket first, `otherBucket` second). */
export function serves(config: DistributionConfig, first: RegionEdge, otherBucket: string): boolean {
  const by = (id: string) => config.Origins?.Items?.find((o) => o.Id === id);
  const api = by(API);
  const second = by(S3_FAILOVER);
  return (
    api?.DomainName === first.apiOrigin.domainName &&
    api?.OriginPath === first.apiOrigin.originPath &&
    by(S3)?.DomainName === first.s3DomainName &&
    (second === undefined || second.DomainName === otherBucket)
  );
}
