// The security-headers policy on the emulator, through the engine (plan, then apply) as `up` and
// `down` run it: created as configured (read back with GetResponseHeadersPolicy), a second run
// changes nothing, a changed CSP is one update of the same policy, drift made behind our back is
// repaired, the headers are served by a distribution using it, deleting it waits while a
// distribution still holds it, and lost answers make neither a second policy nor a failure.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  CloudFrontClient,
  CreateDistributionCommand,
  CreateOriginAccessControlCommand,
  GetDistributionConfigCommand,
  GetResponseHeadersPolicyCommand,
  ListResponseHeadersPoliciesCommand,
  UpdateDistributionCommand,
  UpdateResponseHeadersPolicyCommand,
} from '@aws-sdk/client-cloudfront';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { bucketNotYetVisible } from '../../src/aws/errors.js';
import { applyPlan } from '../../src/engine/apply.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { computePlan, type Stack } from '../../src/engine/plan.js';
import type { Change, ProvisionContext, Resource } from '../../src/engine/types.js';
import {
  cloudfrontResponseHeadersPolicy,
  HSTS_ONE_YEAR,
  type ResponseHeadersDesired,
  STOREFRONT_CSP,
  securityHeaders,
} from '../../src/resources/cloudfront-response-headers-policy.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';
import { responseHeadersPolicyInUse } from '../helpers/aws-behaviour/cloudfront-headers.js';
import { viaCloudFront } from '../helpers/site.js';

const TAGS = { project: 'shop', environment: 'test', region: 'eu-west-3', 'managed-by': 'projet1' };
const NAME = 'shop-test-eu-west-3-headers';
const emulator = useEmulator();
const aws = () => emulatorClients(emulator.get().endpoint);
const cf = () => aws().client(CloudFrontClient);

/** The one-resource stack `up` would hold, the CSP given (the storefront's by default). */
function stackOf(desired: ResponseHeadersDesired): Stack {
  const policy: Resource<ResponseHeadersDesired> = {
    id: 'headers-policy',
    name: desired.name,
    provisioner: cloudfrontResponseHeadersPolicy,
    desired,
    dependsOn: [],
  };
  return { resources: [policy as Resource], tags: TAGS };
}
const desired = (csp?: string, name = NAME) => securityHeaders({ name, tags: TAGS, ...(csp ? { csp } : {}) });

interface Run {
  changes: Change[];
  outputs: Map<string, Record<string, string>>;
  mutating: string[];
  notes: string[];
}

