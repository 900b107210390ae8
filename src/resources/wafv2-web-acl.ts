// A WAFv2 web ACL for the CloudFront distribution (scope CLOUDFRONT: it lives in CloudFront's own
// region, us-east-1, whatever the stack's). AWS's managed common rule set and IP reputation list,
// a rate limit per IP and an optional geographic rule. Found again by name (unique per scope),
// updated and deleted with the lock token WAF hands out with each read.
import {
  CountryCode,
  CreateWebACLCommand,
  DeleteWebACLCommand,
  GetWebACLCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  type Rule,
  TagResourceCommand,
  UpdateWebACLCommand,
  type WebACL,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { httpStatus, isAwsError, unless } from '../aws/errors.js';
import { fromTagList, toTagList } from '../aws/tags.js';
import { canonicalJson } from '../engine/canonical.js';
import { tagChanges } from '../engine/plan.js';
import { createOnce, retrying } from '../engine/retry.js';
import type { FieldChange, ProvisionContext, Provisioner } from '../engine/types.js';
import { UserError } from '../errors.js';

export interface WebAclDesired {
  /** Unique per account and scope: the stack's region is part of it. */
  name: string;
  /** CloudFront's region (us-east-1; cn-northwest-1 in China): a CLOUDFRONT-scope ACL is kept there. */
  region: string;
  /** Requests per IP per 5 minutes before the IP is blocked (AWS accepts 10 to 2,000,000,000). */
  ratePerIp: number;
  /** Countries (ISO 3166 alpha-2) blocked, or the only ones allowed; null: no geographic rule. */
  geo: { mode: 'block' | 'allow'; countries: CountryCode[] } | null;
  tags: Record<string, string>;
}

export interface WebAclObserved {
  id: string;
  arn: string;
  lockToken: string;
  acl: WebACL;
  tags: Record<string, string>;
}

const SCOPE = 'CLOUDFRONT' as const;
/** Checked first: blocking a known bad address costs less than inspecting its request. */
const MANAGED = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet'];
const visibility = (MetricName: string) => ({
  SampledRequestsEnabled: true,
  CloudWatchMetricsEnabled: true,
  MetricName,
});

/** The rules in evaluation order (their priority is their place). */
export function webAclRules(d: WebAclDesired): Rule[] {
  const geo: Omit<Rule, 'Priority'>[] = d.geo
    ? [
        {
          Name: d.geo.mode === 'block' ? 'BlockCountries' : 'AllowCountriesOnly',
          Action: { Block: {} },
          Statement:
            d.geo.mode === 'block'
              ? { GeoMatchStatement: { CountryCodes: d.geo.countries } }
              : { NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: d.geo.countries } } } },
          VisibilityConfig: visibility(`${d.name}-geo`),
        },
      ]
    : [];
  const managed = MANAGED.map((Name) => ({
    Name: `AWS-${Name}`,
    // The group's own actions (block) apply; `Count` here would only observe.
    OverrideAction: { None: {} },
    Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name } },
    VisibilityConfig: visibility(`${d.name}-${Name}`),
  }));
  const rate = {
    Name: 'RateLimitPerIp',
    Action: { Block: {} },
    Statement: {
      RateBasedStatement: { Limit: d.ratePerIp, EvaluationWindowSec: 300, AggregateKeyType: 'IP' as const },
    },
    VisibilityConfig: visibility(`${d.name}-rate`),
  };
  return [...geo, ...managed, rate].map((r, Priority) => ({ ...r, Priority }));
}

/** What projet1 manages of a web ACL, as plain data: AWS may add fields of its own when it answers. */
function settingsOf(acl: Pick<WebACL, 'Rules' | 'DefaultAction' | 'VisibilityConfig'>) {
  return {
    defaultAction: acl.DefaultAction?.Allow ? 'allow' : 'block',
    metric: acl.VisibilityConfig?.MetricName ?? '',
    rules: (acl.Rules ?? []).map((r) => {
      const s = r.Statement;
      const geo = s?.GeoMatchStatement ?? s?.NotStatement?.Statement?.GeoMatchStatement;
      return {
        name: r.Name,
        priority: r.Priority,
        action: r.Action?.Block ? 'block' : r.Action ? 'other' : null,
        override: r.OverrideAction?.None ? 'none' : r.OverrideAction ? 'count' : null,
        managed: s?.ManagedRuleGroupStatement
          ? `${s.ManagedRuleGroupStatement.VendorName}/${s.ManagedRuleGroupStatement.Name}`
          : null,
        rate: s?.RateBasedStatement
          ? `${s.RateBasedStatement.Limit}/${s.RateBasedStatement.EvaluationWindowSec ?? 300}s/${s.RateBasedStatement.AggregateKeyType}`
          : null,
        geo: geo ? `${s?.NotStatement ? 'not ' : ''}${[...(geo.CountryCodes ?? [])].sort().join(',')}` : null,
        metric: r.VisibilityConfig?.MetricName ?? '',
      };
    }),
  };
}

