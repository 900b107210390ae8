// The stack's security headers through the CLI: `up` makes the response-headers policy and every
// behaviour of the distribution names it, the site and the API answer with the headers as served
// by the emulator's CloudFront, and `headers.enabled: false` frees the distribution first, then
// deletes the policy (the order read from `--json --events`), after which the headers are gone.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  ListResponseHeadersPoliciesCommand,
} from '@aws-sdk/client-cloudfront';
import { STOREFRONT_CSP } from '../../src/resources/cloudfront-response-headers-policy.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { viaCloudFront } from '../helpers/site.js';

const NAME = 'projet1-serverless-development-eu-west-3-headers';
let stack: Deployed;
let websiteUrl = '';
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint);
  const site = await runCli(['deploy-website', '--json', '--endpoint-url', h.endpoint], { cwd: stack.dir });
  assert.equal(site.code, 0, site.stderr + site.stdout);
  websiteUrl = site.json<{ websiteUrl: string }>().websiteUrl;
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const cf = () => emulatorClients(emulator.get().endpoint).client(CloudFrontClient);

async function policyIds(): Promise<string[]> {
  const list = await cf().send(new ListResponseHeadersPoliciesCommand({ Type: 'custom' }));
  return (list.ResponseHeadersPolicyList?.Items ?? [])
    .filter((p) => p.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name === NAME)
    .map((p) => p.ResponseHeadersPolicy?.Id ?? '');
}

/** The response-headers policy id of each behaviour of the distribution, the default one first. */
async function behaviourPolicies(): Promise<(string | undefined)[]> {
  const out = (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
  const got = await cf().send(new GetDistributionConfigCommand({ Id: out['distribution.id'] }));
  const c = got.DistributionConfig;
  return [c?.DefaultCacheBehavior, ...(c?.CacheBehaviors?.Items ?? [])].map((b) => b?.ResponseHeadersPolicyId);
}

interface Event {
  code: string;
  data: { type?: string; id?: string; action?: string } | null;
}

describe('security headers', () => {
  it('every behaviour names the policy; the site and the API answer with the headers', async () => {
    const [id, ...more] = await policyIds();
    assert.ok(id, 'the policy exists');
    assert.deepEqual(more, []);
    const behaviours = await behaviourPolicies();
    assert.ok(behaviours.length >= 3, 'the site and the API paths');
    assert.deepEqual(new Set(behaviours), new Set([id]));
    for (const path of ['/', '/products?limit=1']) {
      const reply = await viaCloudFront(websiteUrl, path);
      assert.equal(reply.status, 200, `${path}: ${reply.text}`);
      assert.equal(reply.headers['content-security-policy'], STOREFRONT_CSP, path);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(reply.headers['x-frame-options'], 'DENY', path);
      assert.equal(reply.headers['referrer-policy'], 'strict-origin-when-cross-origin', path);
      assert.equal(reply.headers['strict-transport-security'], 'max-age=31536000', path);
    }
  });

  it('turned off: the distribution lets go first, then the policy is deleted, and the headers are gone', async () => {
    const file = join(stack.dir, 'projet1.config.json');
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...config, headers: { enabled: false } }));
    const up = await cli('up', '--yes', '--json', '--events');
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const events = up.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Event);
    const at = (type: string, id: string) => events.findIndex((e) => e.data?.type === type && e.data.id === id);
    const distributionDone = at('done', 'distribution');
    const policyStart = at('start', 'headers-policy');
    assert.ok(distributionDone >= 0 && policyStart >= 0, up.stderr);
    assert.ok(distributionDone < policyStart, 'the distribution is updated before the policy is deleted');
    assert.equal(events[policyStart]?.data?.action, 'delete');
    assert.deepEqual(await policyIds(), []);
    assert.deepEqual(new Set(await behaviourPolicies()), new Set([undefined]));
    const reply = await viaCloudFront(websiteUrl, '/');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-security-policy'], undefined);
    const again = await cli('plan', '--json');
    assert.equal(again.json<{ changes: { action: string }[] }>().changes.filter((c) => c.action !== 'no-op').length, 0);
  });
});
