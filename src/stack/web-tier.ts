// The web tier: the site's buckets and their policies (site-buckets.ts), the Origin Access Control,
// the security headers, the optional WAF and the CloudFront distribution serving the site and the API
// on one origin. What AWS assigns (the OAC id, the API id, the distribution ARN) flows in through
// `resolve`.
import { SITE_PLAN } from '../config/api-keys-schema.js';
import { keyName } from './api-keys-tier.js';
import { dnsSuffix } from '../aws/arns.js';
import { webAclName } from '../config/names.js';
import type { Config } from '../config/schema.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import { cloudfrontDistribution, type DistributionDesired } from '../resources/cloudfront-distribution.js';
import { cloudfrontOac } from '../resources/cloudfront-oac.js';
import { cloudfrontResponseHeadersPolicy, securityHeaders } from '../resources/cloudfront-response-headers-policy.js';
import type { ApiOrigin } from '../resources/distribution-config.js';
import { wafv2WebAcl, webAclSettings } from '../resources/wafv2-web-acl.js';
import type { ApiResource } from './api-tier.js';
import { cdnLogs } from './cdn-logs.js';
import type { StackContext } from './context.js';
import {
  type BucketResource,
  logBucket,
  logBucketPolicy,
  secondarySiteBucket,
  siteBucket,
  siteBucketPolicy,
} from './site-buckets.js';
import type { ResourceId, StackResource } from './ids.js';
import type { StackEnv } from './stack-env.js';
import { cognitoEndpoint } from './users-tier.js';

/** Where the distribution finds the API: its AWS host, or the emulator's path form on loopback. */
export function apiOrigin(config: Config, env: StackEnv, apiId: string): ApiOrigin {
  if (!config.endpointUrl) {
    return {
      domainName: `${apiId}.execute-api.${env.region}.${dnsSuffix(env.partition)}`,
      originPath: `/${config.environment}`,
      protocol: 'https-only',
      httpPort: 80,
      httpsPort: 443,
    };
  }
  const url = new URL(config.endpointUrl);
  const tls = url.protocol === 'https:';
  const port = Number(url.port || (tls ? 443 : 80));
  return {
    domainName: url.hostname,
    originPath: `/restapis/${apiId}/${config.environment}/_user_request_`,
    protocol: tls ? 'https-only' : 'http-only',
    httpPort: tls ? 80 : port,
    httpsPort: tls ? port : 443,
  };
}

/**
 * The URL a browser opens: https on AWS; on an emulator the host form it routes to the
 * distribution (LocalStack's on its port 4566, MiniStack's otherwise).
 */
export function websiteUrl(endpointUrl: string | null, domainName: string): string {
  if (!endpointUrl) return `https://${domainName}`;
  const url = new URL(endpointUrl);
  const label = domainName.split('.')[0] ?? domainName;
  if (url.port === '4566') return `${url.protocol}//${label}.cloudfront.localhost.localstack.cloud:4566`;
  return `${url.protocol}//${label}.cloudfront.localhost:${url.port || 80}`;
}

export type OacResource = StackResource<typeof cloudfrontOac>;
export type DistributionResource = StackResource<typeof cloudfrontDistribution>;
export type HeadersPolicyResource = StackResource<typeof cloudfrontResponseHeadersPolicy>;
export type WebAclResource = StackResource<typeof wafv2WebAcl>;

function originAccessControl({ names, tags }: StackContext): OacResource {
  return { id: 'oac', name: names.oac, provisioner: cloudfrontOac, dependsOn: [], desired: { name: names.oac, tags } };
}

