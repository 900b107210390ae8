// Runs killed at the one point where a resource of the stack exists without the stack's tags: S3
// takes a general purpose bucket's tags in a second call (PutBucketTagging) after CreateBucket. The
// fault proxy kills the CLI (SIGKILL: no cleanup) when that call arrives, so the bucket is made and
// never tagged. The next `up` adopts and finishes it, or `down` removes it; a bucket of our name that
// holds objects or carries someone else's tags is still refused. Likewise `restore` after a `down`:
// RestoreTableFromBackup takes no tags, TagResource follows. Every other resource of the stack takes
// its tags in its create call (CreateRole, CreateFunction, CreateTable, CreateLogGroup,
// PutParameter, CreateTopic, PutMetricAlarm, CreateRestApi, CreateStage, CreateDistributionWithTags).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Change } from '../../src/engine/types.js';
import { restoreSummaryInDescribeTable } from '../helpers/aws-behaviour/dynamodb-restore.js';
import type { Behaviour, RawRequest } from '../helpers/aws-behaviour/types.js';
import type { Call } from '../helpers/aws-call.js';
import { awsError } from '../helpers/aws-reply.js';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { only } from '../helpers/held-call.js';

/** The run to kill and the call to kill it at. */
let victim: { pid: number; at: (call: Call, req: RawRequest) => boolean } | undefined;
let killed = 0;

const killAtCall: Behaviour = {
  kind: 'run-killed',
  source: 'not AWS: a run killed (SIGKILL, a lost machine) after its create was answered, before its next call',
  before(call, req) {
    if (!victim?.at(call, req)) return undefined;
    process.kill(victim.pid, 'SIGKILL');
    victim = undefined;
    killed++;
    return awsError(call, 503, 'ServiceUnavailable', 'the caller was killed');
  },
};

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, only([killAtCall, restoreSummaryInDescribeTable]));
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});

const endpoint = () => emulator.get().endpoint;
const s3 = () => emulatorClients(endpoint()).client(S3Client);
const cli = (dir: string, ...args: string[]) => runCli([...args, '--endpoint-url', endpoint()], { cwd: dir });

/** A project of its own (its own table name too: the default one is shared). */
const project = (name: string) => projectDir({ project: name, table: { name: `${name}-table` } });

/** The name `up` gives the stack's log bucket (the first bucket it makes). */
async function logBucket(dir: string): Promise<string> {
  const plan = (await cli(dir, 'plan', '--json')).json<{ changes: Change[] }>();
  const name = plan.changes.find((c) => c.id === 'bucket:logs')?.name;
  assert.ok(name);
  return name;
}

/** The CLI through the proxy, killed at the call `at` picks; resolves with the signal that ended it. */
function killedAt(dir: string, args: string[], at: (call: Call, req: RawRequest) => boolean) {
  const run = spawn(process.execPath, [BIN, ...args, '--endpoint-url', proxy?.url ?? ''], {
    cwd: dir,
    env: cleanEnv(),
    stdio: 'ignore',
  });
  victim = { pid: run.pid ?? 0, at };
  return new Promise<NodeJS.Signals | null>((resolve) => run.on('close', (_code, signal) => resolve(signal)));
}

/** `up` killed when it tags `bucket`. */
const upKilledAtTagging = (dir: string, bucket: string) =>
  killedAt(dir, ['up', '--yes'], (call) => call.operation === 'PutBucketTagging' && call.resource === bucket);

