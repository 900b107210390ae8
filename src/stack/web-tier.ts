// The web tier: the site bucket (private, versioned, encrypted, logged), its log bucket,
// the Origin Access Control, the CloudFront distribution serving the site and the API on
// one origin, and the bucket policies. What AWS assigns (the OAC id, the API id, the
// distribution ARN) flows in through `resolve`.
import type { Config } from '../config/schema.js';
import { resourceNames, stackTags } from '../config/names.js';
import { type Resource, ref, UNKNOWN } from '../engine/types.js';
import { cloudfrontDistribution, type DistributionDesired } from '../resources/cloudfront-distribution.js';
import { cloudfrontOac, type OacDesired } from '../resources/cloudfront-oac.js';
import type { ApiOrigin } from '../resources/distribution-config.js';
import type { PolicyDocument } from '../resources/iam-role.js';
import { type BucketDesired, s3Bucket } from '../resources/s3-bucket.js';
import { type BucketPolicyDesired, s3BucketPolicy } from '../resources/s3-bucket-policy.js';
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
    const suffix = env.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    return {
      domainName: `${apiId}.execute-api.${env.region}.${suffix}`,
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

export function webTier(config: Config, env: StackEnv): Resource[] {
  const names = resourceNames(config, env.accountId);
  const tags = stackTags(config);
  const w = config.website;
  const s3Arn = (bucket: string): string => `arn:${env.partition}:s3:::${bucket}`;
  const siteArn = s3Arn(names.siteBucket);
  const logArn = s3Arn(names.logBucket);

  const logBucket: Resource<BucketDesired> = {
    id: 'bucket:logs',
    name: names.logBucket,
    provisioner: s3Bucket,
    dependsOn: [],
    desired: {
      name: names.logBucket,
      arn: logArn,
      region: env.region,
      configKey: 'website.logBucketName',
      accountId: env.accountId,
      versioning: false,
      encryption: 'AES256',
      cors: null,
      logging: null,
      publicAccessBlock: ALL_BLOCKED,
      lifecycle: { expireDays: w.logRetentionDays, noncurrentDays: null },
      ownership: 'BucketOwnerEnforced',
      tags,
    },
  };
  // S3 delivers access logs as the logging service, allowed by the log bucket's policy.
  const logPolicy: Resource<BucketPolicyDesired> = {
    id: 'bucket-policy:logs',
    name: `${names.logBucket} policy`,
    provisioner: s3BucketPolicy,
    dependsOn: ['bucket:logs'],
    desired: {
      bucket: names.logBucket,
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'S3ServerAccessLogs',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `${logArn}/logs/*`,
            Condition: { ArnLike: { 'aws:SourceArn': siteArn }, StringEquals: { 'aws:SourceAccount': env.accountId } },
          },
          denyInsecure(logArn),
        ],
      },
    },
  };
  const siteBucket: Resource<BucketDesired> = {
    id: 'bucket:site',
    name: names.siteBucket,
    provisioner: s3Bucket,
    dependsOn: ['bucket:logs', 'bucket-policy:logs'],
    desired: {
      name: names.siteBucket,
      arn: siteArn,
      region: env.region,
      configKey: 'website.bucketName',
      accountId: env.accountId,
      versioning: true,
      encryption: 'AES256',
      cors: { origins: w.corsOrigins, methods: ['GET', 'HEAD'], maxAgeSeconds: 3000 },
      logging: { bucket: names.logBucket, prefix: 'logs/' },
      // The public variant relaxes only what a public bucket policy needs.
      publicAccessBlock: w.publicRead
        ? { ...ALL_BLOCKED, blockPublicPolicy: false, restrictPublicBuckets: false }
        : ALL_BLOCKED,
      lifecycle: { expireDays: null, noncurrentDays: w.noncurrentVersionDays },
      ownership: 'BucketOwnerEnforced',
      tags,
    },
  };
  const oac: Resource<OacDesired> = {
    id: 'oac',
    name: names.oac,
    provisioner: cloudfrontOac,
    dependsOn: [],
    desired: { name: names.oac, tags },
  };
  const suffix = env.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  const distributionDesired = (oacId: string, apiId: string): DistributionDesired => ({
    comment: names.distributionComment,
    callerReference: `projet1-${config.project}-${config.environment}-${env.region}`,
    enabled: true,
    s3Origin: { domainName: `${names.siteBucket}.s3.${env.region}.${suffix}`, oacId },
    apiOrigin: apiOrigin(config, env, apiId),
    defaultRootObject: 'index.html',
    errorPage: '/error.html',
    ttl: { min: w.minTtlSeconds, default: w.defaultTtlSeconds, max: w.maxTtlSeconds },
    priceClass: w.priceClass,
    apiPaths: ['/products', '/products/*'],
    urlFor: (domain) => websiteUrl(config.endpointUrl, domain),
    tags,
  });
  const distribution: Resource<DistributionDesired> = {
    id: 'distribution',
    name: names.distributionComment,
    provisioner: cloudfrontDistribution,
    dependsOn: ['bucket:site', 'oac', 'api'],
    desired: distributionDesired(UNKNOWN, UNKNOWN),
    resolve: (out) => distributionDesired(ref(out, 'oac', 'id'), ref(out, 'api', 'id')),
  };
  const sitePolicy = (distributionArn: string): BucketPolicyDesired => ({
    bucket: names.siteBucket,
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
        ...(w.publicRead
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
  const sitePolicyResource: Resource<BucketPolicyDesired> = {
    id: 'bucket-policy:site',
    name: `${names.siteBucket} policy`,
    provisioner: s3BucketPolicy,
    dependsOn: ['bucket:site', 'distribution'],
    desired: sitePolicy(UNKNOWN),
    resolve: (out) => sitePolicy(ref(out, 'distribution', 'arn')),
  };
  return [logBucket, logPolicy, siteBucket, oac, distribution, sitePolicyResource];
}
