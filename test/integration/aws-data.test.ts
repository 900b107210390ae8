// DynamoDB and S3 as AWS settles them, through the fault proxy's behaviours: a new table and its
// index CREATING for seconds, continuous backups unavailable for a while after ACTIVE, an index
// added later CREATING on an ACTIVE table, a new bucket answering NoSuchBucket to its settings, and
// a bucket name another account owns. A first `up` completes with no second run; a taken name is
// refused up front, naming the setting, with nothing created.
import assert from 'node:assert/strict';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { GetBucketPolicyCommand, GetBucketVersioningCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { after, describe, it } from 'node:test';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { DYNAMODB_BEHAVIOURS } from '../helpers/aws-behaviour/dynamodb.js';
import { newBucketNotVisible, ownedByAnotherAccount } from '../helpers/aws-behaviour/s3.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { DOWN_INVENTORY, inventory, UP_INVENTORY } from '../helpers/inventory.js';

// AWS's durations at a tenth: a table CREATING for 1 s, backups unavailable 3 s more, a new bucket 0.4 s.
const SCALE = 0.1;
const TAKEN = 'taken-by-another-account';
let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(
      handle.endpoint,
      awsLike(SCALE, {
        // CloudFront is not under test here: its InProgress at a fiftieth, as the other profile tests.
        cloudfrontMs: Math.round(180_000 * 0.02),
        behaviours: [...DYNAMODB_BEHAVIOURS, newBucketNotVisible, ownedByAnotherAccount(new Set([TAKEN]))],
      }),
    );
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const injected = (kind: string) => proxy?.injected.get(kind) ?? 0;
const direct = () => emulatorClients(emulator.get().endpoint);
const cliIn =
  (dir: string) =>
  (...args: string[]) =>
    runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir });

describe('DynamoDB and S3 right after their creates', () => {
  const cli = cliIn(projectDir({ project: 'settling', table: { name: 'settling-table' } }));

  it('a first up completes: it waits for the table, for its backups and for the new buckets', async () => {
    const up = await cli('up', '--yes', '--verbose');
    assert.equal(up.code, 0, up.stderr);
    assert.ok(injected('dynamodb-creating') > 0, 'the table was CREATING for a while');
    assert.ok(injected('dynamodb-backups-unavailable') > 0, 'backups were unavailable after ACTIVE');
    assert.ok(injected('s3-new-bucket-not-visible') > 0, 'new buckets answered NoSuchBucket');
    assert.match(up.stderr, /continuous backups are not yet available/);
    assert.match(up.stderr, /was just created and S3 does not show it everywhere yet/);
    assert.deepEqual(await inventory(direct(), 'settling'), UP_INVENTORY);
    const pitr = await direct()
      .client(DynamoDBClient)
      .send(new DescribeContinuousBackupsCommand({ TableName: 'settling-table' }));
    assert.equal(
      pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      'ENABLED',
    );
    const s3 = direct().client(S3Client);
    const buckets = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? [])
      .map((b) => b.Name ?? '')
      .filter((n) => n.startsWith('settling-'));
    assert.equal(buckets.length, 2, buckets.join(', '));
    for (const Bucket of buckets) assert.ok((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy);
    const site = buckets.find((n) => n.includes('-site-')) ?? '';
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: site }))).Status, 'Enabled');
    const plan = await cli('plan', '--exit-code');
    assert.equal(plan.code, 0, plan.stdout);
  });

  it('an index added to the table is ACTIVE before up returns', async () => {
    const ddb = direct().client(DynamoDBClient);
    const before = (await ddb.send(new DescribeTableCommand({ TableName: 'settling-table' }))).Table;
    const index = before?.GlobalSecondaryIndexes?.[0]?.IndexName ?? '';
    await ddb.send(
      new UpdateTableCommand({
        TableName: 'settling-table',
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index } }],
      }),
    );
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.ok(injected('dynamodb-index-backfilling') > 0, 'the new index was backfilling');
    // Read through the proxy, as AWS would answer right after `up`.
    const now = await emulatorClients(proxy?.url ?? '')
      .client(DynamoDBClient)
      .send(new DescribeTableCommand({ TableName: 'settling-table' }));
    const added = now.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index);
    assert.equal(added?.IndexStatus, 'ACTIVE');
  });

  it('down removes it all', async () => {
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await inventory(direct(), 'settling'), DOWN_INVENTORY);
  });
});

describe('a bucket name owned by another AWS account', () => {
  const cli = cliIn(projectDir({ project: 'taken', website: { bucketName: TAKEN } }));

  it('plan shows the conflict: whose name it is, which setting, the way out', async () => {
    const plan = await cli('plan', '--json');
    assert.equal(plan.code, 0, plan.stderr);
    const changes = plan.json<{ changes: { name: string; action: string; reason?: string }[] }>().changes;
    const site = changes.find((c) => c.name === TAKEN);
    assert.equal(site?.action, 'conflict');
    assert.match(site?.reason ?? '', /owned by another AWS account/);
    assert.match(site?.reason ?? '', /"website\.bucketName"/);
    assert.match(site?.reason ?? '', /\{accountId\}/);
    assert.equal(changes.filter((c) => c.action === 'conflict').length, 1, 'only the taken bucket is refused');
    const text = await cli('plan');
    assert.match(text.stdout, /owned by another AWS account/);
    assert.doesNotMatch(`${text.stdout}${text.stderr}`, /lack a permission|Access denied/);
  });

  it('up refuses with exit 4 and creates nothing', async () => {
    const up = await cli('up', '--yes');
    assert.equal(up.code, 4, up.stderr);
    assert.match(up.stderr, /taken-by-another-account is owned by another AWS account/);
    assert.match(up.stderr, /website\.bucketName/);
    assert.deepEqual(await inventory(direct(), 'taken'), DOWN_INVENTORY);
    const buckets = ((await direct().client(S3Client).send(new ListBucketsCommand({}))).Buckets ?? []).filter((b) =>
      (b.Name ?? '').startsWith('taken-'),
    );
    assert.deepEqual(buckets, []);
  });
});