async function tagsOf(bucket: string): Promise<Record<string, string> | 'none'> {
  try {
    const t = await s3().send(new GetBucketTaggingCommand({ Bucket: bucket }));
    return Object.fromEntries((t.TagSet ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
  } catch (err) {
    if ((err as Error).name === 'NoSuchTagSet') return 'none';
    throw err;
  }
}

const exists = async (bucket: string) =>
  s3()
    .send(new HeadBucketCommand({ Bucket: bucket }))
    .then(() => true)
    .catch(() => false);

describe('a run killed between CreateBucket and PutBucketTagging', () => {
  it('leaves an empty untagged bucket that the next up adopts, tags and finishes', async () => {
    const dir = project('killup');
    const bucket = await logBucket(dir);
    const before = killed;
    assert.equal(await upKilledAtTagging(dir, bucket), 'SIGKILL');
    assert.equal(killed, before + 1, 'killed at the tagging call');
    assert.ok(await exists(bucket));
    assert.equal(await tagsOf(bucket), 'none', 'made, never tagged');

    // The killed run still holds the stack lock: --force-unlock, as after any killed run.
    const up = await cli(dir, 'up', '--yes', '--force-unlock');
    assert.equal(up.code, 0, up.stderr);
    assert.doesNotMatch(up.stderr, /not managed by projet1/);
    assert.equal(((await tagsOf(bucket)) as Record<string, string>)['managed-by'], 'projet1');
    assert.equal((await cli(dir, 'plan', '--exit-code')).code, 0, 'nothing left to do');
    assert.equal((await cli(dir, 'down', '--yes')).code, 0);
    assert.equal(await exists(bucket), false);
  });

  it('leaves a bucket that down removes with the rest', async () => {
    const dir = project('killdown');
    const bucket = await logBucket(dir);
    assert.equal(await upKilledAtTagging(dir, bucket), 'SIGKILL');
    assert.equal(await tagsOf(bucket), 'none');
    const down = await cli(dir, 'down', '--yes', '--force-unlock');
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await exists(bucket), false);
    assert.equal((await cli(dir, 'plan', '--destroy', '--exit-code')).code, 0, 'nothing of the stack is left');
  });

  it('still refuses a bucket of our name that holds objects, or carries tags that are not ours', async () => {
    const withObject = project('keepobj');
    const full = await logBucket(withObject);
    await s3().send(
      new CreateBucketCommand({ Bucket: full, CreateBucketConfiguration: { LocationConstraint: 'eu-west-3' } }),
    );
    await s3().send(new PutObjectCommand({ Bucket: full, Key: 'theirs.txt', Body: 'data' }));
    for (const args of [
      ['up', '--yes'],
      ['down', '--yes'],
    ]) {
      const run = await cli(withObject, ...args);
      assert.equal(run.code, 4, run.stderr);
      assert.match(run.stderr, new RegExp(`s3-bucket ${full} exists but is not managed by projet1`));
    }
    assert.equal(await tagsOf(full), 'none', 'left as it was');

    const tagged = project('keeptag');
    const theirs = await logBucket(tagged);
    await s3().send(
      new CreateBucketCommand({ Bucket: theirs, CreateBucketConfiguration: { LocationConstraint: 'eu-west-3' } }),
    );
    await s3().send(
      new PutBucketTaggingCommand({ Bucket: theirs, Tagging: { TagSet: [{ Key: 'owner', Value: 'data-team' }] } }),
    );
    const run = await cli(tagged, 'up', '--yes');
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /not managed by projet1/);
    assert.deepEqual(await tagsOf(theirs), { owner: 'data-team' });
  });
});

describe('a restore killed between RestoreTableFromBackup and TagResource', () => {
  it("leaves the table untagged; the next up adopts it (restored from this table's backup) with its products", async () => {
    const dir = projectDir({ project: 'killrestore', table: { name: 'killrestore-table' } });
    const viaProxy = (...args: string[]) => runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir });
    assert.equal((await cli(dir, 'up', '--yes')).code, 0);
    const made = await cli(
      dir,
      'products',
      'create',
      '--name',
      'Kept',
      '--category',
      'c',
      '--price',
      '1',
      '--stock',
      '1',
    );
    assert.equal(made.code, 0, made.stderr);
    const down = await cli(dir, 'down', '--yes');
    const backup = /Backed up killrestore-table before deleting it: (\S+)/.exec(down.stderr)?.[1];
    assert.ok(backup, down.stderr);

    const signal = await killedAt(dir, ['restore', '--backup', backup, '--yes'], (call, req) => {
      const body = req.body.toString('utf8');
      return call.operation === 'TagResource' && body.includes(':table/killrestore-table"');
    });
    assert.equal(signal, 'SIGKILL');
    const ddb = emulatorClients(endpoint()).client(DynamoDBClient);
    const arn = (await ddb.send(new DescribeTableCommand({ TableName: 'killrestore-table' }))).Table?.TableArn;
    assert.deepEqual((await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [], []);

    const up = await viaProxy('up', '--yes', '--force-unlock');
    assert.equal(up.code, 0, up.stderr);
    const tags = (await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [];
    assert.ok(tags.some((t) => t.Key === 'managed-by' && t.Value === 'projet1'));
    const list = await viaProxy('products', 'list', '--all', '--json');
    assert.deepEqual(
      list.json<{ items: { name: string }[] }>().items.map((p) => p.name),
      ['Kept'],
    );
    assert.equal((await viaProxy('plan', '--exit-code')).code, 0);
    assert.equal((await cli(dir, 'down', '--yes')).code, 0);
  });
});
