// regions.secondary: the products table as a DynamoDB global table (version 2019.11.21) with a replica
// in a second region. On MiniStack, which keeps replicas and replicates writes: the replica read back in
// both regions with the primary's index, encryption, PITR, TTL, deletion protection and tags; a write
// in the primary read in the secondary; drift in the secondary repaired; turning it off removes the
// replica and keeps the primary's items; `down` removes both. Through the fault proxy, AWS's side that
// MiniStack skips (aws-behaviour/dynamodb-replica.ts): no replica without the table's stream, minutes of
// CREATING and DELETING with the table refusing changes meanwhile, and a Ctrl-C during that wait.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { Change } from '../../src/engine/types.js';
import { DYNAMODB_REPLICA_BEHAVIOURS } from '../helpers/aws-behaviour/dynamodb-replica.js';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { only } from '../helpers/held-call.js';

const PRIMARY = 'eu-west-3';
const SECONDARY = 'eu-central-1';
// AWS's durations at a twentieth: a replica CREATING for 9 s, DELETING for 3 s.
const SCALE = 0.05;

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, { ...only(DYNAMODB_REPLICA_BEHAVIOURS), scale: SCALE });
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});

const ddb = (region: string) => emulatorClients(emulator.get().endpoint, region).client(DynamoDBClient);
const describeIn = async (region: string, table: string) =>
  (await ddb(region).send(new DescribeTableCommand({ TableName: table }))).Table;
const tablesIn = async (region: string) => (await ddb(region).send(new ListTablesCommand({}))).TableNames ?? [];

interface UpDoc {
  changes: Change[];
  awsCalls: { mutating: number; mutatingOperations: string[] };
}

/** A project whose config can be rewritten between runs. */
function project(name: string, config: Record<string, unknown>) {
  const dir = projectDir({ project: name, ...config });
  return {
    dir,
    write: (next: Record<string, unknown>) =>
      writeFileSync(join(dir, 'projet1.config.json'), JSON.stringify({ project: name, ...next }, null, 2)),
    cli: (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: dir }),
    viaProxy: (...args: string[]) => runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir }),
  };
}