/** Plan, then apply, as `up` (or `down`: destroy) does; `sleep` stands for the time a retry waits. */
async function run(
  stack: Stack,
  mode: 'apply' | 'destroy' = 'apply',
  opts: { clients?: AwsClients; sleep?: () => Promise<void> } = {},
): Promise<Run> {
  const clients = opts.clients ?? aws();
  const notes: string[] = [];
  const reporter = {
    event: (e: EngineEvent) => {
      if (e.type === 'note') notes.push(e.message);
    },
  };
  const ctx = (): ProvisionContext => ({
    aws: clients,
    note: (m) => notes.push(m),
    sleep: opts.sleep ?? (() => Promise.resolve()),
  });
  const state = await computePlan(stack, mode, ctx, reporter);
  await applyPlan(stack, state, ctx, reporter);
  const mutating = clients.mutatingCalls().map((c) => c.operation);
  return { changes: state.plan.changes, outputs: state.outputs, mutating, notes };
}
const summary = (changes: Change[]) =>
  changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.fields.map((f) => f.field).join(',')}`);

async function policyNamed(name: string) {
  const list = await cf().send(new ListResponseHeadersPoliciesCommand({ Type: 'custom' }));
  const found = (list.ResponseHeadersPolicyList?.Items ?? []).filter(
    (s) => s.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.Name === name,
  );
  assert.ok(found.length <= 1, `${found.length} policies named ${name}`);
  const id = found[0]?.ResponseHeadersPolicy?.Id;
  return id ? cf().send(new GetResponseHeadersPolicyCommand({ Id: id })) : undefined;
}
const idOf = async (name = NAME) => (await policyNamed(name))?.ResponseHeadersPolicy?.Id ?? '';

describe('response-headers policy', () => {
  it('is created as configured: HSTS for a year, nosniff, DENY, the referrer policy and the CSP, all overriding', async () => {
    const first = await run(stackOf(desired()));
    assert.deepEqual(summary(first.changes), ['create ']);
    const got = await policyNamed(NAME);
    const config = got?.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
    assert.ok(got?.ETag, 'an ETag to update and delete with');
    assert.equal(config?.Comment, 'project=shop environment=test region=eu-west-3 managed-by=projet1');
    const s = config?.SecurityHeadersConfig;
    assert.deepEqual(s?.StrictTransportSecurity, {
      Override: true,
      AccessControlMaxAgeSec: HSTS_ONE_YEAR,
      IncludeSubdomains: false,
      Preload: false,
    });
    assert.deepEqual(s?.ContentTypeOptions, { Override: true });
    assert.deepEqual(s?.FrameOptions, { Override: true, FrameOption: 'DENY' });
    assert.deepEqual(s?.ReferrerPolicy, { Override: true, ReferrerPolicy: 'strict-origin-when-cross-origin' });
    assert.deepEqual(s?.ContentSecurityPolicy, { Override: true, ContentSecurityPolicy: STOREFRONT_CSP });
    assert.equal(s?.XSSProtection, undefined);
    assert.equal(config?.CorsConfig, undefined);

    const again = await run(stackOf(desired()));
    assert.deepEqual(summary(again.changes), []);
    assert.deepEqual(again.mutating, [], 'a second run makes no mutating call');
    assert.equal(again.outputs.get('headers-policy')?.id, got?.ResponseHeadersPolicy?.Id);
  });

  it('a changed CSP is one update of the same policy, not a replacement', async () => {
    const before = await idOf();
    const csp = `${STOREFRONT_CSP}; upgrade-insecure-requests`;
    const changed = await run(stackOf(desired(csp)));
    assert.deepEqual(summary(changed.changes), ['update csp']);
    assert.deepEqual(changed.mutating, ['UpdateResponseHeadersPolicy']);
    const got = await policyNamed(NAME);
    assert.equal(got?.ResponseHeadersPolicy?.Id, before);
    assert.equal(
      got?.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.ContentSecurityPolicy
        ?.ContentSecurityPolicy,
      csp,
    );
    assert.deepEqual(summary((await run(stackOf(desired(csp)))).changes), []);
  });

  it('drift made behind its back (weaker headers, one added by hand) is planned and repaired', async () => {
    const got = await policyNamed(NAME);
    const config = got?.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig;
    assert.ok(config?.SecurityHeadersConfig && got?.ResponseHeadersPolicy?.Id);
    const s = config.SecurityHeadersConfig;
    await cf().send(
      new UpdateResponseHeadersPolicyCommand({
        Id: got.ResponseHeadersPolicy.Id,
        IfMatch: got.ETag,
        ResponseHeadersPolicyConfig: {
          ...config,
          SecurityHeadersConfig: {
            ...s,
            FrameOptions: { Override: false, FrameOption: 'SAMEORIGIN' },
            ContentSecurityPolicy: {
              Override: true,
              ContentSecurityPolicy: "default-src *; script-src 'unsafe-inline'",
            },
          },
          CustomHeadersConfig: { Quantity: 1, Items: [{ Header: 'X-Debug', Value: 'on', Override: true }] },
        },
      }),
    );
    const repaired = await run(stackOf(desired()));
    assert.deepEqual(summary(repaired.changes), ['update csp,frameOption,override,others']);
    const after = (await policyNamed(NAME))?.ResponseHeadersPolicy;
    assert.equal(after?.Id, got.ResponseHeadersPolicy.Id);
    const c = after?.ResponseHeadersPolicyConfig;
    assert.deepEqual(c?.SecurityHeadersConfig?.FrameOptions, { Override: true, FrameOption: 'DENY' });
    assert.equal(c?.SecurityHeadersConfig?.ContentSecurityPolicy?.ContentSecurityPolicy, STOREFRONT_CSP);
    assert.equal(c?.CustomHeadersConfig?.Quantity ?? 0, 0);
    assert.deepEqual(summary((await run(stackOf(desired()))).changes), []);
  });

  it('is not touched when its comment says another stack owns it', async () => {
    const other = securityHeaders({ name: NAME, tags: { ...TAGS, environment: 'prod' } });
    const plan = await run({ resources: stackOf(other).resources, tags: { ...TAGS, environment: 'prod' } }).catch(
      (err: unknown) => err,
    );
    assert.match(String(plan), /belongs to environment "test", not "prod"/);
  });
});

describe('response-headers policy on a distribution', () => {
  const BUCKET = 'shop-test-headers-site';
  let distributionId = '';
  let url = '';
  let inUseProxy: FaultProxy | undefined;
  after(async () => inUseProxy?.close());

  /** A distribution serving a private bucket through an OAC, as the web tier's; its default behaviour uses the policy. */
  async function distributionUsing(policyId: string): Promise<void> {
    const s3 = aws().client(S3Client);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const page = new PutObjectCommand({ Bucket: BUCKET, Key: 'index.html', Body: '<p>hi', ContentType: 'text/html' });
    // On AWS (and through PROJET1_TEST_AWS's profile) a new bucket takes a moment to be usable.
    await eventually('the new bucket takes its page', () =>
      s3.send(page).then(
        () => true,
        (err: unknown) => (bucketNotYetVisible(err) ? false : Promise.reject(err)),
      ),
    );
    const oac = await cf().send(
      new CreateOriginAccessControlCommand({
        OriginAccessControlConfig: {
          Name: 'response-headers-test',
          SigningProtocol: 'sigv4',
          SigningBehavior: 'always',
          OriginAccessControlOriginType: 's3',
        },
      }),
    );
    const list = <T>(items: T[]) => ({ Quantity: items.length, Items: items });
    const made = await cf().send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: 'response-headers-test',
          Comment: 'response-headers test',
          Enabled: true,
          DefaultRootObject: 'index.html',
          Origins: list([
            {
              Id: 'site',
              DomainName: `${BUCKET}.s3.eu-west-3.amazonaws.com`,
              OriginAccessControlId: oac.OriginAccessControl?.Id,
              S3OriginConfig: { OriginAccessIdentity: '' },
            },
          ]),
          DefaultCacheBehavior: {
            TargetOriginId: 'site',
            ViewerProtocolPolicy: 'redirect-to-https',
            ResponseHeadersPolicyId: policyId,
            ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
            MinTTL: 0,
          },
        },
      }),
    );
    distributionId = made.Distribution?.Id ?? '';
    const Policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
          Condition: { StringEquals: { 'AWS:SourceArn': made.Distribution?.ARN } },
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy }));
    // The emulator routes `{label}.cloudfront.localhost:{port}` to the distribution.
    const label = (made.Distribution?.DomainName ?? '').split('.')[0] ?? '';
    url = `http://${label}.cloudfront.localhost:${emulator.get().port}`;
  }

  /** The distribution without the policy, as its own update or teardown leaves it. */
  async function detach(): Promise<void> {
    const current = await cf().send(new GetDistributionConfigCommand({ Id: distributionId }));
    const config = current.DistributionConfig;
    assert.ok(config?.DefaultCacheBehavior);
    const { ResponseHeadersPolicyId: _, ...behaviour } = config.DefaultCacheBehavior;
    await cf().send(
      new UpdateDistributionCommand({
        Id: distributionId,
        IfMatch: current.ETag,
        DistributionConfig: { ...config, DefaultCacheBehavior: behaviour },
      }),
    );
  }

  it('serves the security headers on every answer', async () => {
    await run(stackOf(desired()));
    await distributionUsing(await idOf());
    const page = await viaCloudFront(url, '/');
    assert.equal(page.status, 200, page.text);
    assert.equal(page.headers['strict-transport-security'], `max-age=${HSTS_ONE_YEAR}`);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['referrer-policy'], 'strict-origin-when-cross-origin');
    assert.equal(page.headers['content-security-policy'], STOREFRONT_CSP);
    assert.match(STOREFRONT_CSP, /frame-ancestors 'none'/);
    // A missing key is answered by the origin's error, with the headers too.
    const missing = await viaCloudFront(url, '/nothing-here.html');
    assert.equal(missing.headers['x-frame-options'], 'DENY');
  });

  it('a changed CSP is served after the update', async () => {
    const csp = `${STOREFRONT_CSP}; upgrade-insecure-requests`;
    await run(stackOf(desired(csp)));
    assert.equal((await viaCloudFront(url, '/')).headers['content-security-policy'], csp);
    await run(stackOf(desired()));
  });

  it('deleting waits while a distribution still holds it, and gives up with the cause if it never lets go', async () => {
    // The emulator deletes a policy in use; the proxy answers as CloudFront does (aws-behaviour/cloudfront-headers.ts).
    inUseProxy = await startFaultProxy(emulator.get().endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      behaviours: [responseHeadersPolicyInUse],
    });
    const through = () => emulatorClients(inUseProxy?.url ?? '');
    await assert.rejects(
      run(stackOf(desired()), 'destroy', { clients: through() }),
      /attached to one or more cache behaviors/,
    );
    assert.ok(await idOf(), 'still there: nothing else was deleted');

    const id = await idOf();
    let waits = 0;
    const down = await run(stackOf(desired()), 'destroy', {
      clients: through(),
      // While the delete waits, the distribution lets the policy go (its update or teardown deploying).
      sleep: async () => {
        waits++;
        if (waits === 2) await detach();
      },
    });
    assert.deepEqual(summary(down.changes), ['delete ']);
    assert.equal(waits, 2, 'refused twice while attached, deleted once released');
    assert.ok(down.notes.some((n) => /still attached to a distribution/.test(n)));
    assert.equal(await policyNamed(NAME), undefined);
    await assert.rejects(cf().send(new GetResponseHeadersPolicyCommand({ Id: id })), /NoSuchResponseHeadersPolicy/);
    assert.deepEqual(summary((await run(stackOf(desired()), 'destroy')).changes), [], 'gone: nothing left to do');
  });
});

