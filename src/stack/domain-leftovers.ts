// What an earlier `website.domain` (or `website.redirectWww`) made and the configuration no longer
// names: its certificate, its DNS records and the www redirect. The certificate and the function
// carry the stack's tags, so the tag lookup that already runs in us-east-1 (tagged.ts) finds them,
// with no call and no permission more for a stack that never had a domain. Records take no tags:
// projet1 owns a record only when its name is on that certificate and its value is the one it
// wrote: the certificate's validation CNAME, or an alias to this stack's distribution. A record at
// such a name pointing elsewhere is someone else's and stays; so does everything else in the zone.
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { unless } from '../aws/errors.js';
import { stackTags } from '../config/names.js';
import type { Config } from '../config/schema.js';
import type { FoundResource } from '../engine/plan.js';
import { type Provisioner, UNKNOWN } from '../engine/types.js';
import { acmCertificate } from '../resources/acm-certificate.js';
import { cloudfrontFunction } from '../resources/cloudfront-function.js';
import { redirectedName } from '../resources/cloudfront-function-code.js';
import { type RecordDesired, type RecordObserved, route53Record } from '../resources/route53-record.js';

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** A record found from a certificate: ours only while it still holds the value projet1 wrote. */
const leftRecord: Provisioner<RecordDesired, RecordObserved> = {
  ...route53Record,
  owned: (d, o) => o.zoneId !== undefined && bare(o.value) === bare(d.value),
};

/** The names the configuration gives now: their records are the domain tier's, never leftovers. */
function configuredNames(config: Config): Set<string> {
  const w = config.website;
  if (!w.domain) return new Set();
  return new Set([w.domain, ...w.alternateDomains, ...(w.redirectWww ? [redirectedName(w.domain)] : [])]);
}

const base = (id: string, name: string) => ({ id, name, holdsData: false });

async function leftCertificate(aws: AwsClients, config: Config, arn: string): Promise<FoundResource[]> {
  const region = arn.split(':')[3] ?? '';
  const res = await unless(
    aws.client(ACMClient, { region }).send(new DescribeCertificateCommand({ CertificateArn: arn })),
    'ResourceNotFoundException',
  );
  const c = res?.Certificate;
  const domain = c?.DomainName ?? '';
  if (!c || !domain || domain === config.website.domain) return [];
  const names = c.SubjectAlternativeNames ?? [domain];
  const zoneId = config.website.hostedZoneId;
  const now = configuredNames(config);
  // Ids carry the certificate's: two left certificates naming the same records stay two sets of nodes.
  const key = arn.split('/').at(-1) ?? arn;
  const certificate: FoundResource = {
    ...base(`found:certificate:${key}`, `certificate for ${domain}`),
    provisioner: acmCertificate,
    desired: { domain, alternates: names.filter((n) => n !== domain), tags: stackTags(config) },
    dependsOn: [],
  };
  const validation = (c.DomainValidationOptions ?? []).flatMap((o): FoundResource[] => {
    const rr = o.ResourceRecord;
    if (!rr?.Name || !rr.Value) return [];
    const desired: RecordDesired = { zoneId, name: rr.Name, type: 'CNAME', value: rr.Value, alias: false };
    const id = `found:dns-record:${key}:validation:${o.DomainName ?? rr.Name}`;
    return [{ ...base(id, `validation record for ${o.DomainName}`), provisioner: leftRecord, desired, dependsOn: [] }];
  });
  // An alias is ours when it points at this stack's distribution: read once the distribution is observed.
  const aliases = names
    .filter((n) => !now.has(n))
    .flatMap((n) =>
      (['A', 'AAAA'] as const).map((type): FoundResource => {
        const desired: RecordDesired = { zoneId, name: n, type, value: UNKNOWN, alias: true };
        return {
          ...base(`found:dns-record:${key}:${n}:${type}`, `${type} record ${n}`),
          provisioner: leftRecord,
          desired,
          dependsOn: ['distribution'],
          resolve: (out) => ({ ...desired, value: out('distribution')?.domainName ?? UNKNOWN }),
        };
      }),
    );
  return [certificate, ...validation, ...aliases];
}

/**
 * The certificates (us-east-1) and CloudFront Functions among the stack's tagged ARNs that the
 * configuration does not name (`known`: "type:name" of the stack's own), as resources to delete.
 */
export async function domainLeftovers(
  aws: AwsClients,
  config: Config,
  arns: readonly string[],
  known: ReadonlySet<string>,
): Promise<FoundResource[]> {
  const found: FoundResource[] = [];
  for (const arn of arns) {
    const [, , service, , , resource = ''] = arn.split(':');
    if (service === 'acm' && resource.startsWith('certificate/'))
      found.push(...(await leftCertificate(aws, config, arn)));
    const fn = service === 'cloudfront' && resource.startsWith('function/') ? resource.slice(9) : '';
    if (fn && !known.has(`cloudfront-function:${fn}`))
      found.push({
        ...base(`found:cloudfront-function:${fn}`, fn),
        provisioner: cloudfrontFunction,
        desired: { name: fn, code: '', comment: '', tags: stackTags(config) },
        dependsOn: [],
      });
  }
  return found;
}

/**
 * What the distribution must let go of before it is deleted: found certificates and functions it may
 * still name. Listed in its `dependsOn`, they are deleted after its update (`up`) or its deletion (`down`).
 */
export function heldByDistribution(found: readonly FoundResource[]): string[] {
  return found
    .filter((f) => f.provisioner.type === acmCertificate.type || f.provisioner.type === cloudfrontFunction.type)
    .map((f) => f.id);
}
