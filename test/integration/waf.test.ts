// The WAF on the emulator, through the CLI: `up` with `waf.enabled` makes a CloudFront-scope web ACL
// in us-east-1 (read back with GetWebACL) that the distribution names, a second `up` changes
// nothing, a rule changed behind our back is repaired, turning it off frees the distribution and
// removes the ACL (and its alarm), `down` removes it. MiniStack stores rules without enforcing
// them: blocking itself is only observable on AWS.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CloudFrontClient, GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetWebACLCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  UpdateWebACLCommand,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { applyPlan } from '../../src/engine/apply.js';
import { computePlan } from '../../src/engine/plan.js';
import type { Change, ProvisionContext, Resource } from '../../src/engine/types.js';
import { type WebAclDesired, wafv2WebAcl, webAclSettings } from '../../src/resources/wafv2-web-acl.js';
import { webAclAssociated } from '../helpers/aws-behaviour/waf.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';

const PREFIX = 'projet1-serverless-development';
const NAME = `${PREFIX}-eu-west-3-waf`;
const WAF = { enabled: true, ratePerIp: 500, blockCountries: ['KP'] };
let stack: Deployed;
let proxy: FaultProxy | undefined;
after(async () => proxy?.close());
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, { waf: WAF });
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const east = () => emulatorClients(emulator.get().endpoint, 'us-east-1');
const waf = () => east().client(WAFV2Client);

/** The stack's web ACL (at most one of the name), with its lock token; undefined when there is none. */
async function webAcl() {
  const list = (await waf().send(new ListWebACLsCommand({ Scope: 'CLOUDFRONT' }))).WebACLs ?? [];
  const found = list.filter((a) => a.Name === NAME);
  assert.ok(found.length <= 1, `${found.length} web ACLs named ${NAME}`);
  const id = found[0]?.Id;
  return id ? waf().send(new GetWebACLCommand({ Name: NAME, Scope: 'CLOUDFRONT', Id: id })) : undefined;
}

