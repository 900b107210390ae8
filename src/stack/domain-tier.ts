// The site's own domain (website.domain): an ACM certificate in us-east-1, its DNS validation
// records and the alias records to the distribution in the account's Route 53 zone (printed for
// the user when the zone is elsewhere), and the distribution's names and certificate once ACM has
// issued it. `up` never blocks on validation: until the certificate is ISSUED the distribution
// keeps CloudFront's own certificate and no aliases, and the next `up` adds them.
import type { Resource } from '../engine/types.js';
import { ref, UNKNOWN } from '../engine/types.js';
import { UserError } from '../errors.js';
import { acmCertificate } from '../resources/acm-certificate.js';
import { cloudfrontFunction } from '../resources/cloudfront-function.js';
import { redirectCode, redirectedName } from '../resources/cloudfront-function-code.js';
import { route53Record } from '../resources/route53-record.js';
import type { StackContext } from './context.js';
import type { StackResource } from './ids.js';
import type { DistributionResource } from './web-tier.js';

export type CertificateResource = StackResource<typeof acmCertificate>;
export type RecordResource = StackResource<typeof route53Record>;
export type RedirectResource = StackResource<typeof cloudfrontFunction>;

export interface DomainTier {
  certificate: CertificateResource | undefined;
  records: RecordResource[];
  /** The distribution, given the domain's names and certificate when there is a domain. */
  distribution: DistributionResource;
  resources: Resource[];
  /** The www redirect when website.redirectWww is off (with a domain): deleted if found. */
  retired: Resource[];
}

/** The site's names: the domain first, then its alternates and the redirected name, each once. */
export function siteNames(ctx: StackContext): string[] {
  const w = ctx.config.website;
  if (!w.domain) return [];
  return [...new Set([w.domain, ...w.alternateDomains, ...(w.redirectWww ? [redirectedName(w.domain)] : [])])];
}

/**
 * The www redirect (website.redirectWww): a CloudFront Function, named like the stack's other
 * CloudFront resources (global to the account: the region is part of it; at most 57 of 64 characters).
 */
function redirectFunction(ctx: StackContext, domain: string): RedirectResource {
  const { project, environment, region } = ctx.config;
  const name = `${project}-${environment}-${region}-www`;
  return {
    id: 'www-redirect',
    name,
    provisioner: cloudfrontFunction,
    dependsOn: [],
    desired: {
      name,
      code: redirectCode(domain),
      // Short and fixed: a domain of up to 253 characters would not fit CloudFront's comment.
      comment: 'projet1: www redirect (website.redirectWww)',
      tags: ctx.tags,
    },
  };
}

/** The default behaviour runs the redirect on viewer requests; turned off, it lets go before the delete. */
function withRedirect(dist: DistributionResource, fn: RedirectResource, on: boolean): DistributionResource {
  const base = dist.resolve;
  return {
    ...dist,
    dependsOn: [...dist.dependsOn, fn.id],
    resolve: (out) => {
      const d = base ? base(out) : dist.desired;
      return on ? { ...d, viewerRequestFunctionArn: ref(out, fn, 'arn') } : d;
    },
  };
}

function certificate(ctx: StackContext, names: string[]): CertificateResource {
  const [domain = '', ...alternates] = names;
  return {
    id: 'certificate',
    name: `certificate for ${domain}`,
    provisioner: acmCertificate,
    dependsOn: [],
    desired: { domain, alternates, tags: ctx.tags },
  };
}

/** The CNAME ACM reads to validate `domain`, known once the certificate gives it. */
function validationRecord(ctx: StackContext, cert: CertificateResource, domain: string): RecordResource {
  const desired = (record: string) => {
    const [name = UNKNOWN, value = UNKNOWN] = record === UNKNOWN ? [] : record.split(' ');
    return { zoneId: ctx.config.website.hostedZoneId, name, type: 'CNAME' as const, value, alias: false };
  };
  return {
    id: `dns-record:validation:${domain}`,
    name: `validation record for ${domain}`,
    provisioner: route53Record,
    dependsOn: [cert.id],
    desired: desired(UNKNOWN),
    resolve: (out) => desired(ref(out, cert, `validation:${domain}`)),
  };
}

/** The alias to the distribution, once it answers on the name (its certificate issued); '' until then. */
function aliasRecord(
  ctx: StackContext,
  dist: DistributionResource,
  cert: CertificateResource,
  domain: string,
  type: 'A' | 'AAAA',
): RecordResource {
  const desired = (value: string) => ({
    zoneId: ctx.config.website.hostedZoneId,
    name: domain,
    type,
    value,
    alias: true,
  });
  return {
    id: `dns-record:${domain}:${type}`,
    name: `${type} record ${domain}`,
    provisioner: route53Record,
    dependsOn: [dist.id, cert.id],
    desired: desired(UNKNOWN),
    resolve: (out) => {
      const status = ref(out, cert, 'status');
      return desired(status === 'ISSUED' || status === UNKNOWN ? ref(out, dist, 'domainName') : '');
    },
  };
}

/** The distribution answers on the names only with an issued certificate (CloudFront refuses others). */
function withDomain(dist: DistributionResource, cert: CertificateResource, names: string[]): DistributionResource {
  const base = dist.resolve;
  return {
    ...dist,
    dependsOn: [...dist.dependsOn, cert.id],
    resolve: (out) => {
      const d = base ? base(out) : dist.desired;
      if (ref(out, cert, 'status') !== 'ISSUED') return d;
      return { ...d, aliases: [...names].sort(), certificateArn: ref(out, cert, 'arn') };
    },
  };
}

export function domainTier(ctx: StackContext, dist: DistributionResource): DomainTier {
  const { domain, redirectWww } = ctx.config.website;
  if (!domain) {
    if (redirectWww)
      throw new UserError('website.redirectWww needs website.domain: there is no www name to redirect without it.', {
        hint: 'Set website.domain (e.g. shop.example.com), or set website.redirectWww to false.',
      });
    return { certificate: undefined, records: [], distribution: dist, resources: [], retired: [] };
  }
  const names = siteNames(ctx);
  const cert = certificate(ctx, names);
  const redirect = redirectFunction(ctx, domain);
  const distribution = withRedirect(withDomain(dist, cert, names), redirect, redirectWww);
  const records = [
    ...names.map((n) => validationRecord(ctx, cert, n)),
    ...names.flatMap((n) => [
      aliasRecord(ctx, distribution, cert, n, 'A'),
      aliasRecord(ctx, distribution, cert, n, 'AAAA'),
    ]),
  ];
  return {
    certificate: cert,
    records,
    distribution,
    resources: [...(redirectWww ? [redirect] : []), cert, ...records],
    retired: redirectWww ? [] : [redirect],
  };
}