describe('a replica of the table in regions.secondary', () => {
  const TABLE = 'replica-products';
  const on = { table: { name: TABLE, deletionProtection: true }, regions: { secondary: SECONDARY } };
  const p = project('replica', on);

  it('up makes the table global, with the replica carrying its settings', async () => {
    const up = await p.cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const primary = await describeIn(PRIMARY, TABLE);
    assert.equal(primary?.GlobalTableVersion, '2019.11.21');
    assert.deepEqual(
      primary?.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus]),
      [[SECONDARY, 'ACTIVE']],
    );
    assert.equal(primary?.StreamSpecification?.StreamViewType, 'NEW_AND_OLD_IMAGES');
    const replica = await describeIn(SECONDARY, TABLE);
    assert.deepEqual(
      replica?.GlobalSecondaryIndexes?.map((i) => i.IndexName),
      ['category-index'],
    );
    assert.equal(replica?.SSEDescription?.Status, 'ENABLED');
    assert.equal(replica?.DeletionProtectionEnabled, true);
    const pitr = await ddb(SECONDARY).send(new DescribeContinuousBackupsCommand({ TableName: TABLE }));
    assert.equal(
      pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      'ENABLED',
    );
    const ttl = await ddb(SECONDARY).send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    assert.deepEqual(
      [ttl.TimeToLiveDescription?.TimeToLiveStatus, ttl.TimeToLiveDescription?.AttributeName],
      ['ENABLED', 'expires_at'],
    );
    const tags = await ddb(SECONDARY).send(new ListTagsOfResourceCommand({ ResourceArn: replica?.TableArn }));
    assert.ok(
      tags.Tags?.some((t) => t.Key === 'project' && t.Value === 'replica'),
      JSON.stringify(tags.Tags),
    );
  });

  it('a second up changes nothing', async () => {
    const up = await p.cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(up.json<UpDoc>().awsCalls.mutatingOperations, []);
  });

  it('a product written in the primary region is read in the secondary', async () => {
    const Item = { product_id: { S: 'p-replicated' }, name: { S: 'Lamp' }, category: { S: 'home' } };
    await ddb(PRIMARY).send(new PutItemCommand({ TableName: TABLE, Item }));
    const read = await ddb(SECONDARY).send(
      new GetItemCommand({ TableName: TABLE, Key: { product_id: Item.product_id } }),
    );
    assert.equal(read.Item?.name?.S, 'Lamp');
  });

  it('status shows which region is primary and the replica', async () => {
    const doc = (await p.cli('status', '--json')).json<{ regions?: Record<string, unknown> }>();
    const { apis: _, ...regions } = doc.regions ?? {};
    assert.deepEqual(regions, { primary: PRIMARY, secondary: SECONDARY, replicaStatus: 'ACTIVE' });
    const text = await p.cli('status');
    assert.match(text.stdout, /Regions: eu-west-3 is primary \(writes\); replica in eu-central-1: ACTIVE[;.]/);
  });

  it('PITR, TTL and deletion protection turned off on the replica by hand are planned and repaired', async () => {
    const d = ddb(SECONDARY);
    await d.send(
      new UpdateContinuousBackupsCommand({
        TableName: TABLE,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      }),
    );
    await d.send(
      new UpdateTimeToLiveCommand({
        TableName: TABLE,
        TimeToLiveSpecification: { Enabled: false, AttributeName: 'expires_at' },
      }),
    );
    await d.send(new UpdateTableCommand({ TableName: TABLE, DeletionProtectionEnabled: false }));
    const plan = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    const replica = plan.changes.find((c) => c.id === 'table-replica');
    assert.equal(replica?.action, 'update');
    assert.deepEqual(replica?.fields.map((f) => f.field).sort(), [
      'deletionProtection',
      'pointInTimeRecovery',
      'ttlAttribute',
    ]);
    // DynamoDB keeps TTL the same on every replica of a global table: turned off on one, it is off on all.
    const primary = plan.changes.find((c) => c.id === 'table');
    assert.deepEqual(
      primary?.fields.map((f) => f.field),
      ['ttlAttribute'],
    );
    const up = await p.cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    const pitr = await d.send(new DescribeContinuousBackupsCommand({ TableName: TABLE }));
    assert.equal(
      pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      'ENABLED',
    );
    const ttl = await d.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    assert.equal(ttl.TimeToLiveDescription?.TimeToLiveStatus, 'ENABLED');
    assert.equal((await describeIn(SECONDARY, TABLE))?.DeletionProtectionEnabled, true);
    const again = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(
      again.changes.filter((c) => c.action !== 'no-op'),
      [],
      'nothing left to repair',
    );
  });

  it('a replica removed by hand is planned and added again', async () => {
    await ddb(PRIMARY).send(
      new UpdateTableCommand({ TableName: TABLE, ReplicaUpdates: [{ Delete: { RegionName: SECONDARY } }] }),
    );
    assert.ok(!(await tablesIn(SECONDARY)).includes(TABLE));
    const plan = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.equal(plan.changes.find((c) => c.id === 'table-replica')?.action, 'create');
    const up = await p.cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    const read = await ddb(SECONDARY).send(
      new GetItemCommand({ TableName: TABLE, Key: { product_id: { S: 'p-replicated' } } }),
    );
    assert.equal(read.Item?.name?.S, 'Lamp', 'the new replica holds the items');
    assert.equal((await describeIn(SECONDARY, TABLE))?.DeletionProtectionEnabled, true);
  });

  it('turned off: removing the replica is approved like a delete, and the primary keeps its items', async () => {
    p.write({ ...on, regions: { secondary: null } });
    const plan = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    const change = plan.changes.find((c) => c.id === 'table-replica');
    assert.equal(change?.action, 'delete');
    assert.equal(change?.approval, 'deletes a resource');
    const refused = await p.cli('up');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Pass --yes/);
    assert.ok((await tablesIn(SECONDARY)).includes(TABLE), 'nothing removed without approval');
    const up = await p.cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.ok(!(await tablesIn(SECONDARY)).includes(TABLE), 'the replica is gone (its protection too)');
    const primary = await describeIn(PRIMARY, TABLE);
    assert.deepEqual(primary?.Replicas ?? [], []);
    const kept = await ddb(PRIMARY).send(
      new GetItemCommand({ TableName: TABLE, Key: { product_id: { S: 'p-replicated' } } }),
    );
    assert.equal(kept.Item?.name?.S, 'Lamp');
  });

  it('down removes the replica, then the table, backing up the primary once', async () => {
    p.write({ ...on, table: { name: TABLE, deletionProtection: false } });
    assert.equal((await p.cli('up', '--yes')).code, 0);
    assert.ok((await tablesIn(SECONDARY)).includes(TABLE));
    const down = await p.cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.ok(!(await tablesIn(PRIMARY)).includes(TABLE));
    assert.ok(!(await tablesIn(SECONDARY)).includes(TABLE));
    const backups = async (region: string) =>
      (await ddb(region).send(new ListBackupsCommand({ TableName: TABLE }))).BackupSummaries ?? [];
    assert.equal((await backups(PRIMARY)).length, 1, 'one backup, of the primary');
    assert.equal((await backups(SECONDARY)).length, 0);
  });
});

