// What this stack tagged under names its configuration no longer gives (`table.name` and
// `website.bucketName` changed after an `up`, a function an earlier version made): `plan` lists the
// table and bucket as left behind and the function as a deletion, `plan --destroy` lists them all,
// `down` backs the old table up, deletes them with the rest and leaves nothing tagged with the
// stack's tags (read back with the Resource Groups Tagging API); `up` deletes such a function and
// keeps such a table.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListBackupsCommand } from '@aws-sdk/client-dynamodb';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { zip } from '../../src/build/zip.js';
import { stackTags } from '../../src/config/names.js';
import type { Change } from '../../src/engine/types.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

/** A function an earlier projet1 made (tagged as the stack's), which no configuration names now. */
const STRAY = 'projet1-serverless-development-retired-fn';
const OLD = { table: 'tagfind-old-catalog', bucket: 'tagfind-old-site-{accountId}' };
const NEW = { table: 'tagfind-new-catalog', bucket: 'tagfind-new-site-{accountId}' };
const TAGS = stackTags({ project: 'projet1-serverless', environment: 'development', region: 'eu-west-3' });
const config = (names: typeof OLD) => ({
  api: { edgeOnly: false },
  table: { name: names.table },
  website: { bucketName: names.bucket },
});

let stack: Deployed;
let account = '';
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, config(OLD));
  const seeded = await runCli(['products', 'seed', '--count', '3', '--seed', '5', '--endpoint-url', h.endpoint], {
    cwd: stack.dir,
  });
  if (seeded.code !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
  const outputs = await runCli(['outputs', 'bucket.site.name', '--endpoint-url', h.endpoint], { cwd: stack.dir });
  account = /(\d{12})/.exec(outputs.stdout)?.[1] ?? '';
  await createStray(h.endpoint);
  // The configuration now names other resources: the old ones are this stack's only by their tags.
  writeFileSync(join(stack.dir, 'projet1.config.json'), JSON.stringify(config(NEW)));
});
/** What an earlier projet1 made and no configuration names now: a function (tagged as the stack's). */
async function createStray(endpoint: string): Promise<void> {
  await emulatorClients(endpoint)
    .client(LambdaClient)
    .send(
      new CreateFunctionCommand({
        FunctionName: STRAY,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: `arn:aws:iam::${account}:role/projet1-serverless-development-get-products-euw3`,
        Code: { ZipFile: zip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => 1;') }]) },
        Tags: TAGS,
      }),
    );
}

const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const aws = (region = 'eu-west-3') => emulatorClients(emulator.get().endpoint, region);
const oldBucket = () => OLD.bucket.replace('{accountId}', account);

async function tableExists(name: string): Promise<boolean> {
  try {
    await aws()
      .client(DynamoDBClient)
      .send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') return false;
    throw err;
  }
}

async function bucketExists(name: string): Promise<boolean> {
  try {
    await aws()
      .client(S3Client)
      .send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

/** Every ARN tagged with the stack's tags, where the stack puts resources. */
async function tagged(): Promise<string[]> {
  const TagFilters = Object.entries(TAGS).map(([Key, v]) => ({ Key, Values: [v] }));
  const out: string[] = [];
  for (const region of ['eu-west-3', 'us-east-1']) {
    const res = await aws(region).client(ResourceGroupsTaggingAPIClient).send(new GetResourcesCommand({ TagFilters }));
    out.push(...(res.ResourceTagMappingList ?? []).map((m) => m.ResourceARN ?? ''));
  }
  return [...new Set(out)];
}

describe('resources this stack tagged under names the configuration no longer gives', () => {
  it('plan lists the table and bucket as left behind, with the command that removes them; the function as a deletion', async () => {
    assert.match(account, /^\d{12}$/);
    const arns = await tagged();
    assert.ok(
      arns.some((a) => a.endsWith(`:table/${OLD.table}`)),
      `tagged as the stack's:\n${arns.join('\n')}`,
    );
    assert.ok(arns.includes(`arn:aws:s3:::${oldBucket()}`), arns.join('\n'));
    const doc = (await cli('plan', '--json')).json<{ changes: Change[] }>();
    const left = doc.changes.filter((c) => c.foundByTag).map((c) => [c.type, c.name, c.action]);
    assert.deepEqual(
      left.sort(),
      [
        ['dynamodb-table', OLD.table, 'no-op'],
        ['lambda-function', STRAY, 'delete'],
        ['s3-bucket', oldBucket(), 'no-op'],
      ],
      'the table and bucket listed, the function (no data) deleted',
    );
    const text = await cli('plan');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Left behind: dynamodb-table ${OLD.table}: .*\`projet1 down\` deletes it`));
    assert.match(text.stdout, new RegExp(`Left behind: s3-bucket ${oldBucket()}: .*\`projet1 down\` deletes it`));
    assert.ok(await tableExists(OLD.table));
    assert.ok(await bucketExists(oldBucket()));
  });

  it('plan --destroy lists the old table and bucket for deletion', async () => {
    const doc = (await cli('plan', '--destroy', '--json')).json<{ changes: Change[] }>();
    const deletes = doc.changes.filter((c) => c.action === 'delete');
    for (const [type, name] of [
      ['dynamodb-table', OLD.table],
      ['s3-bucket', oldBucket()],
      ['s3-bucket-policy', `${oldBucket()} policy`],
      ['lambda-function', STRAY],
    ]) {
      const c = deletes.find((x) => x.type === type && x.name === name);
      assert.equal(c?.reason, 'found by tag, not in the configuration', `${type} ${name}`);
      assert.equal(c?.approval, 'deletes a resource');
    }
    assert.ok(!deletes.some((c) => c.name === NEW.table), 'the never-created table is not a deletion');
    const text = await cli('plan', '--destroy');
    assert.match(text.stdout, new RegExp(`${OLD.table} +found by tag, not in the configuration`));
  });

  it('down backs the old table up, deletes old and new, and leaves nothing tagged', async () => {
    const run = await cli('down', '--yes');
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const backup = new RegExp(`Backed up ${OLD.table} before deleting it: (arn:\\S+)`).exec(run.stderr);
    assert.ok(backup?.[1], run.stderr);
    const backups = await aws()
      .client(DynamoDBClient)
      .send(new ListBackupsCommand({ TableName: OLD.table }));
    assert.deepEqual(
      backups.BackupSummaries?.map((b) => b.BackupArn),
      [backup[1]],
    );
    assert.equal(await tableExists(OLD.table), false);
    assert.equal(await bucketExists(oldBucket()), false);
    await assert.rejects(
      aws()
        .client(LambdaClient)
        .send(new GetFunctionCommand({ FunctionName: STRAY })),
      { name: 'ResourceNotFoundException' },
    );
    // MiniStack 1.5.33 keeps a deleted distribution's tags in its tagging index (its CloudFront
    // DeleteDistribution leaves `_tags`): such an ARN must name a distribution that no longer exists.
    const left = await tagged();
    for (const arn of left.filter((a) => a.startsWith('arn:aws:cloudfront:'))) {
      const id = arn.split('/').at(-1) ?? '';
      const gone = aws('us-east-1')
        .client(CloudFrontClient)
        .send(new GetDistributionCommand({ Id: id }));
      await assert.rejects(gone, { name: 'NoSuchDistribution' }, arn);
    }
    assert.deepEqual(
      left.filter((a) => !a.startsWith('arn:aws:cloudfront:')),
      [],
    );
    const again = await cli('down', '--yes', '--json');
    assert.equal(again.code, 0, again.stderr);
  });

  it('up deletes a function left behind and keeps a table left behind, saying how to remove it', async () => {
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    await createStray(emulator.get().endpoint);
    const stray = 'tagfind-stray-catalog';
    await aws()
      .client(DynamoDBClient)
      .send(
        new CreateTableCommand({
          TableName: stray,
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
          Tags: Object.entries(TAGS).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    const again = await cli('up', '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`Left behind: dynamodb-table ${stray}: `));
    assert.ok(await tableExists(stray), 'a table is never deleted by up');
    await assert.rejects(
      aws()
        .client(LambdaClient)
        .send(new GetFunctionCommand({ FunctionName: STRAY })),
      { name: 'ResourceNotFoundException' },
    );
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await tableExists(stray), false, 'down deletes it');
  });
});
