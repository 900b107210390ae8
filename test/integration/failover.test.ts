// regions.secondary at the edge and `projet1 failover`: the site in both regions behind an origin group,
// the API origin of the active region, the failover there and back (reads and writes through the
// distribution reaching the secondary's replica), the refusal of a target whose replica is not ACTIVE
// (played by the fault proxy: MiniStack's replicas are ACTIVE at once), `up` keeping the active region,
// and the drill putting everything back.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
} from '@aws-sdk/client-cloudfront';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetBucketPolicyCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Change } from '../../src/engine/types.js';
import { spawn } from 'node:child_process';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { FAILOVER_SWITCHES } from '../helpers/aws-behaviour/failover.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { viaCloudFront } from '../helpers/site.js';

const PRIMARY = 'eu-west-3';
const SECONDARY = 'eu-central-1';
const PROJECT = 'fover';
const TABLE = 'fover-products';

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, awsLike(0.01));
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const aws = (region: string) => emulatorClients(emulator.get().endpoint, region);
const config = { table: { name: TABLE, deletionProtection: false }, regions: { secondary: SECONDARY } };
const dir = projectDir({ project: PROJECT, ...config });
const cli = (...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};

async function distribution() {
  const cf = aws(PRIMARY).client(CloudFrontClient);
  const list = await cf.send(new ListDistributionsCommand({}));
  const d = list.DistributionList?.Items?.find((i) => i.Comment === `projet1 ${PROJECT}/development ${PRIMARY}`);
  assert.ok(d?.Id && d.ARN, 'the distribution exists');
  const c = (await cf.send(new GetDistributionConfigCommand({ Id: d.Id }))).DistributionConfig;
  const tags = (await cf.send(new ListTagsForResourceCommand({ Resource: d.ARN }))).Tags?.Items ?? [];
  const origin = (id: string) => c?.Origins?.Items?.find((o) => o.Id === id);
  return {
    config: c,
    site: `http://${(d.DomainName ?? '').split('.')[0]}.cloudfront.localhost:${new URL(emulator.get().endpoint).port}`,
    active: tags.find((t) => t.Key === 'projet1:active-region')?.Value,
    apiPath: origin('api')?.OriginPath ?? '',
    bucket: origin('site-bucket')?.DomainName ?? '',
    failoverBucket: origin('site-bucket-failover')?.DomainName ?? '',
  };
}

/** Each region's REST API id, from `up`'s outputs. */
let apiIds = { primary: '', secondary: '' };
let token = '';
const idOf = (url: string) => url.split('/restapis/')[1]?.split('/')[0] ?? '';