const distributionId = async () =>
  (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs['distribution.id'] ?? '';
const cf = () => emulatorClients(emulator.get().endpoint).client(CloudFrontClient);

async function webAclIdOfDistribution(): Promise<string | undefined> {
  const got = await cf().send(new GetDistributionConfigCommand({ Id: await distributionId() }));
  return got.DistributionConfig?.WebACLId;
}

/** The distribution without the ACL, as its own update leaves it (deployed a while later on AWS). */
async function detach(): Promise<void> {
  const Id = await distributionId();
  const current = await cf().send(new GetDistributionConfigCommand({ Id }));
  assert.ok(current.DistributionConfig);
  await cf().send(
    new UpdateDistributionCommand({
      Id,
      IfMatch: current.ETag,
      DistributionConfig: { ...current.DistributionConfig, WebACLId: '' },
    }),
  );
}

const blockedAlarm = async () =>
  (
    await east()
      .client(CloudWatchClient)
      .send(new DescribeAlarmsCommand({ AlarmNames: [`${PREFIX}-eu-west-3-waf-blocked-requests`] }))
  ).MetricAlarms?.[0];

const pending = (changes: Change[]) =>
  changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.id} ${c.fields.map((f) => f.field)}`);

function withConfig(config: Record<string, unknown>): string {
  const path = join(stack.dir, 'edited.json');
  // As deployed (deploy() keeps the API's direct URL open).
  writeFileSync(path, JSON.stringify({ api: { edgeOnly: false }, ...config }));
  return path;
}

describe('waf', () => {
  it('up makes the web ACL in us-east-1 with its rules, and the distribution uses it', async () => {
    const got = await webAcl();
    const acl = got?.WebACL;
    assert.ok(acl?.ARN && got?.LockToken);
    assert.match(acl.ARN, /^arn:aws:wafv2:us-east-1:\d{12}:global\/webacl\//, 'CloudFront scope, in us-east-1');
    assert.deepEqual(acl.DefaultAction, { Allow: {} });
    assert.deepEqual(
      acl.Rules?.map((r) => [r.Priority, r.Name]),
      [
        [0, 'BlockCountries'],
        [1, 'AWS-AWSManagedRulesAmazonIpReputationList'],
        [2, 'AWS-AWSManagedRulesCommonRuleSet'],
        [3, 'RateLimitPerIp'],
      ],
    );
    const [geo, reputation, common, rate] = acl.Rules ?? [];
    assert.deepEqual(geo?.Statement?.GeoMatchStatement?.CountryCodes, ['KP']);
    assert.deepEqual(geo?.Action, { Block: {} });
    assert.deepEqual(reputation?.Statement?.ManagedRuleGroupStatement, {
      VendorName: 'AWS',
      Name: 'AWSManagedRulesAmazonIpReputationList',
    });
    assert.equal(common?.Statement?.ManagedRuleGroupStatement?.Name, 'AWSManagedRulesCommonRuleSet');
    assert.deepEqual(common?.OverrideAction, { None: {} });
    assert.deepEqual(rate?.Statement?.RateBasedStatement, {
      Limit: 500,
      EvaluationWindowSec: 300,
      AggregateKeyType: 'IP',
    });
    assert.equal(acl.VisibilityConfig?.MetricName, NAME);
    const tags = await waf().send(new ListTagsForResourceCommand({ ResourceARN: acl.ARN }));
    const tagMap = Object.fromEntries((tags.TagInfoForResource?.TagList ?? []).map((t) => [t.Key, t.Value]));
    assert.equal(tagMap.project, 'projet1-serverless');
    assert.equal(tagMap.environment, 'development');

    assert.equal(await webAclIdOfDistribution(), acl.ARN, "the distribution's WebACLId is the ACL's ARN");

    const alarm = await blockedAlarm();
    assert.deepEqual([alarm?.Namespace, alarm?.MetricName, alarm?.Threshold], ['AWS/WAFV2', 'BlockedRequests', 100]);
    assert.deepEqual(Object.fromEntries((alarm?.Dimensions ?? []).map((d) => [d.Name, d.Value])), {
      WebACL: NAME,
      Rule: 'ALL',
    });
    const board = await emulatorClients(emulator.get().endpoint)
      .client(CloudWatchClient)
      .send(new GetDashboardCommand({ DashboardName: `${PREFIX}-eu-west-3` }));
    assert.match(board.DashboardBody ?? '', /"AWS\/WAFV2","BlockedRequests","WebACL","[^"]+-waf","Rule","ALL"/);
  });

  it('a second up makes no call that changes anything', async () => {
    const again = await cli('up', '--json');
    assert.equal(again.code, 0, again.stderr);
    const doc = again.json<{ changes: Change[]; awsCalls: { mutatingOperations: string[] } }>();
    assert.deepEqual(pending(doc.changes), []);
    assert.deepEqual(doc.awsCalls.mutatingOperations, []);
  });

  it('a rule changed behind its back is planned and repaired', async () => {
    const got = await webAcl();
    const acl = got?.WebACL;
    assert.ok(acl?.Id && got?.LockToken);
    // Someone drops the rate limit and loosens the geo rule by hand.
    await waf().send(
      new UpdateWebACLCommand({
        Name: NAME,
        Scope: 'CLOUDFRONT',
        Id: acl.Id,
        LockToken: got.LockToken,
        DefaultAction: { Allow: {} },
        VisibilityConfig: acl.VisibilityConfig,
        Rules: (acl.Rules ?? []).filter((r) => r.Name !== 'RateLimitPerIp'),
      }),
    );
    const plan = (await cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(pending(plan.changes), ['update web-acl rules']);
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const repaired = (await webAcl())?.WebACL;
    assert.equal(repaired?.Id, acl.Id, 'the same ACL, updated');
    assert.equal(repaired?.Rules?.at(-1)?.Statement?.RateBasedStatement?.Limit, 500);
    assert.equal((await cli('plan', '--exit-code')).code, 0);
  });

  it('turned off: the distribution lets go of it, then it and its alarm are removed', async () => {
    const off = await cli('up', '--yes', '--json', '--config', withConfig({ waf: { enabled: false } }));
    assert.equal(off.code, 0, off.stderr + off.stdout);
    const changes = pending(off.json<{ changes: Change[] }>().changes);
    assert.ok(changes.includes('update distribution webAclId'), changes.join('; '));
    assert.ok(changes.includes('delete web-acl '), changes.join('; '));
    assert.ok(changes.includes('delete alarm:waf-blocked-requests '), changes.join('; '));
    assert.equal(await webAclIdOfDistribution(), '');
    assert.equal(await webAcl(), undefined);
    assert.equal(await blockedAlarm(), undefined);
    const plan = await cli('plan', '--exit-code', '--config', withConfig({ waf: { enabled: false } }));
    assert.equal(plan.code, 0, plan.stdout);
  });

  it('deleting waits while the distribution still holds it (WAFAssociatedItemException), then deletes it', async () => {
    assert.equal((await cli('up', '--yes')).code, 0, 'on again');
    // MiniStack deletes an ACL in use; the proxy answers as WAF does (aws-behaviour/waf.ts).
    proxy = await startFaultProxy(emulator.get().endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      behaviours: [webAclAssociated],
    });
    const clients = emulatorClients(proxy.url);
    const desired = webAclSettings({
      ...WAF,
      allowCountries: [],
      name: NAME,
      region: 'us-east-1',
      tags: { project: 'projet1-serverless', environment: 'development' },
    });
    const acl: Resource<WebAclDesired> = {
      id: 'web-acl',
      name: NAME,
      provisioner: wafv2WebAcl,
      desired,
      dependsOn: [],
    };
    const stackOnly = { resources: [acl as Resource], tags: desired.tags };
    const notes: string[] = [];
    let waits = 0;
    const ctx = (): ProvisionContext => ({
      aws: clients,
      note: (m) => notes.push(m),
      // While the delete waits, the distribution lets the ACL go (its update deploying).
      sleep: async () => {
        waits++;
        if (waits === 2) await detach();
      },
    });
    const reporter = { event: () => undefined };
    const state = await computePlan(stackOnly, 'destroy', ctx, reporter);
    await applyPlan(stackOnly, state, ctx, reporter);
    assert.equal(waits, 2, 'refused twice while associated, deleted once released');
    assert.ok(
      notes.some((n) => /still associated with a distribution/.test(n)),
      notes.join('; '),
    );
    assert.equal(await webAcl(), undefined);
    assert.ok((proxy.injected.get('waf-web-acl-associated') ?? 0) >= 2);
  });

  it('down removes it', async () => {
    assert.equal((await cli('up', '--yes')).code, 0, 'on again');
    assert.ok(await webAcl());
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr + down.stdout);
    assert.equal(await webAcl(), undefined);
  });
});

describe('waf with lost answers', () => {
  let lossy: FaultProxy | undefined;
  after(async () => lossy?.close());

  it('a create, update and delete whose answers are lost still end with one ACL, then none', async () => {
    lossy = await startFaultProxy(emulator.get().endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      loseFirstAnswerOf: ['wafv2.CreateWebACL', 'wafv2.UpdateWebACL', 'wafv2.DeleteWebACL'],
    });
    const clients = emulatorClients(lossy.url);
    const name = 'lost-development-eu-west-3-waf';
    const tags = { project: 'lost', environment: 'development', 'managed-by': 'projet1' };
    const resource = (ratePerIp: number): Resource => {
      const desired = webAclSettings({
        ratePerIp,
        blockCountries: [],
        allowCountries: [],
        name,
        region: 'us-east-1',
        tags,
      });
      const r: Resource<WebAclDesired> = { id: 'web-acl', name, provisioner: wafv2WebAcl, desired, dependsOn: [] };
      return r as Resource;
    };
    const ctx = (): ProvisionContext => ({ aws: clients, note: () => undefined, sleep: () => Promise.resolve() });
    const reporter = { event: () => undefined };
    const run = async (r: Resource, mode: 'apply' | 'destroy') => {
      const stackOf = { resources: [r], tags };
      await applyPlan(stackOf, await computePlan(stackOf, mode, ctx, reporter), ctx, reporter);
    };
    const named = async () =>
      ((await waf().send(new ListWebACLsCommand({ Scope: 'CLOUDFRONT' }))).WebACLs ?? []).filter(
        (a) => a.Name === name,
      );

    await run(resource(300), 'apply');
    assert.equal((await named()).length, 1, 'made once');
    await run(resource(400), 'apply');
    const [one] = await named();
    const got = await waf().send(new GetWebACLCommand({ Name: name, Scope: 'CLOUDFRONT', Id: one?.Id }));
    assert.equal(got.WebACL?.Rules?.at(-1)?.Statement?.RateBasedStatement?.Limit, 400);
    await run(resource(400), 'destroy');
    assert.deepEqual(await named(), []);
    assert.deepEqual(
      ['wafv2.CreateWebACL', 'wafv2.UpdateWebACL', 'wafv2.DeleteWebACL'].filter((op) => !lossy?.lostOnce.has(op)),
      [],
      'every listed call had its answer lost once',
    );
  });
});
