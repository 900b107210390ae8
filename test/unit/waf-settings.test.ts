// The web ACL's rules from the `waf.*` settings: the order AWS evaluates them in, the geo rule's two
// forms, and the settings a user can get wrong (both country lists, a code WAF does not know).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../src/errors.js';
import { webAclRules, webAclSettings } from '../../src/resources/wafv2-web-acl-rules.js';

const base = { name: 'shop-test-eu-west-3-waf', region: 'us-east-1', ratePerIp: 2000, tags: {} };

describe('waf settings', () => {
  it('without countries: the IP reputation list, the common rules, then the rate limit', () => {
    const rules = webAclRules(webAclSettings({ ...base, blockCountries: [], allowCountries: [] }));
    assert.deepEqual(
      rules.map((r) => [r.Priority, r.Name]),
      [
        [0, 'AWS-AWSManagedRulesAmazonIpReputationList'],
        [1, 'AWS-AWSManagedRulesCommonRuleSet'],
        [2, 'RateLimitPerIp'],
      ],
    );
    assert.deepEqual(rules[2]?.Statement?.RateBasedStatement, {
      Limit: 2000,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
    });
  });

  it('allowCountries blocks every other country (a negated geo match), first', () => {
    const [geo] = webAclRules(webAclSettings({ ...base, blockCountries: [], allowCountries: ['FR', 'BE'] }));
    assert.equal(geo?.Name, 'AllowCountriesOnly');
    assert.deepEqual(geo?.Statement?.NotStatement?.Statement?.GeoMatchStatement?.CountryCodes, ['FR', 'BE']);
    assert.deepEqual(geo?.Action, { Block: {} });
  });

  it('refuses both lists, and a code WAF does not know, naming the key', () => {
    assert.throws(
      () => webAclSettings({ ...base, blockCountries: ['RU'], allowCountries: ['FR'] }),
      (err: unknown) => err instanceof UserError && /both set/.test(err.message),
    );
    assert.throws(
      () => webAclSettings({ ...base, blockCountries: ['XX'], allowCountries: [] }),
      (err: unknown) =>
        err instanceof UserError && /waf\.blockCountries has codes WAF does not know: XX/.test(err.message),
    );
  });
});
