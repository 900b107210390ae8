// The edge's grants (see permission-grants.ts): the distribution and its CloudFront resources, the WAF,
// CloudFront's access-log delivery, the site's own domain and its www redirect. Apart because they are
// the family that grows with each optional feature of the edge.
import type { PolicyArns } from './permission-arns.js';
import type { Grant, StackConfig } from './permission-grants.js';

/** The distribution, its OAC and its response-headers policy. */
function cloudfrontGrants(config: StackConfig, r: PolicyArns): Grant[] {
  // CreateDelivery of CloudFront's access logs (cdnLogGrants) also needs this on the distribution.
  const logs =
    config.website.accessLogs && r.cdnLogs.length > 0 ? ['cloudfront:AllowVendedLogDeliveryForResource'] : [];
  return [
    {
      // Ids are assigned at creation: any distribution may be read (ours is found by its comment), and
      // origin access controls and response-headers policies take no tags.
      Sid: 'Site',
      actions: {
        read: [
          'cloudfront:GetDistribution',
          'cloudfront:ListTagsForResource',
          'cloudfront:GetOriginAccessControl',
          'cloudfront:GetResponseHeadersPolicy',
        ],
        deploy: [
          'cloudfront:UpdateOriginAccessControl',
          'cloudfront:DeleteOriginAccessControl',
          'cloudfront:CreateResponseHeadersPolicy',
          'cloudfront:UpdateResponseHeadersPolicy',
          'cloudfront:DeleteResponseHeadersPolicy',
          ...logs,
        ],
      },
      Resource: r.cloudfront,
    },
    {
      // A new distribution carries this stack's tags (CreateDistributionWithTags needs both actions).
      Sid: 'NewDistribution',
      actions: { deploy: ['cloudfront:CreateDistribution', 'cloudfront:TagResource'] },
      Resource: r.distributions,
      Condition: { StringEquals: r.tags('RequestTag') },
    },
    {
      // Only a distribution carrying this stack's tags can be changed, invalidated or deleted.
      Sid: 'OwnDistribution',
      actions: {
        deploy: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:CreateInvalidation'],
      },
      Resource: r.distributions,
      Condition: { StringEquals: r.tags('ResourceTag') },
    },
  ];
}

/** The WAF's web ACL (and the managed rule groups it names): only when the configuration enables it. */
function wafGrants(r: PolicyArns): Grant[] {
  return [
    {
      Sid: 'Waf',
      actions: {
        read: ['wafv2:GetWebACL', 'wafv2:ListTagsForResource'],
        deploy: ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL', 'wafv2:DeleteWebACL', 'wafv2:TagResource'],
      },
      Resource: r.waf,
    },
  ];
}

/**
 * CloudFront's access-log delivery (website.accessLogs, on by default): the CloudWatch Logs delivery
 * actions "Logs sent to Amazon S3" (vended logs V2) lists, on the stack's delivery source, destination
 * and deliveries, a statement of the edge family (permissions.ts) so turning the logs on or off changes
 * only that policy; CreateDelivery also needs cloudfront:AllowVendedLogDeliveryForResource
 * (cloudfrontGrants). Off, only the list calls that find what an earlier setting made (NoResourceTypes).
 */
function cdnLogGrants(config: StackConfig, r: PolicyArns): Grant[] {
  if (r.cdnLogs.length === 0 || !config.website.accessLogs) return [];
  return [
    {
      Sid: 'CdnLogs',
      actions: {
        read: ['logs:ListTagsForResource'],
        deploy: [
          'logs:TagResource',
          'logs:PutDeliverySource',
          'logs:DeleteDeliverySource',
          'logs:PutDeliveryDestination',
          'logs:DeleteDeliveryDestination',
          'logs:CreateDelivery',
          'logs:DeleteDelivery',
          'logs:UpdateDeliveryConfiguration',
        ],
      },
      Resource: r.cdnLogs,
    },
  ];
}

/**
 * The site's own domain: its certificate and DNS records. Granted only when the configuration sets
 * website.domain, so a stack without one keeps the deploy policy under IAM's 6,144 characters.
 */
function domainGrants(config: StackConfig, r: PolicyArns): Grant[] {
  if (!config.website.domain) return [];
  return [
    {
      Sid: 'Domain',
      actions: {
        read: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
        deploy: ['acm:AddTagsToCertificate', 'acm:DeleteCertificate'],
      },
      Resource: r.certificates,
    },
    {
      Sid: 'Domain',
      actions: {
        read: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'],
        deploy: ['route53:ChangeResourceRecordSets'],
      },
      Resource: r.hostedZones,
    },
  ];
}

/**
 * The www redirect's CloudFront Function. With a domain, `up` looks for it to retire it when
 * website.redirectWww is off; it is made, changed and published only when redirectWww is on.
 */
function redirectGrants(config: StackConfig, r: PolicyArns): Grant[] {
  if (!config.website.domain) return [];
  const make = config.website.redirectWww
    ? ['cloudfront:CreateFunction', 'cloudfront:UpdateFunction', 'cloudfront:PublishFunction', 'cloudfront:TagResource']
    : [];
  return [
    {
      Sid: 'Redirect',
      actions: {
        read: ['cloudfront:DescribeFunction', 'cloudfront:GetFunction'],
        deploy: ['cloudfront:DeleteFunction', ...make],
      },
      Resource: r.cloudfront,
    },
  ];
}

/** The edge's grants, in the order of the policy's statements. */
export function edgeGrants(config: StackConfig, r: PolicyArns): Grant[] {
  return [
    ...cloudfrontGrants(config, r),
    ...(config.waf?.enabled ? wafGrants(r) : []),
    ...cdnLogGrants(config, r),
    ...domainGrants(config, r),
    ...redirectGrants(config, r),
  ];
}