/** Runs `command --yes` through the proxy and sends it SIGINT (Ctrl-C) once its stderr matches `at`. */
async function ctrlCAt(
  cwd: string,
  command: string,
  at: RegExp,
): Promise<{ code: number | null; stderr: string; afterMs: number }> {
  const child = spawn(process.execPath, [BIN, command, '--yes', '--endpoint-url', proxy?.url ?? ''], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let signalled = 0;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!signalled && at.test(stderr)) {
      signalled = Date.now();
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.ok(signalled > 0, `never saw ${at}: ${stderr}`);
  return { code, stderr, afterMs: Date.now() - signalled };
}

describe('a replica as AWS makes it (fault proxy)', () => {
  const TABLE = 'replica-aws';
  const p = project('replaws', { table: { name: TABLE }, regions: { secondary: SECONDARY } });
  const injected = (kind: string) => proxy?.injected.get(kind) ?? 0;

  it('up turns the stream on first, waits out CREATING, then sets the replica', async () => {
    const up = await p.viaProxy('up', '--yes', '--verbose');
    assert.equal(up.code, 0, up.stderr);
    assert.equal(injected('dynamodb-replica-needs-stream'), 0, 'no replica asked for before the stream');
    assert.ok(injected('dynamodb-replica-settling') > 0, 'the replica was CREATING for a while');
    assert.match(up.stderr, /replica in eu-central-1 CREATING/);
    const pitr = await ddb(SECONDARY).send(new DescribeContinuousBackupsCommand({ TableName: TABLE }));
    assert.equal(
      pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      'ENABLED',
    );
  });

  it('Ctrl-C during CREATING stops the wait at once; the next up resumes it', async () => {
    // Down straight on the emulator: the next up makes the table and a replica CREATING again.
    assert.equal((await p.cli('down', '--yes')).code, 0);
    const stopped = await ctrlCAt(p.dir, 'up', /replica in eu-central-1 CREATING/);
    assert.equal(stopped.code, 130, stopped.stderr);
    // CREATING lasts 9 s here: a stop within 3 s is the signal's doing, not the wait's end.
    assert.ok(stopped.afterMs < 3000, `stopped ${stopped.afterMs} ms after Ctrl-C`);
    const again = await p.viaProxy('up', '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await describeIn(PRIMARY, TABLE))?.Replicas?.[0]?.ReplicaStatus, 'ACTIVE');
  });

  it('a down stopped while the replica is DELETING keeps the table; the next down finishes', async () => {
    const stopped = await ctrlCAt(p.dir, 'down', /replica in eu-central-1 DELETING/);
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.ok((await tablesIn(PRIMARY)).includes(TABLE), 'the table waits for its replica to go');
    const again = await p.viaProxy('down', '--yes');
    assert.equal(again.code, 0, again.stderr);
    assert.ok(!(await tablesIn(PRIMARY)).includes(TABLE));
    assert.ok(!(await tablesIn(SECONDARY)).includes(TABLE));
  });

  it('down waits for the replica to be deleted before deleting the table', async () => {
    assert.equal((await p.viaProxy('up', '--yes')).code, 0);
    const down = await p.viaProxy('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.ok(!(await tablesIn(PRIMARY)).includes(TABLE));
    assert.ok(!(await tablesIn(SECONDARY)).includes(TABLE));
  });
});

describe('regions.secondary refused', () => {
  it("the stack's own region, or a provisioned table, with the setting to change", async () => {
    const same = project('replsame', { regions: { secondary: PRIMARY } });
    const run = await same.cli('plan');
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /regions\.secondary is eu-west-3, the stack's own region/);
    const provisioned = project('replprov', {
      table: { billingMode: 'PROVISIONED' },
      regions: { secondary: SECONDARY },
    });
    const prov = await provisioned.cli('plan');
    assert.equal(prov.code, 2, prov.stderr);
    assert.match(prov.stderr, /needs an on-demand table/);
    const bad = project('replbad', { regions: { secondary: 'mars' } });
    const invalid = await bad.cli('plan');
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /regions\.secondary/);
  });
});