describe('the edge in two regions', () => {
  it('up makes the site bucket in the second region and the origin group, the API origin the primary', async () => {
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const out = up.json<{ outputs: Record<string, string>; changes: Change[] }>().outputs;
    apiIds = { primary: idOf(out.apiUrl ?? ''), secondary: idOf(out['secondary.stage.url'] ?? '') };
    assert.notEqual(apiIds.secondary, '');
    const d = await distribution();
    const group = d.config?.OriginGroups?.Items?.[0];
    assert.deepEqual(
      group?.Members?.Items?.map((m) => m.OriginId),
      ['site-bucket', 'site-bucket-failover'],
    );
    assert.deepEqual(group?.FailoverCriteria?.StatusCodes?.Items, [403, 404, 500, 502, 503, 504]);
    // MiniStack's data plane cannot serve a group: the site's behaviour names the active bucket there.
    assert.equal(d.config?.DefaultCacheBehavior?.TargetOriginId, 'site-bucket');
    assert.match(d.bucket, new RegExp(`\\.s3\\.${PRIMARY}\\.`));
    assert.match(d.failoverBucket, new RegExp(`\\.s3\\.${SECONDARY}\\.`));
    assert.match(d.apiPath, new RegExp(`/restapis/${apiIds.primary}/`));
    const second = d.failoverBucket.split('.s3.')[0] ?? '';
    const policy = await aws(SECONDARY)
      .client(S3Client)
      .send(new GetBucketPolicyCommand({ Bucket: second }));
    assert.match(policy.Policy ?? '', /AllowCloudFrontOAC/);
    token = (await cli('admin-token', 'show')).stdout.trim();
  });

  it('deploy-website publishes to both buckets; the site answers', async () => {
    const dep = await cli('deploy-website');
    assert.equal(dep.code, 0, dep.stderr);
    const d = await distribution();
    for (const [region, domain] of [
      [PRIMARY, d.bucket],
      [SECONDARY, d.failoverBucket],
    ] as const) {
      const bucket = domain.split('.s3.')[0] ?? '';
      const objects = await aws(region)
        .client(S3Client)
        .send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.ok(
        objects.Contents?.some((o) => o.Key === 'index.html'),
        `index.html in ${region}`,
      );
    }
    assert.equal((await viaCloudFront(d.site, '/')).status, 200);
  });

  it('on MiniStack a behaviour targeting the group answers 502 (why it targets the bucket there); up repairs it', async () => {
    const cf = aws(PRIMARY).client(CloudFrontClient);
    const list = await cf.send(new ListDistributionsCommand({}));
    const id = list.DistributionList?.Items?.find((i) => i.Comment?.startsWith(`projet1 ${PROJECT}/`))?.Id ?? '';
    const got = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    const c = got.DistributionConfig;
    assert.ok(c?.DefaultCacheBehavior);
    c.DefaultCacheBehavior.TargetOriginId = 'site';
    await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: got.ETag, DistributionConfig: c }));
    assert.equal((await viaCloudFront((await distribution()).site, '/')).status, 502);
    const plan = await cli('plan', '--json');
    const change = plan.json<{ changes: Change[] }>().changes.find((x) => x.id === 'distribution');
    assert.ok(
      change?.fields.some((f) => f.field === 'siteFailover'),
      plan.stdout,
    );
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal((await viaCloudFront((await distribution()).site, '/')).status, 200);
  });
});

