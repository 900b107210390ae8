// The web ACL's rules from the `waf.*` settings (the managed groups, the rate limit, the geo rule),
// and what projet1 compares of an ACL read back, as plain data.
import { CountryCode, type Rule, type WebACL } from '@aws-sdk/client-wafv2';
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

/** Checked first: blocking a known bad address costs less than inspecting its request. */
const MANAGED = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet'];
export const visibility = (MetricName: string) => ({
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
export function settingsOf(acl: Pick<WebACL, 'Rules' | 'DefaultAction' | 'VisibilityConfig'>) {
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