/** MiniStack's answer for a service it was not started with: HTTP 400 without a WAF error code. */
const withoutWaf = (err: unknown): boolean =>
  httpStatus(err) === 400 && !(err instanceof Error && err.name.startsWith('WAF'));

const wafClient = (ctx: ProvisionContext, d: WebAclDesired, maxAttempts?: number) =>
  ctx.aws.client(WAFV2Client, { region: d.region, ...(maxAttempts ? { maxAttempts } : {}) });

async function findSummary(ctx: ProvisionContext, d: WebAclDesired): Promise<{ id: string; name: string } | undefined> {
  const waf = wafClient(ctx, d);
  let NextMarker: string | undefined;
  do {
    const page = await waf.send(new ListWebACLsCommand({ Scope: SCOPE, Limit: 100, NextMarker }));
    const hit = page.WebACLs?.find((a) => a.Name === d.name);
    if (hit?.Id) return { id: hit.Id, name: d.name };
    NextMarker = page.NextMarker || undefined;
  } while (NextMarker);
  return undefined;
}

async function read(ctx: ProvisionContext, d: WebAclDesired, id: string): Promise<WebAclObserved | undefined> {
  const waf = wafClient(ctx, d);
  const res = await unless(
    waf.send(new GetWebACLCommand({ Name: d.name, Scope: SCOPE, Id: id })),
    'WAFNonexistentItemException',
  );
  const acl = res?.WebACL;
  if (!acl?.ARN) return undefined;
  const tags = await waf.send(new ListTagsForResourceCommand({ ResourceARN: acl.ARN }));
  return {
    id,
    arn: acl.ARN,
    lockToken: res?.LockToken ?? '',
    acl,
    tags: fromTagList(tags.TagInfoForResource?.TagList),
  };
}

const body = (d: WebAclDesired) => ({
  Name: d.name,
  Scope: SCOPE,
  DefaultAction: { Allow: {} },
  Rules: webAclRules(d),
  VisibilityConfig: visibility(d.name),
  Description: 'projet1: managed common rules, IP reputation, rate limit per IP',
});

/** Tries while the distribution still holds the ACL (its update is deploying) or a token is stale. */
const ATTEMPTS = 12;

/** What the distribution reads: its WebACLId takes a WAFv2 ACL's ARN. */
export type WebAclOutputs = { arn: string };