describe('projet1 failover', () => {
  it('refuses a target whose replica is not ACTIVE (exit 2), showing the replication status', async () => {
    FAILOVER_SWITCHES.replica.on = true;
    FAILOVER_SWITCHES.replica.region = SECONDARY;
    try {
      const r = await cli('failover', '--to', SECONDARY);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Refusing to fail over to eu-central-1: its table is CREATING, not ACTIVE/);
      assert.match(r.stderr, /replication lag: unknown \(no ReplicationLatency datapoint/);
    } finally {
      FAILOVER_SWITCHES.replica.on = false;
    }
    assert.match((await distribution()).apiPath, new RegExp(`/restapis/${apiIds.primary}/`));
  });

  it('--to: reads and writes through the distribution reach the secondary; the site is still served', async () => {
    const r = await cli('failover', '--to', SECONDARY, '--json');
    assert.equal(r.code, 0, r.stderr);
    const doc = r.json<{ from: string; to: string; changed: boolean; ms: number }>();
    assert.deepEqual([doc.from, doc.to, doc.changed], [PRIMARY, SECONDARY, true]);
    const d = await distribution();
    assert.equal(d.active, SECONDARY);
    assert.match(d.apiPath, new RegExp(`/restapis/${apiIds.secondary}/`));
    assert.match(d.bucket, new RegExp(`\\.s3\\.${SECONDARY}\\.`));
    assert.equal((await viaCloudFront(d.site, '/')).status, 200);
    const made = await viaCloudFront(d.site, '/products', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Kettle', category: 'kitchen', price: 20, stock: 2 }),
    });
    assert.equal(made.status, 201, made.text);
    const id = String((JSON.parse(made.text) as { product_id: string }).product_id);
    const item = await aws(SECONDARY)
      .client(DynamoDBClient)
      .send(new GetItemCommand({ TableName: TABLE, Key: { product_id: { S: id } } }));
    assert.equal(item.Item?.name?.S, 'Kettle');
    assert.equal((await viaCloudFront(d.site, `/products/${id}`)).status, 200);
  });

  it('up after a failover keeps the secondary served', async () => {
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const ops = up.json<{ awsCalls: { mutatingOperations: string[] } }>().awsCalls.mutatingOperations;
    assert.ok(!ops.includes('UpdateDistribution'), ops.join(', '));
    const d = await distribution();
    assert.match(d.apiPath, new RegExp(`/restapis/${apiIds.secondary}/`));
    const status = await cli('status', '--json');
    assert.equal(status.json<{ regions: { primary: string } }>().regions.primary, SECONDARY, status.stdout);
    const again = await cli('failover', '--to', SECONDARY, '--json');
    assert.equal(again.json<{ changed: boolean }>().changed, false);
  });

  it('--back serves the primary again', async () => {
    const r = await cli('failover', '--back');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Failed over from eu-central-1 to eu-west-3 in \d+\.\d s/);
    const d = await distribution();
    assert.equal(d.active, PRIMARY);
    assert.match(d.apiPath, new RegExp(`/restapis/${apiIds.primary}/`));
  });

  it('--drill prints RTO and RPO and leaves everything as before', async (t) => {
    const r = await cli('failover', '--drill');
    assert.equal(r.code, 0, r.stderr);
    t.diagnostic(r.stdout);
    assert.match(r.stdout, /RTO measured: \d+\.\d s/);
    assert.match(r.stdout, /RPO measured: none \(3 writes acknowledged before the failure, 0 missing/);
    assert.match(r.stdout, /Service outage \(auto-failover\): target RTO < 1 min, RPO none/);
    const d = await distribution();
    assert.equal(d.active, PRIMARY);
    assert.match(d.apiPath, new RegExp(`/restapis/${apiIds.primary}/`));
    const got = await aws(PRIMARY)
      .client(LambdaClient)
      .send(new GetFunctionConcurrencyCommand({ FunctionName: `${PROJECT}-development-get-products` }));
    assert.equal(got.ReservedConcurrentExecutions, undefined);
  });

  it('--drill stopped by Ctrl-C puts everything back (exit 130)', async () => {
    if (!proxy) throw new Error('no proxy');
    const child = spawn(process.execPath, [BIN, 'failover', '--drill', '--endpoint-url', proxy.url], {
      cwd: dir,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalled && /throttled to zero/.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.ok(signalled, stderr);
    assert.equal(code, 130, stderr);
    assert.match(stderr, /putting back/);
    const d = await distribution();
    assert.match(d.apiPath, new RegExp(`/restapis/${apiIds.primary}/`));
    const got = await aws(PRIMARY)
      .client(LambdaClient)
      .send(new GetFunctionConcurrencyCommand({ FunctionName: `${PROJECT}-development-create-product` }));
    assert.equal(got.ReservedConcurrentExecutions, undefined);
  });

  it('--drill refuses a production environment (exit 2) and --to an unknown region', async () => {
    const prod = projectDir({ project: PROJECT, ...config, production: true });
    const r = await runCli(['failover', '--drill', '--endpoint-url', emulator.get().endpoint], { cwd: prod });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /production environment/);
    const bad = await cli('failover', '--to', 'us-west-2');
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /us-west-2 is not a region of this stack/);
  });

  it('down removes both site buckets', async () => {
    const d = await distribution();
    const r = await cli('down', '--yes');
    assert.equal(r.code, 0, r.stderr);
    const second = d.failoverBucket.split('.s3.')[0] ?? '';
    await assert.rejects(
      aws(SECONDARY)
        .client(S3Client)
        .send(new ListObjectsV2Command({ Bucket: second })),
    );
  });
});