/** The security headers every answer carries (`headers.*`); a resource even when turned off, to be retired. */
function headersPolicy({ config, names, tags, dnsSuffix }: StackContext): HeadersPolicyResource {
  const h = config.headers;
  const desired = securityHeaders({
    name: names.headersPolicy,
    tags,
    includeSubdomains: h.hstsIncludeSubdomains,
    csp: h.csp ?? undefined,
    cspKey: 'headers.csp',
    // With accounts the storefront signs in at Cognito's endpoint, the one other origin it may connect to.
    signInOrigin: config.auth.users ? new URL(cognitoEndpoint(config, dnsSuffix)).origin : undefined,
  });
  return {
    id: 'headers-policy',
    name: names.headersPolicy,
    provisioner: cloudfrontResponseHeadersPolicy,
    dependsOn: [],
    desired,
  };
}

/**
 * The WAF (`waf.*`), kept where CloudFront is (none in GovCloud); a resource even when off, to be retired.
 * Countries are a WAF rule rather than CloudFront's GeoRestriction (free, but all or nothing): the
 * rule's blocks show in the WAF's metrics, alarm and sampled requests, and it can be counted first.
 */
function webAcl({ config, tags, cloudfrontRegion }: StackContext): WebAclResource | undefined {
  if (!cloudfrontRegion) return undefined;
  const name = webAclName(config);
  const desired = webAclSettings({ ...config.waf, name, region: cloudfrontRegion, tags });
  return { id: 'web-acl', name, provisioner: wafv2WebAcl, dependsOn: [], desired };
}

/** What CloudFront sends to the API: each top-level path of the app's routes, and everything under it. */
function apiPaths(ctx: StackContext): string[] {
  const tops = new Set(ctx.routes.map((r) => r.route.path.split('/')[1] ?? ''));
  return [...tops].flatMap((top) => [`/${top}`, `/${top}/*`]);
}

/** The bucket's regional domain, the S3 origin CloudFront reads through the OAC. */
export const bucketDomain = (ctx: Pick<StackContext, 'dnsSuffix'>, b: BucketResource): string =>
  `${b.desired.name}.s3.${b.desired.region}.${ctx.dnsSuffix}`;

/** regions.secondary's site bucket and API: the origin group's second member, the API a failover serves. */
export interface SecondaryWeb {
  site: BucketResource;
  api: ApiResource | undefined;
}

function distribution(
  ctx: StackContext,
  site: BucketResource,
  oac: OacResource,
  api: ApiResource,
  second: SecondaryWeb | undefined,
  headers: HeadersPolicyResource | undefined,
  waf: WebAclResource | undefined,
  /** What it must let go of (turned off, retired) before that is deleted. */
  letGo: ResourceId[],
): DistributionResource {
  const { config, names, env } = ctx;
  const w = config.website;
  const originSecretParameter = ctx.edgeOnly ? names.originSecretParameter : '';
  const secondRegion = second?.site.desired.region;
  const desired = (
    oacId: string,
    apiId: string,
    headersPolicyId: string,
    webAclId: string,
    secondApiId: string,
  ): DistributionDesired => ({
    comment: names.distributionComment,
    callerReference: `projet1-${config.project}-${config.environment}-${env.region}`,
    enabled: true,
    region: env.region,
    s3Origin: { domainName: bucketDomain(ctx, site), oacId },
    apiOrigin: apiOrigin(config, env, apiId),
    secondary:
      second && secondRegion
        ? {
            region: secondRegion,
            s3DomainName: bucketDomain(ctx, second.site),
            apiOrigin: apiOrigin(config, { ...env, region: secondRegion }, secondApiId),
            // MiniStack's data plane answers 502 for a behaviour targeting an origin group.
            viaGroup: config.endpointUrl === null,
          }
        : null,
    originSecretParameter,
    siteKeyName: config.api.keys.enabled ? keyName(names.prefix, SITE_PLAN) : '',
    defaultRootObject: 'index.html',
    errorPage: '/error.html',
    ttl: { min: w.minTtlSeconds, default: w.defaultTtlSeconds, max: w.maxTtlSeconds },
    priceClass: w.priceClass,
    apiPaths: apiPaths(ctx),
    headersPolicyId,
    webAclId,
    aliases: [],
    certificateArn: '',
    viewerRequestFunctionArn: '',
    urlFor: (domain) => websiteUrl(config.endpointUrl, domain),
    tags: ctx.tags,
  });
  return {
    id: 'distribution',
    name: names.distributionComment,
    provisioner: cloudfrontDistribution,
    dependsOn: [
      site.id,
      oac.id,
      api.id,
      ...(second ? [second.site.id, ...(second.api ? [second.api.id] : [])] : []),
      ...(headers ? [headers.id] : []),
      ...(waf ? [waf.id] : []),
      ...(originSecretParameter ? ['secret:origin-secret' as const] : []),
      ...(config.api.keys.enabled ? ['api-key:site' as const] : []),
      ...letGo,
    ],
    desired: desired(UNKNOWN, UNKNOWN, headers ? UNKNOWN : '', waf ? UNKNOWN : '', UNKNOWN),
    resolve: (out) => {
      const apiId = ref(out, api, 'id');
      return desired(
        ref(out, oac, 'id'),
        apiId,
        headers ? ref(out, headers, 'id') : '',
        waf ? ref(out, waf, 'arn') : '',
        second?.api ? ref(out, second.api, 'id') : apiId,
      );
    },
  };
}

