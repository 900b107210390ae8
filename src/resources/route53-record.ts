// One DNS record in the account's Route 53 zone for the site's domain: a certificate's validation
// CNAME, or an alias A/AAAA record to the distribution. Records take no tags: projet1 owns a record
// by its exact name and type, and `down` deletes those and nothing else in the zone. When no zone of
// the account holds the domain, the record is someone else's to make: it is observed as `external`
// (no change), and `up` and `status` print it for the user to create at their DNS provider.
import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { isAwsError } from '../aws/errors.js';
import type { ProvisionContext, Provisioner } from '../engine/types.js';
import { UNKNOWN } from '../engine/types.js';

/** CloudFront's hosted zone id, the same in every account (AWS::Route53::RecordSet AliasTarget). */
export const CLOUDFRONT_ZONE_ID = 'Z2FDTNDATAQYW2';
/** Route 53's answer to a DELETE of a record that is not there (ChangeResourceRecordSets). */
const NOT_FOUND = /not found/i;

export interface RecordDesired {
  /** The zone given in the configuration (website.hostedZoneId); null finds it by name. */
  zoneId: string | null;
  name: string;
  type: 'CNAME' | 'A' | 'AAAA';
  /** A CNAME's target, or the distribution's domain name for an alias; '' while it must wait (no certificate yet). */
  value: string;
  alias: boolean;
}

export interface RecordObserved {
  /** undefined: no zone of this account holds the name (the record is the user's to make). */
  zoneId: string | undefined;
  value: string;
}

const dot = (name: string) => (name.endsWith('.') ? name : `${name}.`);
const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** The record as a user would type it at a DNS provider. */
export function recordLine(d: Pick<RecordDesired, 'name' | 'type' | 'value' | 'alias'>): string {
  return d.alias
    ? `${bare(d.name)} ${d.type} alias to ${bare(d.value)} (CloudFront; a CNAME where aliases do not exist)`
    : `${bare(d.name)} CNAME ${bare(d.value)}`;
}

/** The account's public zone holding `name`: the given one, or the longest zone name it ends with. */
export async function findZone(ctx: ProvisionContext, name: string, given: string | null): Promise<string | undefined> {
  const r53 = ctx.aws.client(Route53Client);
  if (given) {
    const res = await r53.send(new GetHostedZoneCommand({ Id: given })).catch((err: unknown) => {
      if (isAwsError(err, 'NoSuchHostedZone')) return undefined;
      throw err;
    });
    return res?.HostedZone?.Id?.replace('/hostedzone/', '');
  }
  const labels = bare(name).split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = dot(labels.slice(i).join('.'));
    const res = await r53.send(new ListHostedZonesByNameCommand({ DNSName: candidate, MaxItems: 1 }));
    const zone = res.HostedZones?.find((z) => z.Name === candidate && z.Config?.PrivateZone !== true);
    if (zone?.Id) return zone.Id.replace('/hostedzone/', '');
  }
  return undefined;
}

function recordSet(d: RecordDesired): ResourceRecordSet {
  return d.alias
    ? {
        Name: dot(d.name),
        Type: d.type,
        AliasTarget: { HostedZoneId: CLOUDFRONT_ZONE_ID, DNSName: dot(d.value), EvaluateTargetHealth: false },
      }
    : { Name: dot(d.name), Type: d.type, TTL: 300, ResourceRecords: [{ Value: d.value }] };
}

async function change(ctx: ProvisionContext, zoneId: string, action: 'UPSERT' | 'DELETE', set: ResourceRecordSet) {
  await ctx.aws.client(Route53Client).send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Comment: 'projet1', Changes: [{ Action: action, ResourceRecordSet: set }] },
    }),
  );
}

export const route53Record: Provisioner<RecordDesired, RecordObserved> = {
  type: 'route53-record',
  service: 'route53',

  async observe(ctx, d) {
    // Not known yet (the certificate or the distribution is still to be made): to be created.
    if (d.name.includes(UNKNOWN)) return undefined;
    const zoneId = await findZone(ctx, d.name, d.zoneId);
    if (!zoneId) return { zoneId: undefined, value: d.value };
    // Waits for the distribution to answer on the name: nothing to do yet, whatever is there.
    if (d.value === '') return { zoneId, value: '' };
    if (d.value.includes(UNKNOWN)) return undefined;
    const res = await ctx.aws.client(Route53Client).send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: dot(d.name),
        StartRecordType: d.type,
        MaxItems: 1,
      }),
    );
    const set = res.ResourceRecordSets?.find((s) => bare(s.Name ?? '') === bare(d.name) && s.Type === d.type);
    if (!set) return undefined;
    return { zoneId, value: set.AliasTarget?.DNSName ?? set.ResourceRecords?.[0]?.Value ?? '' };
  },

  tags: () => undefined,

  // Outside the account, the record is the user's: `down` lists it instead of deleting it.
  owned: (_d, o) => o.zoneId !== undefined,
  kept: (d, o) => (o.zoneId ? undefined : `not in a Route 53 zone of this account: remove ${recordLine(d)} yourself`),

  diff(d, o) {
    if (!o.zoneId || d.value === '' || d.value.includes(UNKNOWN)) return [];
    return bare(o.value) === bare(d.value) ? [] : [{ field: 'value', from: o.value, to: d.value }];
  },

  async create(ctx, d) {
    const zoneId = await findZone(ctx, d.name, d.zoneId);
    if (!zoneId) {
      ctx.note(`no Route 53 zone of this account holds it: create ${recordLine(d)} at your DNS provider`);
      return { zoneId: undefined, value: d.value };
    }
    if (d.value === '') {
      ctx.note('waits for the certificate: written once ACM has issued it');
      return { zoneId, value: '' };
    }
    await change(ctx, zoneId, 'UPSERT', recordSet(d));
    return { zoneId, value: d.value };
  },

  async update(ctx, d, o) {
    if (o.zoneId && d.value !== '') await change(ctx, o.zoneId, 'UPSERT', recordSet(d));
  },

  async delete(ctx, d, o) {
    if (!o.zoneId || o.value === '') return;
    // DELETE must name the record as it is: the value read back, not the one configured.
    try {
      await change(ctx, o.zoneId, 'DELETE', recordSet({ ...d, value: o.value }));
    } catch (err) {
      if (!(isAwsError(err, 'InvalidChangeBatch') && NOT_FOUND.test((err as Error).message))) throw err;
    }
  },
};
