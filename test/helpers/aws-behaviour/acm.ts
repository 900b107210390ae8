// ACM on AWS, where MiniStack 1.5.33 issues a DNS-validated certificate at once: the validation
// records appear in DescribeCertificate only some seconds after RequestCertificate, and the
// certificate stays PENDING_VALIDATION until ACM can resolve them publicly (a zone that is not the
// domain's delegated one: never).
import type { Behaviour, BehaviourContext } from './types.js';
import { scaled } from './types.js';

interface Switch {
  on: boolean;
}

/** Off in the profile (its tests' zones resolve); a test whose records cannot resolve turns it on. */
export const ACM_SWITCHES = { unvalidated: { on: false } };

/** When each certificate was requested, by ARN, as the proxy saw the answer. */
const requestedAt = new Map<string, number>();

/** Seconds of AWS's time before DescribeCertificate lists the validation records. */
const RECORDS_AFTER_MS = 5_000;

type Option = { ValidationStatus?: string; ResourceRecord?: unknown };
type Detail = {
  Status?: string;
  DomainValidationOptions?: Option[];
  NotBefore?: unknown;
  NotAfter?: unknown;
  IssuedAt?: unknown;
};

function rewrite(body: string, edit: (c: Detail) => void, key: 'Certificate' | 'CertificateSummaryList'): string {
  const doc = JSON.parse(body) as Record<string, unknown>;
  const value = doc[key];
  const items = (Array.isArray(value) ? value : [value]) as Detail[];
  for (const c of items) if (c) edit(c);
  return JSON.stringify(doc);
}

const pending = (c: Detail): void => {
  c.Status = 'PENDING_VALIDATION';
  delete c.NotBefore;
  delete c.NotAfter;
  delete c.IssuedAt;
  for (const o of c.DomainValidationOptions ?? []) o.ValidationStatus = 'PENDING_VALIDATION';
};

function arnOf(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { CertificateArn?: unknown }).CertificateArn ?? '');
  } catch {
    return '';
  }
}

export const acmValidationRecordsLater: Behaviour = {
  kind: 'acm-validation-records-later',
  source:
    'ACM API reference, DescribeCertificate, DomainValidation.ResourceRecord: "Contains the CNAME record that you add to your DNS database for domain validation"; it is absent for a few seconds after RequestCertificate, as the Terraform AWS provider waits for it (internal/service/acm/certificate.go, "waiting for ACM Certificate ... to have domain validation options")',
  after(call, req, body, ctx: BehaviourContext) {
    if (call.service !== 'acm') return body;
    if (call.operation === 'RequestCertificate') {
      const arn = arnOf(Buffer.from(body));
      if (arn) requestedAt.set(arn, ctx.now);
      return body;
    }
    if (call.operation !== 'DescribeCertificate') return body;
    const at = requestedAt.get(arnOf(req.body));
    if (at === undefined || ctx.now - at >= scaled(ctx, RECORDS_AFTER_MS)) return body;
    ctx.count('acm-validation-records-later');
    return rewrite(
      body,
      (c) => {
        pending(c);
        for (const o of c.DomainValidationOptions ?? []) delete o.ResourceRecord;
      },
      'Certificate',
    );
  },
};

export function acmPendingValidation(sw: Switch = { on: true }): Behaviour {
  return {
    kind: 'acm-pending-validation',
    source:
      'ACM User Guide, "Troubleshoot DNS validation problems": the certificate "remains in the Pending validation status" until ACM finds the CNAME in public DNS, for up to 72 hours, e.g. when the domain\'s registrar does not name the hosted zone\'s name servers',
    after(call, _req, body, ctx) {
      if (!sw.on || call.service !== 'acm') return body;
      if (call.operation === 'DescribeCertificate') {
        ctx.count('acm-pending-validation');
        return rewrite(body, pending, 'Certificate');
      }
      if (call.operation === 'ListCertificates') return rewrite(body, pending, 'CertificateSummaryList');
      return body;
    },
  };
}

export const ACM_BEHAVIOURS: Behaviour[] = [acmValidationRecordsLater, acmPendingValidation(ACM_SWITCHES.unvalidated)];