export type { BucketResource } from './site-buckets.js';

export interface WebTier {
  siteBucket: BucketResource;
  /** The site's copy in regions.secondary; undefined without one. */
  secondarySiteBucket: BucketResource | undefined;
  oac: OacResource;
  distribution: DistributionResource;
  /** The WAF, on or retired by `waf.enabled` (undefined where there is no CloudFront). */
  webAcl: WebAclResource | undefined;
  resources: Resource[];
  /** What the settings turned off (the headers policy with `headers.enabled: false`): deleted if found. */
  retired: Resource[];
}

/** `secondaryApi`: regions.secondary's API (secondary-tier.ts), the API origin after a failover. */
export function webTier(ctx: StackContext, api: ApiResource, secondaryApi?: ApiResource): WebTier {
  const logs = logBucket(ctx);
  const logsPolicy = logBucketPolicy(ctx, logs);
  const site = siteBucket(ctx, logs, logsPolicy);
  const secondary = ctx.config.regions.secondary;
  const second = secondary ? { site: secondarySiteBucket(ctx, secondary), api: secondaryApi } : undefined;
  const oac = originAccessControl(ctx);
  const headers = headersPolicy(ctx);
  const on = ctx.config.headers.enabled;
  const acl = webAcl(ctx);
  const waf = ctx.config.waf.enabled ? acl : undefined;
  const retired = [...(on ? [] : [headers]), ...(acl && !waf ? [acl] : [])];
  // The distribution stops sending the origin secret before a retired one is deleted.
  const letGo = [...retired.map((r) => r.id), ...(ctx.edgeOnly ? [] : ['secret:origin-secret' as const])];
  const dist = distribution(ctx, site, oac, api, second, on ? headers : undefined, waf, letGo);
  const sitePolicy = siteBucketPolicy(ctx, site, dist);
  const secondPolicy = second && siteBucketPolicy(ctx, second.site, dist, 'bucket-policy:site-secondary');
  // CloudFront's access logs (`website.accessLogs`), retired when turned off.
  const cdn = cdnLogs(ctx, logs, logsPolicy, dist);
  const cdnParts = cdn ? [cdn.source, cdn.destination, cdn.delivery] : [];
  const cdnOn = ctx.config.website.accessLogs;
  return {
    siteBucket: site,
    secondarySiteBucket: second?.site,
    oac,
    distribution: dist,
    webAcl: acl,
    resources: [
      ...[logs, logsPolicy, site, ...(second ? [second.site] : []), oac, ...(on ? [headers] : [])],
      ...[...(waf ? [waf] : []), dist, sitePolicy, ...(secondPolicy ? [secondPolicy] : [])],
      ...(cdnOn ? cdnParts : []),
    ],
    retired: [...retired, ...(cdnOn ? [] : cdnParts)],
  };
}