describe('response-headers policy with lost answers', () => {
  let proxy: FaultProxy | undefined;
  after(async () => proxy?.close());
  const LOSE = [
    'cloudfront.CreateResponseHeadersPolicy',
    'cloudfront.UpdateResponseHeadersPolicy',
    'cloudfront.DeleteResponseHeadersPolicy',
  ];

  it('a create, update and delete whose answers are lost still end with one policy, then none', async () => {
    proxy = await startFaultProxy(emulator.get().endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      loseFirstAnswerOf: LOSE,
    });
    const through = () => emulatorClients(proxy?.url ?? '');
    const name = `${NAME}-lost`;
    await run(stackOf(desired(undefined, name)), 'apply', { clients: through() });
    assert.ok(await idOf(name), 'made once');
    const csp = `${STOREFRONT_CSP}; upgrade-insecure-requests`;
    await run(stackOf(desired(csp, name)), 'apply', { clients: through() });
    const got = await policyNamed(name);
    assert.equal(
      got?.ResponseHeadersPolicy?.ResponseHeadersPolicyConfig?.SecurityHeadersConfig?.ContentSecurityPolicy
        ?.ContentSecurityPolicy,
      csp,
    );
    await run(stackOf(desired(csp, name)), 'destroy', { clients: through() });
    assert.equal(await policyNamed(name), undefined);
    assert.deepEqual([...proxy.lostOnce].sort(), [...LOSE].sort(), 'each answer was lost once');
  });
});
