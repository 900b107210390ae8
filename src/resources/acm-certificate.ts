// ACM certificate for the site's own domain, DNS-validated. CloudFront only takes certificates
// from us-east-1, so the certificate lives there whatever the stack's region. It is found again
// by its domain name and this stack's tags; RequestCertificate carries an idempotency token, so a
// request retried after a lost answer (within the hour AWS keeps the token) gets the same ARN.
import { createHash } from 'node:crypto';
import {
  ACMClient,
  AddTagsToCertificateCommand,
  type CertificateDetail,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListTagsForCertificateCommand,
  paginateListCertificates,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { isAwsError, unless } from '../aws/errors.js';
import { tagChanges } from '../engine/plan.js';
import { retrying } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { UserError } from '../errors.js';

/** The only region CloudFront reads certificates from. */
export const CERTIFICATE_REGION = 'us-east-1';

export interface CertificateDesired {
  domain: string;
  /** Further names on the same certificate (website.alternateDomains). */
  alternates: string[];
  tags: Record<string, string>;
}

/** One DNS record ACM reads to validate a name: a CNAME. */
export interface ValidationRecord {
  domain: string;
  name: string;
  value: string;
}

export interface CertificateObserved {
  arn: string;
  status: string;
  names: string[];
  validation: ValidationRecord[];
  tags: Record<string, string>;
}

/** What dependents read: the ARN, the status, and each name's validation record ("name value"). */
export type CertificateOutputs = { arn: string; status: string } & Record<`validation:${string}`, string>;

const acm = (ctx: ProvisionContext) => ctx.aws.client(ACMClient, { region: CERTIFICATE_REGION });
const namesOf = (d: CertificateDesired) => [d.domain, ...d.alternates.filter((a) => a !== d.domain)];

/** ACM's IdempotencyToken is 1 to 32 word characters: a hash of what makes the request ours. */
export function idempotencyToken(d: CertificateDesired): string {
  const key = JSON.stringify([namesOf(d), d.tags.project, d.tags.environment, d.tags.region]);
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

async function describe(ctx: ProvisionContext, arn: string): Promise<CertificateDetail | undefined> {
  const res = await unless(
    acm(ctx).send(new DescribeCertificateCommand({ CertificateArn: arn })),
    'ResourceNotFoundException',
  );
  return res?.Certificate;
}

async function tagsOf(ctx: ProvisionContext, arn: string): Promise<Record<string, string>> {
  const res = await acm(ctx).send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
  return Object.fromEntries((res.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

async function read(ctx: ProvisionContext, arn: string): Promise<CertificateObserved | undefined> {
  const c = await describe(ctx, arn);
  if (!c) return undefined;
  return {
    arn,
    status: c.Status ?? 'UNKNOWN',
    names: c.SubjectAlternativeNames ?? [c.DomainName ?? ''],
    validation: (c.DomainValidationOptions ?? []).flatMap((o) =>
      o.ResourceRecord?.Name && o.ResourceRecord.Value
        ? [{ domain: o.DomainName ?? '', name: o.ResourceRecord.Name, value: o.ResourceRecord.Value }]
        : [],
    ),
    tags: await tagsOf(ctx, arn),
  };
}

/**
 * This stack's certificate for the domain: of those with its name (ACM allows several), the one
 * with this stack's tags, else the newest-listed one (so a foreign one shows as a conflict).
 */
async function find(ctx: ProvisionContext, d: CertificateDesired): Promise<CertificateObserved | undefined> {
  let foreign: CertificateObserved | undefined;
  const pages = paginateListCertificates(
    { client: acm(ctx) },
    { Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] } },
  );
  for await (const page of pages) {
    for (const s of page.CertificateSummaryList ?? []) {
      if (s.DomainName !== d.domain || !s.CertificateArn) continue;
      const found = await read(ctx, s.CertificateArn);
      if (!found) continue;
      if (found.tags.project === d.tags.project && found.tags.environment === d.tags.environment) return found;
      foreign ??= found;
    }
  }
  return foreign;
}

/** Tries while AWS fills the validation records in (it does so some seconds after the request). */
const RECORD_POLLS = 15;
/** `--wait`: polls of the status, 10 s apart (DNS validation usually takes minutes). */
const ISSUED_POLLS = 180;

async function withRecords(ctx: ProvisionContext, d: CertificateDesired, arn: string) {
  for (let i = 1; ; i++) {
    const now = await read(ctx, arn);
    if (!now) throw new Error(`certificate ${arn} vanished right after it was requested`);
    if (now.validation.length >= namesOf(d).length || now.status !== 'PENDING_VALIDATION' || i >= RECORD_POLLS)
      return now;
    // AWS: "the DomainValidationOptions ... may not be available immediately" after RequestCertificate.
    ctx.note('waiting for ACM to give the validation records');
    await ctx.sleep(2000);
  }
}

/** `up --wait`: polls until ACM issues the certificate, saying what it waits for. */
export async function waitIssued(
  ctx: ProvisionContext,
  o: CertificateObserved,
  signal?: AbortSignal,
): Promise<CertificateObserved> {
  let now = o;
  for (let i = 1; now.status === 'PENDING_VALIDATION' && !signal?.aborted; i++) {
    if (i > ISSUED_POLLS)
      throw new UserError(`The certificate for ${now.names.join(', ')} is still pending validation after 30 minutes.`, {
        hint: 'Check that the validation records `projet1 status` lists resolve publicly, then run `projet1 up` again.',
      });
    ctx.note(`waiting for ACM to issue the certificate (${now.status}; validation records must resolve publicly)`);
    await ctx.sleep(10_000);
    now = (await read(ctx, now.arn)) ?? now;
  }
  return now;
}

export const acmCertificate: Provisioner<CertificateDesired, CertificateObserved, CertificateOutputs> = {
  type: 'acm-certificate',
  service: 'acm',

  observe: (ctx, d) => find(ctx, d),

  tags: (o) => o.tags,

  diff(d, o) {
    const want = [...namesOf(d)].sort();
    const have = [...o.names].sort();
    const names: FieldChange[] = want.join(',') === have.join(',') ? [] : [{ field: 'names', from: have, to: want }];
    return [...names, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    const names = namesOf(d);
    const res = await acm(ctx).send(
      new RequestCertificateCommand({
        DomainName: d.domain,
        SubjectAlternativeNames: names,
        ValidationMethod: 'DNS',
        IdempotencyToken: idempotencyToken(d),
        Tags: Object.entries(d.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    if (!res.CertificateArn) throw new Error('RequestCertificate returned no ARN');
    // `up` never waits for the issue itself (`up --wait` does, after the apply: stack-ops.ts).
    return withRecords(ctx, d, res.CertificateArn);
  },

  async update(ctx, d, o, changes) {
    if (changes.some((c) => c.field === 'names'))
      throw new UserError(`The certificate ${o.arn} covers ${o.names.join(', ')}, not ${namesOf(d).join(', ')}.`, {
        hint: "ACM cannot change a certificate's names, and projet1 does not replace one yet: note the records `projet1 status` lists, set website.domain to null and run `projet1 up` (the distribution drops the names), delete that certificate (us-east-1) and those records by hand, then set the new names and run `projet1 up`.",
      });
    if (tagChanges(d.tags, o.tags).length > 0)
      await acm(ctx).send(
        new AddTagsToCertificateCommand({
          CertificateArn: o.arn,
          Tags: Object.entries(d.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
  },

  async delete(ctx, _d, o) {
    await retrying(
      ctx,
      () => unless(acm(ctx).send(new DeleteCertificateCommand({ CertificateArn: o.arn })), 'ResourceNotFoundException'),
      // A distribution just deleted or updated releases the certificate once it has deployed.
      (err) =>
        isAwsError(err, 'ResourceInUseException')
          ? 'still used by a distribution: waiting for CloudFront to release it'
          : undefined,
      12,
    );
  },

  outputsOf: (_d, o) => ({
    arn: o.arn,
    status: o.status,
    ...Object.fromEntries(o.validation.map((v) => [`validation:${v.domain}`, `${v.name} ${v.value}`])),
  }),
};
