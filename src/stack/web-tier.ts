// The web tier: the site bucket (private, versioned, encrypted, logged), its log bucket,
// the Origin Access Control, the CloudFront distribution serving the site and the API on
// one origin, and the bucket policies. What AWS assigns (the OAC id, the API id, the
// distribution ARN) flows in through `resolve`.
import { dnsSuffix } from '../aws/arns.js';
import type { Config } from '../config/schema.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import { cloudfrontDistribution, type DistributionDesired } from '../resources/cloudfront-distribution.js';
import { cloudfrontOac } from '../resources/cloudfront-oac.js';
import { cloudfrontResponseHeadersPolicy, securityHeaders } from '../resources/cloudfront-response-headers-policy.js';
import type { ApiOrigin } from '../resources/distribution-config.js';
import type { PolicyDocument } from '../resources/iam-role.js';
import { type BucketDesired, s3Bucket } from '../resources/s3-bucket.js';
import { type BucketPolicyDesired, s3BucketPolicy } from '../resources/s3-bucket-policy.js';
import type { ApiResource } from './api-tier.js';
import type { StackContext } from './context.js';
import type { ResourceId, StackResource } from './ids.js';
import type { StackEnv } from './stack-env.js';

const ALL_BLOCKED = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

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

const denyInsecure = (bucketArn: string): PolicyDocument['Statement'][number] => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [bucketArn, `${bucketArn}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

export type BucketResource = StackResource<typeof s3Bucket>;
export type OacResource = StackResource<typeof cloudfrontOac>;
export type DistributionResource = StackResource<typeof cloudfrontDistribution>;
export type HeadersPolicyResource = StackResource<typeof cloudfrontResponseHeadersPolicy>;
type BucketPolicyResource = StackResource<typeof s3BucketPolicy>;

/** What both buckets share: private, encrypted, owned by the bucket owner, in the stack's region. */
function bucket(
  ctx: StackContext,
  id: ResourceId,
  name: string,
  dependsOn: ResourceId[],
  settings: Pick<BucketDesired, 'configKey' | 'versioning' | 'cors' | 'logging' | 'publicAccessBlock' | 'lifecycle'>,
): BucketResource {
  return {
    id,
    name,
    provisioner: s3Bucket,
    dependsOn,
    desired: {
      name,
      arn: ctx.arn.bucket(name),
      region: ctx.env.region,
      configKey: settings.configKey,
      accountId: ctx.env.accountId,
      versioning: settings.versioning,
      encryption: 'AES256',
      cors: settings.cors,
      logging: settings.logging,
      publicAccessBlock: settings.publicAccessBlock,
      lifecycle: settings.lifecycle,
      ownership: 'BucketOwnerEnforced',
      tags: ctx.tags,
    },
  };
}

function logBucket(ctx: StackContext): BucketResource {
  return bucket(ctx, 'bucket:logs', ctx.names.logBucket, [], {
    configKey: 'website.logBucketName',
    versioning: false,
    cors: null,
    logging: null,
    publicAccessBlock: ALL_BLOCKED,
    lifecycle: { expireDays: ctx.config.website.logRetentionDays, noncurrentDays: null },
  });
}

/** S3 delivers access logs as the logging service, allowed by the log bucket's policy. */
function logBucketPolicy(ctx: StackContext, logs: BucketResource): BucketPolicyResource {
  const logArn = logs.desired.arn;
  return {
    id: 'bucket-policy:logs',
    name: `${logs.name} policy`,
    provisioner: s3BucketPolicy,
    dependsOn: [logs.id],
    desired: {
      bucket: logs.desired.name,
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'S3ServerAccessLogs',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${logArn}/logs/*`,
            Condition: {
              ArnLike: { 'aws:SourceArn': ctx.arn.bucket(ctx.names.siteBucket) },
              StringEquals: { 'aws:SourceAccount': ctx.env.accountId },
            },
          },
          denyInsecure(logArn),
        ],
      },
    },
  };
}

function siteBucket(ctx: StackContext, logs: BucketResource, logsPolicy: BucketPolicyResource): BucketResource {
  const w = ctx.config.website;
  return bucket(ctx, 'bucket:site', ctx.names.siteBucket, [logs.id, logsPolicy.id], {
    configKey: 'website.bucketName',
    versioning: true,
    cors: { origins: w.corsOrigins, methods: ['GET', 'HEAD'], maxAgeSeconds: 3000 },
    logging: { bucket: logs.desired.name, prefix: 'logs/' },
    // The public variant relaxes only what a public bucket policy needs.
    publicAccessBlock: w.publicRead
      ? { ...ALL_BLOCKED, blockPublicPolicy: false, restrictPublicBuckets: false }
      : ALL_BLOCKED,
    lifecycle: { expireDays: null, noncurrentDays: w.noncurrentVersionDays },
  });
}

