// The distribution's settings as plain data (what projet1 decides), the CloudFront
// DistributionConfig built from them, and the same data read back from one, so that
// drift is a comparison of two plain records.
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { canonicalJson } from '../engine/canonical.js';
import type { FieldChange } from '../engine/types.js';
import { ORIGIN_HEADER } from '../../runtime/api/edge-header.js';
import {
  API,
  groupOf,
  list,
  origins,
  S3,
  S3_FAILOVER,
  SITE_GROUP,
  SITE_KEY_HEADER,
  siteGroup,
  WANTED_GROUP,
} from './distribution-origins.js';

export { SITE_KEY_HEADER } from './distribution-origins.js';

export interface ApiOrigin {
  domainName: string;
  /** The stage path on AWS ("/development"), the emulator's path form locally. */
  originPath: string;
  protocol: 'https-only' | 'http-only';
  httpPort: number;
  httpsPort: number;
}

/**
 * With regions.secondary, the other region's site bucket: the second member of the site's origin group
 * (the first is `s3Origin`, the active region's bucket), tried when the first answers a FAILOVER_CODES status.
 */
export interface SiteFailover {
  domainName: string;
  /**
   * The default behaviour targets the origin group (AWS). False targets `s3Origin` alone, the group kept
   * configured: MiniStack's data plane looks a behaviour's target up among origins only and answers 502
   * for a group (README "Disaster recovery").
   */
  viaGroup: boolean;
}

export interface DistributionShape {
  comment: string;
  enabled: boolean;
  /** The site bucket of the active region (the stack's region until `projet1 failover`). */
  s3Origin: { domainName: string; oacId: string };
  /** The other region's site bucket (regions.secondary); null for none. */
  siteFailover: SiteFailover | null;
  apiOrigin: ApiOrigin;
  defaultRootObject: string;
  errorPage: string;
  ttl: { min: number; default: number; max: number };
  priceClass: string;
  /** Paths served by the API origin (all methods, no caching, Authorization and query string forwarded). */
  apiPaths: string[];
  /** The response-headers policy on every behaviour (the site's and the API's); '' for none. */
  headersPolicyId: string;
  /** The WAFv2 web ACL's ARN (a WAFv2 ACL is named by ARN here, a classic one by id); '' for none. */
  webAclId: string;
  /** The site's own names (website.domain and its alternates), once their certificate is issued; [] for none. */
  aliases: string[];
  /** The ACM certificate's ARN for those names; '' keeps CloudFront's own (*.cloudfront.net). */
  certificateArn: string;
  /**
   * The secret CloudFront sends the API origin (ORIGIN_HEADER), so the API answers only through the site
   * (api.edgeOnly); '' for none. Never shown: a change reads as "stale" → "current".
   */
  originSecret: string;
  /** The site's API key (api.keys), sent as SITE_KEY_HEADER so the storefront reads where keys are required; '' for none. Never shown either. */
  siteKey: string;
  /** The CloudFront Function on the default behaviour's viewer requests (website.redirectWww); '' for none. */
  viewerRequestFunctionArn: string;
}