export const wafv2WebAcl: Provisioner<WebAclDesired, WebAclObserved, WebAclOutputs> = {
  type: 'wafv2-web-acl',
  service: 'wafv2',

  async observe(ctx, d) {
    const found = await findSummary(ctx, d).catch((err: unknown) => {
      // An emulator started without wafv2 (by an older projet1) answers a bare 400: it holds no ACL,
      // which must not stop an `up` with the WAF off; with it on, CreateWebACL says what to do.
      if (ctx.aws.target.endpointUrl && withoutWaf(err)) return undefined;
      throw err;
    });
    return found ? read(ctx, d, found.id) : undefined;
  },

  tags: (o) => o.tags,

  diff(d, o) {
    const want = settingsOf(body(d));
    const have = settingsOf(o.acl);
    const changes = (Object.keys(want) as (keyof typeof want)[])
      .filter((k) => canonicalJson(want[k]) !== canonicalJson(have[k]))
      .map((k): FieldChange => ({ field: k, from: have[k], to: want[k] }));
    return [...changes, ...tagChanges(d.tags, o.tags)];
  },

  async create(ctx, d) {
    // CreateWebACL is not deduplicated by a token: one attempt at a time, then look by name.
    const once = wafClient(ctx, d, 1);
    try {
      await createOnce(
        ctx,
        'CreateWebACL',
        async () => (await once.send(new CreateWebACLCommand({ ...body(d), Tags: toTagList(d.tags) }))).Summary?.Id,
        async () => (await findSummary(ctx, d))?.id,
      );
    } catch (err) {
      if (ctx.aws.target.endpointUrl && withoutWaf(err)) {
        throw new UserError(`${ctx.aws.target.endpointUrl} does not answer WAFv2 (waf.enabled needs it).`, {
          hint: 'An emulator started by an older projet1 lacks it: `projet1 emulator stop`, then `projet1 emulator start`.',
        });
      }
      // Made by an interrupted run: adopt it (the next `up` makes it as configured).
      if (!isAwsError(err, 'WAFDuplicateItemException')) throw err;
    }
    return this.observe(ctx, d);
  },

  async update(ctx, d, o, changes) {
    const waf = wafClient(ctx, d);
    if (changes.some((c) => c.field !== 'tags')) {
      let current: WebAclObserved | undefined = o;
      await retrying(
        ctx,
        async () => {
          if (!current || this.diff(d, current).every((c) => c.field === 'tags')) return;
          try {
            await waf.send(new UpdateWebACLCommand({ ...body(d), Id: o.id, LockToken: current.lockToken }));
          } catch (err) {
            // Changed since it was read (or our own lost update took): read it again and compare.
            if (isAwsError(err, 'WAFOptimisticLockException')) current = await read(ctx, d, o.id);
            throw err;
          }
        },
        (err) =>
          isAwsError(err, 'WAFOptimisticLockException')
            ? 'changed since it was read: updating the current version'
            : undefined,
        ATTEMPTS,
      );
    }
    if (tagChanges(d.tags, o.tags).length > 0)
      await waf.send(new TagResourceCommand({ ResourceARN: o.arn, Tags: toTagList(d.tags) }));
  },

  async delete(ctx, d, o) {
    const waf = wafClient(ctx, d);
    let current: WebAclObserved | undefined = o;
    await retrying(
      ctx,
      async () => {
        if (!current) return;
        try {
          await waf.send(
            new DeleteWebACLCommand({ Name: d.name, Scope: SCOPE, Id: current.id, LockToken: current.lockToken }),
          );
        } catch (err) {
          if (isAwsError(err, 'WAFNonexistentItemException')) return;
          if (isAwsError(err, 'WAFOptimisticLockException')) current = await read(ctx, d, o.id);
          throw err;
        }
      },
      (err) => {
        // WAF API reference, DeleteWebACL: "before you can delete [a web ACL], you must first disassociate
        // it from all resources" (WAFAssociatedItemException); the distribution's release may be deploying.
        if (isAwsError(err, 'WAFAssociatedItemException'))
          return 'still associated with a distribution: waiting until CloudFront releases it';
        if (isAwsError(err, 'WAFOptimisticLockException'))
          return 'changed since it was read: deleting the current version';
        return undefined;
      },
      ATTEMPTS,
    );
  },

  outputsOf: (_d, o) => ({ arn: o.arn }),
};

const KNOWN_COUNTRIES = new Set<string>(Object.values(CountryCode));
const isCountry = (code: string): code is CountryCode => KNOWN_COUNTRIES.has(code);

/** The codes WAF's geo match knows (ISO 3166 alpha-2, as its CountryCode list has them). */
function countries(codes: string[], key: string): CountryCode[] {
  const unknown = codes.filter((c) => !isCountry(c));
  if (unknown.length > 0) {
    throw new UserError(`${key} has codes WAF does not know: ${unknown.join(', ')}.`, {
      hint: 'Use ISO 3166 alpha-2 country codes, e.g. FR, DE, US.',
    });
  }
  return codes.filter(isCountry);
}

/** The desired ACL from the `waf.*` settings: block and allow lists exclude each other. */
export function webAclSettings(input: {
  name: string;
  region: string;
  ratePerIp: number;
  blockCountries: string[];
  allowCountries: string[];
  tags: Record<string, string>;
}): WebAclDesired {
  const block = countries(input.blockCountries, 'waf.blockCountries');
  const allow = countries(input.allowCountries, 'waf.allowCountries');
  if (block.length > 0 && allow.length > 0) {
    throw new UserError('waf.blockCountries and waf.allowCountries are both set: the WAF takes one or the other.', {
      hint: 'Keep the list you mean (allowCountries lets only those in; blockCountries keeps those out).',
    });
  }
  const geo = block.length > 0 ? { mode: 'block' as const, countries: block } : null;
  return {
    name: input.name,
    region: input.region,
    ratePerIp: input.ratePerIp,
    geo: allow.length > 0 ? { mode: 'allow', countries: allow } : geo,
    tags: input.tags,
  };
}