function originAccessControl({ names, tags }: StackContext): OacResource {
  return { id: 'oac', name: names.oac, provisioner: cloudfrontOac, dependsOn: [], desired: { name: names.oac, tags } };
}

/** The security headers every answer carries (`headers.*`); a resource even when turned off, to be retired. */
function headersPolicy({ config, names, tags }: StackContext): HeadersPolicyResource {
  const h = config.headers;
  const desired = securityHeaders({
    name: names.headersPolicy,
    tags,
    includeSubdomains: h.hstsIncludeSubdomains,
    csp: h.csp ?? undefined,
    cspKey: 'headers.csp',
  });
  return {
    id: 'headers-policy',
    name: names.headersPolicy,
    provisioner: cloudfrontResponseHeadersPolicy,
    dependsOn: [],
    desired,
  };
}

/** What CloudFront sends to the API: each top-level path of the app's routes, and everything under it. */
function apiPaths(ctx: StackContext): string[] {
  const tops = new Set(ctx.routes.map((r) => r.route.path.split('/')[1] ?? ''));
  return [...tops].flatMap((top) => [`/${top}`, `/${top}/*`]);
}

function distribution(
  ctx: StackContext,
  site: BucketResource,
  oac: OacResource,
  api: ApiResource,
  headers: HeadersPolicyResource | undefined,
): DistributionResource {
  const { config, names, env } = ctx;
  const w = config.website;
  const desired = (oacId: string, apiId: string, headersPolicyId: string): DistributionDesired => ({
    comment: names.distributionComment,
    callerReference: `projet1-${config.project}-${config.environment}-${env.region}`,
    enabled: true,
    s3Origin: { domainName: `${site.desired.name}.s3.${env.region}.${ctx.dnsSuffix}`, oacId },
    apiOrigin: apiOrigin(config, env, apiId),
    defaultRootObject: 'index.html',
    errorPage: '/error.html',
    ttl: { min: w.minTtlSeconds, default: w.defaultTtlSeconds, max: w.maxTtlSeconds },
    priceClass: w.priceClass,
    apiPaths: apiPaths(ctx),
    headersPolicyId,
    aliases: [],
    certificateArn: '',
    urlFor: (domain) => websiteUrl(config.endpointUrl, domain),
    tags: ctx.tags,
  });
  return {
    id: 'distribution',
    name: names.distributionComment,
    provisioner: cloudfrontDistribution,
    dependsOn: [site.id, oac.id, api.id, ...(headers ? [headers.id] : [])],
    desired: desired(UNKNOWN, UNKNOWN, headers ? UNKNOWN : ''),
    resolve: (out) => desired(ref(out, oac, 'id'), ref(out, api, 'id'), headers ? ref(out, headers, 'id') : ''),
  };
}

/** The distribution reads the site through its OAC (and anyone may, with `website.publicRead`). */
function siteBucketPolicy(ctx: StackContext, site: BucketResource, dist: DistributionResource): BucketPolicyResource {
  const siteArn = site.desired.arn;
  const policy = (distributionArn: string): BucketPolicyDesired => ({
    bucket: site.desired.name,
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowCloudFrontOAC',
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `${siteArn}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
        },
        ...(ctx.config.website.publicRead
          ? [
              {
                Sid: 'PublicRead',
                Effect: 'Allow' as const,
                Principal: '*' as const,
                Action: 's3:GetObject',
                Resource: `${siteArn}/*`,
              },
            ]
          : []),
        denyInsecure(siteArn),
      ],
    },
  });
  return {
    id: 'bucket-policy:site',
    name: `${site.name} policy`,
    provisioner: s3BucketPolicy,
    dependsOn: [site.id, dist.id],
    desired: policy(UNKNOWN),
    resolve: (out) => policy(ref(out, dist, 'arn')),
  };
}

export interface WebTier {
  siteBucket: BucketResource;
  oac: OacResource;
  distribution: DistributionResource;
  resources: Resource[];
  /** What the settings turned off (the headers policy with `headers.enabled: false`): deleted if found. */
  retired: Resource[];
}

export function webTier(ctx: StackContext, api: ApiResource): WebTier {
  const logs = logBucket(ctx);
  const logsPolicy = logBucketPolicy(ctx, logs);
  const site = siteBucket(ctx, logs, logsPolicy);
  const oac = originAccessControl(ctx);
  const headers = headersPolicy(ctx);
  const on = ctx.config.headers.enabled;
  const dist = distribution(ctx, site, oac, api, on ? headers : undefined);
  const sitePolicy = siteBucketPolicy(ctx, site, dist);
  return {
    siteBucket: site,
    oac,
    distribution: dist,
    resources: [logs, logsPolicy, site, oac, ...(on ? [headers] : []), dist, sitePolicy],
    retired: on ? [] : [headers],
  };
}
