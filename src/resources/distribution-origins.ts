// The distribution's origins: the site bucket(s) and the API, and with regions.secondary the origin group
// of both buckets (the active region's first). Apart from distribution-config.ts, which builds the rest.
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { ORIGIN_HEADER } from '../../runtime/api/edge-header.js';
import type { DistributionShape } from './distribution-config.js';

export const S3 = 'site-bucket';
/** The other region's site bucket and the group of both (regions.secondary). */
export const S3_FAILOVER = 'site-bucket-failover';
export const SITE_GROUP = 'site';
/**
 * What makes CloudFront try the second bucket: 5xx as AWS recommends, and 403/404 since a private
 * S3 origin answers those when its region cannot serve the object (CloudFront developer guide,
 * "Optimizing high availability with CloudFront origin failover").
 */
export const FAILOVER_CODES = [403, 404, 500, 502, 503, 504];
/** The header API Gateway reads a key from (the API's apiKeySource HEADER). */
export const SITE_KEY_HEADER = 'x-api-key';
export const API = 'api';
export const list = <T>(items: T[]) => ({ Quantity: items.length, Items: items });

const bucketOrigin = (Id: string, domainName: string, oacId: string) => ({
  Id,
  DomainName: domainName,
  OriginPath: '',
  OriginAccessControlId: oacId,
  S3OriginConfig: { OriginAccessIdentity: '' },
  CustomHeaders: list([]),
});

/** The private site bucket(s) (through the OAC) and the API, which gets the origin secret and the site key. */
export function origins(s: DistributionShape): DistributionConfig['Origins'] {
  return list([
    bucketOrigin(S3, s.s3Origin.domainName, s.s3Origin.oacId),
    ...(s.siteFailover ? [bucketOrigin(S3_FAILOVER, s.siteFailover.domainName, s.s3Origin.oacId)] : []),
    {
      Id: API,
      DomainName: s.apiOrigin.domainName,
      OriginPath: s.apiOrigin.originPath,
      CustomHeaders: list([
        ...(s.originSecret ? [{ HeaderName: ORIGIN_HEADER, HeaderValue: s.originSecret }] : []),
        ...(s.siteKey ? [{ HeaderName: SITE_KEY_HEADER, HeaderValue: s.siteKey }] : []),
      ]),
      CustomOriginConfig: {
        HTTPPort: s.apiOrigin.httpPort,
        HTTPSPort: s.apiOrigin.httpsPort,
        OriginProtocolPolicy: s.apiOrigin.protocol,
        OriginSslProtocols: list(['TLSv1.2' as const]),
        OriginReadTimeout: 30,
        OriginKeepaliveTimeout: 5,
      },
    },
  ]);
}

/** The site's buckets, the active region's first; CloudFront fails over only for GET, HEAD and OPTIONS. */
export function siteGroup(): DistributionConfig['OriginGroups'] {
  return list([
    {
      Id: SITE_GROUP,
      FailoverCriteria: { StatusCodes: list(FAILOVER_CODES) },
      Members: list([{ OriginId: S3 }, { OriginId: S3_FAILOVER }]),
    },
  ]);
}

/** The group as read back: its members and codes, to tell drift (a code or a member removed by hand). */
export function groupOf(c: DistributionConfig): string {
  const g = c.OriginGroups?.Items?.find((i) => i.Id === SITE_GROUP);
  if (!g) return 'none';
  const members = (g.Members?.Items ?? []).map((m) => m.OriginId).join(', ');
  const codes = [...(g.FailoverCriteria?.StatusCodes?.Items ?? [])].sort((a, b) => a - b).join(' ');
  return `${members} on ${codes}`;
}
export const WANTED_GROUP = `${S3}, ${S3_FAILOVER} on ${FAILOVER_CODES.join(' ')}`;
