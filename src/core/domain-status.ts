// What `status` and `up` say about the site's own domain: the certificate's state, the DNS records
// it needs, and while it is pending, the reason projet1 can see (the records are not in a zone of
// this account, or the domain's public name servers are not the zone's, so ACM cannot read them).
import { resolveNs } from 'node:dns/promises';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { outputOf, type PlanState } from '../engine/plan.js';
import { type ProvisionContext, UNKNOWN } from '../engine/types.js';
import { findZone, recordLine } from '../resources/route53-record.js';
import type { StackParts } from '../stack/stack.js';

export interface DomainStatus {
  domain: string;
  certificateArn: string | null;
  /** ACM's status (ISSUED, PENDING_VALIDATION, FAILED…), 'MISSING' before the first `up`. */
  certificateStatus: string;
  /** The Route 53 zone projet1 writes to; null when the domain's zone is not in this account. */
  zoneId: string | null;
  /** The records the domain needs, as one would type them at a DNS provider. */
  records: string[];
  /** Why the certificate is not issued, as far as projet1 can see; null once issued. */
  reason: string | null;
}

/** Name servers public DNS gives for a name. Tests give their own (PROJET1_TEST_PUBLIC_NS): no network there. */
export type NsResolver = (name: string) => Promise<string[]>;

const NS_TIMEOUT_MS = 3000;

/** PROJET1_TEST_PUBLIC_NS: `{"example.com": ["ns1.elsewhere.net"]}`, set by tests only. */
export function publicNsResolver(env: NodeJS.ProcessEnv = process.env): NsResolver {
  const fake = env.PROJET1_TEST_PUBLIC_NS;
  if (fake) {
    const table = JSON.parse(fake) as Record<string, string[]>;
    return async (name) => table[name] ?? [];
  }
  return (name) =>
    Promise.race([
      resolveNs(name),
      new Promise<string[]>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${NS_TIMEOUT_MS / 1000} s`)), NS_TIMEOUT_MS).unref(),
      ),
    ]);
}

const bare = (n: string) => n.replace(/\.$/, '').toLowerCase();

/** The zone's name servers against public DNS's: a mismatch means nobody (ACM included) sees its records. */
async function delegationProblem(ctx: ProvisionContext, zoneId: string, resolve: NsResolver): Promise<string | null> {
  const zone = await ctx.aws.client(Route53Client).send(new GetHostedZoneCommand({ Id: zoneId }));
  const name = bare(zone.HostedZone?.Name ?? '');
  const own = (zone.DelegationSet?.NameServers ?? []).map(bare).sort();
  let seen: string[];
  try {
    seen = (await resolve(name)).map(bare).sort();
  } catch (err) {
    return `public DNS did not give ${name}'s name servers (${(err as Error).message}): check that the domain is registered and delegated to the zone's (${own.join(', ')})`;
  }
  if (own.length === 0 || own.some((ns) => seen.includes(ns))) return null;
  return `${name}'s name servers in public DNS (${seen.join(', ') || 'none'}) are not the zone's (${own.join(', ')}): ACM cannot see the validation records; set the zone's name servers at your registrar`;
}

export async function domainStatus(
  ctx: ProvisionContext,
  parts: Pick<StackParts, 'certificate' | 'domainRecords'>,
  state: Pick<PlanState, 'outputs'>,
  resolve: NsResolver = publicNsResolver(),
): Promise<DomainStatus | undefined> {
  const cert = parts.certificate;
  if (!cert) return undefined;
  const domain = cert.desired.domain;
  const certificateStatus = outputOf(state, cert, 'status') ?? 'MISSING';
  const zoneId = (await findZone(ctx, domain, parts.domainRecords[0]?.desired.zoneId ?? null)) ?? null;
  const records = parts.domainRecords.flatMap((r) => {
    const d = r.resolve ? r.resolve((id) => state.outputs.get(id)) : r.desired;
    if (d.name.includes(UNKNOWN) || d.value.includes(UNKNOWN) || (d.alias && d.value === '')) return [];
    return [recordLine(d)];
  });
  let reason: string | null = null;
  if (certificateStatus !== 'ISSUED') {
    if (!zoneId)
      reason = `no Route 53 zone of this account holds ${domain}: create the records below at your DNS provider; ACM issues the certificate once it can read them`;
    else
      reason =
        (await delegationProblem(ctx, zoneId, resolve)) ??
        'ACM has not yet read the validation records (it takes minutes once they resolve publicly); run `projet1 up` again then';
  }
  return {
    domain,
    certificateArn: outputOf(state, cert, 'arn') ?? null,
    certificateStatus,
    zoneId,
    records,
    reason,
  };
}