/** With a certificate of one's own: SNI only (no dedicated IPs to pay for) and TLS 1.2 at least. */
export const VIEWER_TLS = { SSLSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' } as const;

const SHAPE_KEYS = [
  'comment',
  'enabled',
  's3Origin',
  'siteFailover',
  'apiOrigin',
  'defaultRootObject',
  'errorPage',
  'ttl',
  'priceClass',
  'apiPaths',
  'headersPolicyId',
  'webAclId',
  'aliases',
  'certificateArn',
  'viewerRequestFunctionArn',
] as const satisfies readonly (keyof DistributionShape)[];

const ALL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'] as const;
const READ_METHODS = ['GET', 'HEAD'] as const;
const noCookies = { Forward: 'none' as const };
/** CloudFront refuses an empty ResponseHeadersPolicyId: a behaviour without one leaves it out. */
const headersPolicy = (s: DistributionShape) =>
  s.headersPolicyId ? { ResponseHeadersPolicyId: s.headersPolicyId } : {};

/** The site: cached by the TTLs, read-only, with the www redirect on viewer requests when there is one. */
function siteBehaviour(s: DistributionShape): DistributionConfig['DefaultCacheBehavior'] {
  return {
    TargetOriginId: s.siteFailover?.viaGroup ? SITE_GROUP : S3,
    ...headersPolicy(s),
    FunctionAssociations: list(
      s.viewerRequestFunctionArn
        ? [{ EventType: 'viewer-request' as const, FunctionARN: s.viewerRequestFunctionArn }]
        : [],
    ),
    ViewerProtocolPolicy: 'redirect-to-https',
    Compress: true,
    AllowedMethods: { ...list([...READ_METHODS]), CachedMethods: list([...READ_METHODS]) },
    ForwardedValues: { QueryString: false, Cookies: noCookies, Headers: list([]) },
    MinTTL: s.ttl.min,
    DefaultTTL: s.ttl.default,
    MaxTTL: s.ttl.max,
  };
}

/** One API path: every method, nothing cached; the credential, the body's type, the version precondition and the query reach it. */
function apiBehaviour(s: DistributionShape, PathPattern: string) {
  return {
    PathPattern,
    TargetOriginId: API,
    ...headersPolicy(s),
    ViewerProtocolPolicy: 'redirect-to-https' as const,
    Compress: true,
    AllowedMethods: { ...list([...ALL_METHODS]), CachedMethods: list([...READ_METHODS]) },
    ForwardedValues: {
      QueryString: true,
      Cookies: noCookies,
      Headers: list(['Authorization', 'Content-Type', 'If-Match']),
    },
    MinTTL: 0,
    DefaultTTL: 0,
    MaxTTL: 0,
  };
}

export function buildConfig(s: DistributionShape, callerReference: string): DistributionConfig {
  return {
    CallerReference: callerReference,
    Comment: s.comment,
    Enabled: s.enabled,
    DefaultRootObject: s.defaultRootObject,
    PriceClass: s.priceClass as DistributionConfig['PriceClass'],
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    WebACLId: s.webAclId,
    Aliases: list(s.aliases),
    ViewerCertificate: s.certificateArn
      ? { ACMCertificateArn: s.certificateArn, ...VIEWER_TLS }
      : { CloudFrontDefaultCertificate: true },
    Origins: origins(s),
    // Only with a second region: without one the config stays as it was (no OriginGroups at all).
    ...(s.siteFailover ? { OriginGroups: siteGroup() } : {}),
    DefaultCacheBehavior: siteBehaviour(s),
    CacheBehaviors: list(s.apiPaths.map((path) => apiBehaviour(s, path))),
    // Error responses apply to every origin. Only 403 is mapped: it is what the private bucket answers for
    // a missing key (OAC without s3:ListBucket). Through the distribution the API does not answer 403 (its
    // own 403s are for calls around it: no origin secret, no key, which the distribution always sends); its
    // 404s (an unknown product) must reach the page as JSON, so 404 is left alone.
    CustomErrorResponses: list([
      { ErrorCode: 403, ResponsePagePath: s.errorPage, ResponseCode: '404', ErrorCachingMinTTL: 10 },
    ]),
  };
}

/** `config` with the API origin sending `secret` (admin-token rotate changes only that). */
export function withOriginSecret(config: DistributionConfig, secret: string): DistributionConfig {
  const items = (config.Origins?.Items ?? []).map((o) =>
    o.Id === API
      ? {
          ...o,
          // The site key's header (api.keys) stays as it is.
          CustomHeaders: list([
            { HeaderName: ORIGIN_HEADER, HeaderValue: secret },
            ...(o.CustomHeaders?.Items ?? []).filter((h) => h.HeaderName === SITE_KEY_HEADER),
          ]),
        }
      : o,
  );
  return { ...config, Origins: list(items) };
}

/** The settings projet1 manages, read back from a DistributionConfig. */
export function shapeOf(c: DistributionConfig): DistributionShape {
  const origins = c.Origins?.Items ?? [];
  const s3 = origins.find((o) => o.Id === S3);
  const failover = origins.find((o) => o.Id === S3_FAILOVER);
  const api = origins.find((o) => o.Id === API);
  const d = c.DefaultCacheBehavior;
  const errors = c.CustomErrorResponses?.Items ?? [];
  return {
    comment: c.Comment ?? '',
    enabled: c.Enabled === true,
    s3Origin: { domainName: s3?.DomainName ?? '', oacId: s3?.OriginAccessControlId ?? '' },
    siteFailover: failover
      ? { domainName: failover.DomainName ?? '', viaGroup: d?.TargetOriginId === SITE_GROUP }
      : null,
    apiOrigin: {
      domainName: api?.DomainName ?? '',
      originPath: api?.OriginPath ?? '',
      protocol: (api?.CustomOriginConfig?.OriginProtocolPolicy ?? 'https-only') as ApiOrigin['protocol'],
      httpPort: api?.CustomOriginConfig?.HTTPPort ?? 80,
      httpsPort: api?.CustomOriginConfig?.HTTPSPort ?? 443,
    },
    defaultRootObject: c.DefaultRootObject ?? '',
    errorPage: errors.find((e) => e.ErrorCode === 403)?.ResponsePagePath ?? '',
    ttl: { min: d?.MinTTL ?? 0, default: d?.DefaultTTL ?? 0, max: d?.MaxTTL ?? 0 },
    priceClass: c.PriceClass ?? '',
    apiPaths: (c.CacheBehaviors?.Items ?? []).filter((b) => b.TargetOriginId === API).map((b) => b.PathPattern ?? ''),
    headersPolicyId: d?.ResponseHeadersPolicyId ?? '',
    webAclId: c.WebACLId ?? '',
    aliases: [...(c.Aliases?.Items ?? [])].sort(),
    certificateArn: c.ViewerCertificate?.ACMCertificateArn ?? '',
    originSecret: api?.CustomHeaders?.Items?.find((h) => h.HeaderName === ORIGIN_HEADER)?.HeaderValue ?? '',
    siteKey: api?.CustomHeaders?.Items?.find((h) => h.HeaderName === SITE_KEY_HEADER)?.HeaderValue ?? '',
    viewerRequestFunctionArn:
      d?.FunctionAssociations?.Items?.find((f) => f.EventType === 'viewer-request')?.FunctionARN ?? '',
  };
}

/** The origin secret as a plan shows it: whether there is one, never its value. */
function secretChange(want: string, have: string, field = 'originSecret', what = 'secret'): FieldChange[] {
  if (want === have) return [];
  const show = (v: string, current: boolean) => (v === '' ? 'none' : current ? `the current ${what}` : 'another value');
  return [{ field, from: show(have, false), to: show(want, true) }];
}

/** Which managed parts differ, plus the parts of the full config projet1 sets but does not shape (e.g. compression). */
export function shapeChanges(
  want: DistributionShape,
  have: DistributionShape,
  config: DistributionConfig,
): FieldChange[] {
  const changes: FieldChange[] = SHAPE_KEYS.filter((k) => canonicalJson(want[k]) !== canonicalJson(have[k])).map(
    (k) => ({ field: k, from: have[k], to: want[k] }),
  );
  changes.push(...secretChange(want.originSecret, have.originSecret));
  changes.push(...secretChange(want.siteKey, have.siteKey, 'siteKey', 'site key'));
  const d = config.DefaultCacheBehavior;
  const behaviours = [d, ...(config.CacheBehaviors?.Items ?? [])];
  // The shape reads the default behaviour's policy; an API behaviour changed alone shows here.
  if (behaviours.some((b) => (b?.ResponseHeadersPolicyId ?? '') !== want.headersPolicyId)) {
    if (!changes.some((c) => c.field === 'headersPolicyId'))
      changes.push({ field: 'headersPolicyId', from: have.headersPolicyId, to: want.headersPolicyId });
  }
  if (behaviours.some((b) => b?.ViewerProtocolPolicy !== 'redirect-to-https' || b?.Compress !== true)) {
    changes.push({ field: 'viewerProtocolAndCompression', from: 'changed', to: 'redirect-to-https, compressed' });
  }
  const v = config.ViewerCertificate;
  // The TLS policy is ours too: a certificate kept but its minimum protocol lowered by hand is drift.
  if (
    want.certificateArn &&
    (v?.SSLSupportMethod !== VIEWER_TLS.SSLSupportMethod ||
      v?.MinimumProtocolVersion !== VIEWER_TLS.MinimumProtocolVersion)
  ) {
    changes.push({
      field: 'viewerTls',
      from: `${v?.SSLSupportMethod} ${v?.MinimumProtocolVersion}`,
      to: `${VIEWER_TLS.SSLSupportMethod} ${VIEWER_TLS.MinimumProtocolVersion}`,
    });
  }
  const group = groupOf(config);
  if (group !== (want.siteFailover ? WANTED_GROUP : 'none'))
    changes.push({ field: 'originGroup', from: group, to: want.siteFailover ? WANTED_GROUP : 'none' });
  const errors = config.CustomErrorResponses?.Items ?? [];
  if (errors.length !== 1 || errors[0]?.ErrorCode !== 403 || errors[0]?.ResponsePagePath !== want.errorPage) {
    changes.push({ field: 'errorResponses', from: errors.map((e) => e.ErrorCode), to: `403 → ${want.errorPage}` });
  }
  return changes;
}
