// `projet1 failover --to <secondary>` while the stack's whole region does not answer (issue 20): the
// fault proxy answers 503 to every call signed for the primary (test/helpers/aws-behaviour/region-outage.ts),
// CloudFront (global) keeps answering. The session's first call and the lock cannot go to the primary; the
// failover must still switch the distribution to the secondary, whose API then answers reads through it.
// Only `--to` gets this: `--back` (to the region that is down) still fails.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CloudFrontClient, GetDistributionConfigCommand, ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { REGION_OUTAGE } from '../helpers/aws-behaviour/region-outage.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { viaCloudFront } from '../helpers/site.js';

const PRIMARY = 'eu-west-3';
const SECONDARY = 'eu-central-1';
const PROJECT = 'outage';
const TABLE = 'outage-products';

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, awsLike(0.01));
  },
  { ownProxy: true },
);
after(async () => {
  REGION_OUTAGE.region = '';
  await proxy?.close();
});
const aws = (region: string) => emulatorClients(emulator.get().endpoint, region);
// Short bounds keep the played outage's retries brief (requestTimeoutSeconds bounds each attempt).
const dir = projectDir({
  project: PROJECT,
  region: PRIMARY,
  table: { name: TABLE, deletionProtection: false },
  regions: { secondary: SECONDARY },
  aws: { connectTimeoutSeconds: 2, requestTimeoutSeconds: 5 },
});
const cli = (...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};

async function distribution() {
  const cf = aws(PRIMARY).client(CloudFrontClient);
  const list = await cf.send(new ListDistributionsCommand({}));
  const d = list.DistributionList?.Items?.find((i) => i.Comment === `projet1 ${PROJECT}/development ${PRIMARY}`);
  assert.ok(d?.Id, 'the distribution exists');
  const c = (await cf.send(new GetDistributionConfigCommand({ Id: d.Id }))).DistributionConfig;
  return {
    site: `http://${(d.DomainName ?? '').split('.')[0]}.cloudfront.localhost:${new URL(emulator.get().endpoint).port}`,
    apiPath: c?.Origins?.Items?.find((o) => o.Id === 'api')?.OriginPath ?? '',
    bucket: c?.Origins?.Items?.find((o) => o.Id === 'site-bucket')?.DomainName ?? '',
  };
}

const idOf = (url: string) => url.split('/restapis/')[1]?.split('/')[0] ?? '';

describe('failover while the primary region does not answer', () => {
  let secondaryApi = '';

  it('up makes both regions', async () => {
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    secondaryApi = idOf(up.json<{ outputs: Record<string, string> }>().outputs['secondary.stage.url'] ?? '');
    assert.notEqual(secondaryApi, '');
  });

  it('--to the secondary exits 0 without the primary; reads through the distribution reach the secondary', async () => {
    REGION_OUTAGE.region = PRIMARY;
    try {
      const r = await cli('failover', '--to', SECONDARY);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /eu-west-3 did not answer STS \(.*503.*\): asked eu-central-1 instead/);
      assert.match(r.stderr, /did not answer for the stack lock .*: failing over to eu-central-1 without it/);
      assert.match(r.stdout, /Failed over from eu-west-3 to eu-central-1 in \d+\.\d s/);
      // The lag is read in the region served now, the one down: unknown, not a failure.
      assert.match(r.stdout, /replication lag: unknown \(eu-west-3 did not answer/);
      assert.ok((proxy?.injected.get('region-down') ?? 0) > 0, 'the outage was played');
      // `--back` and other commands still need the stack's region.
      const back = await cli('failover', '--back');
      assert.equal(back.code, 1, back.stderr);
      assert.match(
        back.stderr,
        /STS in eu-west-3 answered HTTP 503 \(\w+\) after retries: AWS is having trouble there\./,
      );
      assert.doesNotMatch(back.stderr, /Internal error|bug in projet1/, "AWS's 5xx is not our bug");
    } finally {
      REGION_OUTAGE.region = '';
    }
    const d = await distribution();
    assert.match(d.apiPath, new RegExp(`/restapis/${secondaryApi}/`));
    assert.match(d.bucket, new RegExp(`\\.s3\\.${SECONDARY}\\.`));
    // An item written in the secondary's table: read through the edge, it comes from the secondary's API.
    await aws(SECONDARY)
      .client(DynamoDBClient)
      .send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            product_id: { S: 'only-in-secondary' },
            name: { S: 'Lantern' },
            category: { S: 'outdoor' },
            price: { N: '12' },
            stock: { N: '1' },
          },
        }),
      );
    const got = await viaCloudFront(d.site, '/products/only-in-secondary');
    assert.equal(got.status, 200, got.text);
    assert.match(got.text, /Lantern/);
  });
});
