// The web tier on the emulator: buckets and distribution as configured (read back with the
// SDK), drift planned and repaired, deploy-website's incremental uploads and invalidations,
// the site served through the emulator's CloudFront, and a teardown that leaves nothing.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  GetInvalidationCommand,
  ListDistributionsCommand,
  ListInvalidationsCommand,
  ListOriginAccessControlsCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import {
  DeleteBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Change } from '../../src/engine/types.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { viaCloudFront } from '../helpers/site.js';

// The default names: unique to the account (the emulator's is 000000000000) and region.
const SITE = 'projet1-serverless-development-site-000000000000-euw3';
const LOGS = 'projet1-serverless-development-logs-000000000000-euw3';
let stack: Deployed;
let outputs: Record<string, string> = {};
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint);
  outputs = (await runCli(['outputs', '--json', '--endpoint-url', h.endpoint], { cwd: stack.dir })).json<{
    outputs: Record<string, string>;
  }>().outputs;
});
const aws = () => emulatorClients(emulator.get().endpoint);
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const changed = (changes: Change[]) =>
  changes
    .filter((c) => c.action !== 'no-op')
    .map((c) => `${c.action} ${c.id} [${c.fields.map((f) => f.field).join(',')}]`);
const distributionId = () => outputs['distribution.id'] ?? '';
/** An out-of-band change to the distribution, as someone using the console would make it. */
async function changeDistribution(patch: Record<string, unknown>): Promise<void> {
  const cf = aws().client(CloudFrontClient);
  const current = await cf.send(new GetDistributionConfigCommand({ Id: distributionId() }));
  const DistributionConfig = { ...current.DistributionConfig, ...patch } as never;
  await cf.send(new UpdateDistributionCommand({ Id: distributionId(), IfMatch: current.ETag, DistributionConfig }));
}

describe('web tier resources', () => {
  it('the buckets are configured as the design document says', async () => {
    const s3 = aws().client(S3Client);
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: SITE }))).Status, 'Enabled');
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: SITE }));
    assert.equal(
      enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
      'AES256',
    );
    const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: SITE }));
    assert.deepEqual(logging.LoggingEnabled, { TargetBucket: LOGS, TargetPrefix: 'logs/' });
    const block = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: SITE }))).PublicAccessBlockConfiguration;
    assert.deepEqual(block, {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const siteLife = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: SITE }));
    assert.equal(siteLife.Rules?.[0]?.NoncurrentVersionExpiration?.NoncurrentDays, 30);
    const logLife = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: LOGS }));
    assert.equal(logLife.Rules?.[0]?.Expiration?.Days, 90);

    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: SITE }))).Policy ?? '{}') as {
      Statement: { Sid: string; Effect: string; Condition?: Record<string, Record<string, string>> }[];
    };
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    assert.equal(bySid.AllowCloudFrontOAC?.Condition?.StringEquals?.['AWS:SourceArn'], outputs['distribution.arn']);
    assert.equal(bySid.DenyInsecureTransport?.Effect, 'Deny');
    assert.equal(bySid.DenyInsecureTransport?.Condition?.Bool?.['aws:SecureTransport'], 'false');
    assert.equal(bySid.PublicRead, undefined, 'no public read by default');
  });

  it('the distribution serves the bucket through OAC and the API on the same origin', async () => {
    const cf = aws().client(CloudFrontClient);
    const c = (await cf.send(new GetDistributionConfigCommand({ Id: distributionId() }))).DistributionConfig;
    const oacs = (await cf.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items ?? [];
    const oac = oacs.find((o) => o.Name === 'projet1-serverless-development-eu-west-3-site');
    assert.ok(oac?.Id);
    const s3Origin = c?.Origins?.Items?.find((o) => o.Id === 'site-bucket');
    assert.equal(s3Origin?.OriginAccessControlId, oac.Id);
    assert.equal(s3Origin?.DomainName, `${SITE}.s3.eu-west-3.amazonaws.com`);
    assert.equal(c?.DefaultRootObject, 'index.html');
    assert.deepEqual(
      c?.CustomErrorResponses?.Items?.map((e) => [e.ErrorCode, e.ResponsePagePath, e.ResponseCode]),
      [[403, '/error.html', '404']],
    );
    const d = c?.DefaultCacheBehavior;
    assert.deepEqual(
      [d?.MinTTL, d?.DefaultTTL, d?.MaxTTL, d?.Compress, d?.ViewerProtocolPolicy],
      [0, 3600, 86400, true, 'redirect-to-https'],
    );
    const apiPaths = c?.CacheBehaviors?.Items?.map((b) => [
      b.PathPattern,
      b.TargetOriginId,
      b.DefaultTTL,
      b.AllowedMethods?.Quantity,
    ]);
    assert.deepEqual(apiPaths, [
      ['/products', 'api', 0, 7],
      ['/products/*', 'api', 0, 7],
    ]);
    assert.equal(c?.PriceClass, 'PriceClass_100');
  });

  it('drift in bucket and distribution settings is planned and repaired', async () => {
    const s3 = aws().client(S3Client);
    await s3.send(new PutBucketVersioningCommand({ Bucket: SITE, VersioningConfiguration: { Status: 'Suspended' } }));
    await s3.send(new DeleteBucketCorsCommand({ Bucket: SITE }));
    await changeDistribution({ DefaultRootObject: 'home.html', PriceClass: 'PriceClass_All' });
    const plan = await cli('plan', '--json');
    assert.deepEqual(changed(plan.json<{ changes: Change[] }>().changes), [
      'update bucket:site [versioning,cors]',
      'update distribution [defaultRootObject,priceClass]',
    ]);
    const up = await cli('up', '--json');
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.equal((await cli('plan', '--exit-code')).code, 0, 'repaired');
  });
});

describe('the public-read variant', () => {
  it('relaxes the public access block just enough and adds a public read statement', async () => {
    const { writeFileSync: write } = await import('node:fs');
    write(join(stack.dir, 'public.json'), JSON.stringify({ api: { edgeOnly: false }, website: { publicRead: true } }));
    const plan = await cli('plan', '--json', '--config', join(stack.dir, 'public.json'));
    const changes = plan.json<{ changes: Change[] }>().changes.filter((c) => c.action !== 'no-op');
    assert.deepEqual(changed(changes), [
      'update bucket:site [publicAccessBlock]',
      'update bucket-policy:site [policy]',
    ]);
    const block = changes[0]?.fields[0]?.to as Record<string, boolean>;
    assert.deepEqual(block, {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: false,
    });
    assert.match(
      JSON.stringify(changes[1]?.fields[0]?.to),
      /"Sid":"PublicRead","Effect":"Allow","Principal":"\*","Action":"s3:GetObject"/,
    );
    assert.equal(changes[1]?.approval, 'changes permissions (policy)', 'a wider policy needs approval');
  });
});

describe('deploy-website', () => {
  const site = mkdtempSync(join(tmpdir(), 'projet1-site-'));
  cpSync(join(PACKAGE_ROOT, 'website'), site, { recursive: true });

  it('before the first publish, up and status say the site bucket is empty and which command fills it', async () => {
    const up = await cli('up');
    assert.equal(up.code, 0, up.stderr);
    const cause = `The site bucket ${SITE} is empty, so the website answers 403: publish it with \`projet1 deploy-website\`.`;
    assert.ok(up.stderr.includes(`Warning: ${cause}`), up.stderr);
    const status = await cli('status');
    assert.equal(status.code, 2);
    const verdict = status.stderr.split('\n')[1] ?? '';
    assert.match(verdict, /^Needs attention: /);
    assert.ok(
      verdict.includes(`the site bucket ${SITE} is empty (the website answers 403): run \`projet1 deploy-website\``),
      verdict,
    );
    assert.doesNotMatch(verdict, /not answering/, 'the cause, not the symptom');
    const doc = (await cli('status', '--json')).json<{ siteEmpty: boolean; healthy: boolean }>();
    assert.deepEqual([doc.siteEmpty, doc.healthy], [true, false]);
  });

  it('uploads everything once, then nothing; the page is served through CloudFront', async () => {
    const first = await cli('deploy-website', '--dir', site, '--json');
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const a = first.json<{ uploaded: string[]; unchanged: number; websiteUrl: string }>();
    assert.deepEqual(a.uploaded, [
      'admin.js',
      'app.js',
      'auth.js',
      'config.json',
      'error.html',
      'index.html',
      'styles.css',
    ]);
    assert.equal(a.websiteUrl, outputs.websiteUrl);
    const second = (await cli('deploy-website', '--dir', site, '--json')).json<{
      uploaded: string[];
      invalidated: string[];
      unchanged: number;
    }>();
    assert.deepEqual([second.uploaded, second.invalidated, second.unchanged], [[], [], 7]);

    const head = await aws()
      .client(S3Client)
      .send(new HeadObjectCommand({ Bucket: SITE, Key: 'index.html' }));
    assert.deepEqual([head.ContentType, head.CacheControl], ['text/html; charset=utf-8', 'no-cache']);
    const home = await viaCloudFront(a.websiteUrl, '/');
    assert.equal(home.status, 200);
    assert.match(home.text, /<title>Product catalog<\/title>/);
    const config = JSON.parse((await viaCloudFront(a.websiteUrl, '/config.json')).text) as { apiBase: string };
    assert.equal(config.apiBase, '', 'the API is on the same origin');
    assert.equal(
      (await viaCloudFront(a.websiteUrl, '/products?limit=1')).status,
      200,
      'the API through the distribution',
    );
    const unknown = await viaCloudFront(a.websiteUrl, '/products/no-such-id');
    assert.equal(unknown.status, 404);
    assert.equal((JSON.parse(unknown.text) as { error: string }).error, 'not_found', 'API errors pass as JSON');
    const refused = await viaCloudFront(a.websiteUrl, '/products', {
      method: 'POST',
      headers: { Authorization: 'Bearer not-the-admin-token-at-all', 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(refused.status, 401);
    assert.equal((JSON.parse(refused.text) as { error: string }).error, 'invalid_token');
    const missing = await viaCloudFront(a.websiteUrl, '/no-such-page');
    assert.equal(missing.status, 404);
    assert.match(missing.text, /This page does not exist/);
    const plain = await viaCloudFront(a.websiteUrl, '/', { https: false });
    assert.equal(plain.status, 301, 'plain HTTP is redirected to HTTPS');
    const status = await cli('status', '--json');
    assert.equal(status.json<{ siteEmpty: boolean }>().siteEmpty, false);
    assert.doesNotMatch((await cli('up')).stderr, /site bucket/, 'a published site: up says nothing of it');
  });

  it('uploads a changed file and invalidates exactly its path; deletes a removed file', async () => {
    writeFileSync(join(site, 'styles.css'), 'body { color: black; }\n');
    rmSync(join(site, 'error.html'));
    const dry = (await cli('deploy-website', '--dir', site, '--dry-run', '--json')).json<{
      uploaded: string[];
      deleted: string[];
    }>();
    assert.deepEqual([dry.uploaded, dry.deleted], [['styles.css'], ['error.html']]);
    const invalidations = async () =>
      (
        await aws()
          .client(CloudFrontClient)
          .send(new ListInvalidationsCommand({ DistributionId: distributionId() }))
      ).InvalidationList?.Items ?? [];
    const before = new Set((await invalidations()).map((x) => x.Id));
    const run = (await cli('deploy-website', '--dir', site, '--json')).json<{
      uploaded: string[];
      deleted: string[];
      invalidated: string[];
    }>();
    assert.deepEqual(
      [run.uploaded, run.deleted, run.invalidated],
      [['styles.css'], ['error.html'], ['/styles.css', '/error.html']],
    );
    const added = (await invalidations()).filter((x) => !before.has(x.Id));
    assert.equal(added.length, 1, 'one invalidation');
    const inv = await aws()
      .client(CloudFrontClient)
      .send(new GetInvalidationCommand({ DistributionId: distributionId(), Id: added[0]?.Id ?? '' }));
    assert.deepEqual([...(inv.Invalidation?.InvalidationBatch?.Paths?.Items ?? [])].sort(), [
      '/error.html',
      '/styles.css',
    ]);
    assert.equal((await viaCloudFront(outputs.websiteUrl ?? '', '/styles.css')).text, 'body { color: black; }\n');
  });

  it('refuses clearly when the stack is not up', async () => {
    const run = await runCli(['deploy-website', '--environment', 'qa', '--endpoint-url', emulator.get().endpoint], {
      cwd: stack.dir,
    });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /The website of projet1-serverless\/qa is not deployed\.\nHint: Run `projet1 up` first/);
  });
});

describe('teardown', () => {
  it('a down interrupted after disabling the distribution is finished by the next down; buckets go with every version', async () => {
    // What a down killed during the wait leaves: the distribution disabled, everything else in place.
    await changeDistribution({ Enabled: false });
    const cf = aws().client(CloudFrontClient);
    const versions = await aws()
      .client(S3Client)
      .send(new ListObjectVersionsCommand({ Bucket: SITE }));
    assert.ok(
      (versions.Versions?.length ?? 0) + (versions.DeleteMarkers?.length ?? 0) > 6,
      'several versions and a delete marker',
    );
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    const buckets = (await aws().client(S3Client).send(new ListBucketsCommand({}))).Buckets ?? [];
    assert.deepEqual(
      buckets.filter((b) => b.Name?.startsWith('projet1-serverless-development-')),
      [],
    );
    const dists = (await cf.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [];
    assert.deepEqual(dists, []);
    const oacs = (await cf.send(new ListOriginAccessControlsCommand({}))).OriginAccessControlList?.Items ?? [];
    assert.deepEqual(oacs, []);
  });
});
