// CloudFront's access logs on the emulator, through the CLI: `up` makes the CloudWatch Logs delivery
// source (the distribution, ACCESS_LOGS), destination (the log bucket, JSON) and delivery (under cdn/)
// in us-east-1, read back with the SDK; the log bucket's policy lets the delivery service write under
// cdn/ and its lifecycle rule covers it; a second `up` changes nothing; a delivery deleted by hand is
// made again; `website.accessLogs: false` removes all three; `down` removes them. MiniStack 1.5.33
// stores deliveries without writing any log file (its CloudFront does not log): the files themselves
// are only observable on AWS.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  DeleteDeliveryCommand,
  DescribeDeliveriesCommand,
  DescribeDeliverySourcesCommand,
  GetDeliveryDestinationCommand,
  GetDeliverySourceCommand,
  ListTagsForResourceCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetBucketLifecycleConfigurationCommand, GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { Change } from '../../src/engine/types.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { LOG_DELIVERY_BEHAVIOURS } from '../helpers/aws-behaviour/log-delivery.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';
import { projectDir } from '../helpers/cli.js';

const PREFIX = 'projet1-serverless-development';
const SOURCE = `${PREFIX}-euw3-cdn-source`;
const DESTINATION = `${PREFIX}-euw3-cdn-logs`;
let stack: Deployed;
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint);
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const logs = () => emulatorClients(emulator.get().endpoint, 'us-east-1').client(CloudWatchLogsClient);
const s3 = () => emulatorClients(emulator.get().endpoint).client(S3Client);

const outputs = async () => (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
const missing = (err: unknown) => err instanceof Error && err.name === 'ResourceNotFoundException';
const source = () =>
  logs()
    .send(new GetDeliverySourceCommand({ name: SOURCE }))
    .then((r) => r.deliverySource)
    .catch((err: unknown) => (missing(err) ? undefined : Promise.reject(err)));
const destination = () =>
  logs()
    .send(new GetDeliveryDestinationCommand({ name: DESTINATION }))
    .then((r) => r.deliveryDestination)
    .catch((err: unknown) => (missing(err) ? undefined : Promise.reject(err)));
/** The stack's deliveries (there must be at most one). */
const deliveries = async () =>
  ((await logs().send(new DescribeDeliveriesCommand({}))).deliveries ?? []).filter(
    (d) => d.deliverySourceName === SOURCE,
  );
const tagsOf = async (arn: string) => (await logs().send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags;

interface Statement {
  Sid?: string;
  Principal?: { Service?: string };
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const logBucketPolicy = async (bucket: string): Promise<Statement[]> => {
  const res = await s3()
    .send(new GetBucketPolicyCommand({ Bucket: bucket }))
    .catch(() => undefined);
  return (JSON.parse(res?.Policy ?? '{"Statement":[]}') as { Statement: Statement[] }).Statement;
};

const pending = (changes: Change[]) =>
  changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.id} ${c.fields.map((f) => f.field)}`);

function withConfig(config: Record<string, unknown>): string {
  const path = join(stack.dir, 'edited.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('cdn logs', () => {
  it('up makes the delivery source, destination and delivery in us-east-1, writing under cdn/', async () => {
    const out = await outputs();
    const distributionArn = out['distribution.arn'] ?? '';
    const logBucket = out['bucket.logs.name'] ?? '';
    assert.match(distributionArn, /^arn:aws:cloudfront::\d{12}:distribution\//);
    const src = await source();
    assert.ok(src?.arn, 'the delivery source exists');
    assert.match(src.arn, /^arn:aws:logs:us-east-1:\d{12}:delivery-source:/, 'in us-east-1, where CloudFront logs');
    assert.deepEqual(src.resourceArns, [distributionArn]);
    assert.equal(src.logType, 'ACCESS_LOGS');
    const dest = await destination();
    assert.ok(dest?.arn, 'the delivery destination exists');
    assert.equal(dest.deliveryDestinationConfiguration?.destinationResourceArn, `arn:aws:s3:::${logBucket}`);
    assert.equal(dest.outputFormat, 'json');
    const [delivery, ...more] = await deliveries();
    assert.equal(more.length, 0, 'one delivery');
    assert.ok(delivery?.arn);
    assert.equal(delivery.deliveryDestinationArn, dest.arn);
    assert.equal(delivery.s3DeliveryConfiguration?.suffixPath, 'cdn/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}');
    for (const arn of [src.arn, dest.arn, delivery.arn]) {
      const tags = await tagsOf(arn);
      assert.equal(tags?.project, 'projet1-serverless', arn);
      assert.equal(tags?.['managed-by'], 'projet1', arn);
    }
    assert.equal(out['cdn-log-delivery.location'], `s3://${logBucket}/cdn/`);
    assert.equal(out['cdn-log-delivery.id'], delivery.id);
    assert.equal(out['cdn-log-source.arn'], src.arn);
  });

  it("the log bucket's policy lets the delivery service write under cdn/, and its lifecycle covers it", async () => {
    const bucket = (await outputs())['bucket.logs.name'] ?? '';
    const statements = await logBucketPolicy(bucket);
    const write = statements.find((s) => s.Sid === 'CloudFrontAccessLogs');
    assert.deepEqual(write?.Principal, { Service: 'delivery.logs.amazonaws.com' });
    assert.equal(write?.Action, 's3:PutObject');
    assert.equal(write?.Resource, `arn:aws:s3:::${bucket}/cdn/*`);
    assert.match(write?.Condition?.StringEquals?.['aws:SourceAccount'] ?? '', /^\d{12}$/);
    assert.equal(write?.Condition?.StringEquals?.['s3:x-amz-acl'], 'bucket-owner-full-control');
    assert.equal(
      write?.Condition?.ArnLike?.['aws:SourceArn'],
      (await source())?.arn,
      "only this stack's delivery source",
    );
    const check = statements.find((s) => s.Sid === 'CloudFrontAccessLogsAclCheck');
    assert.deepEqual(check?.Action, ['s3:GetBucketAcl', 's3:ListBucket']);
    assert.equal(check?.Resource, `arn:aws:s3:::${bucket}`);

    const rules = (await s3().send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
    const covering = rules.filter(
      (r) => r.Status === 'Enabled' && r.Expiration?.Days && 'cdn/x.json.gz'.startsWith(r.Filter?.Prefix ?? ''),
    );
    assert.equal(covering.length, 1, JSON.stringify(rules));
    assert.equal(covering[0]?.Expiration?.Days, 90, 'website.logRetentionDays');
  });

  it('status and plan list the three, up to date; a second up makes no call that changes anything', async () => {
    const status = (await cli('status', '--json')).json<{ resources: { id: string; state: string }[] }>();
    for (const id of ['cdn-log-source', 'cdn-log-destination', 'cdn-log-delivery'])
      assert.equal(status.resources.find((r) => r.id === id)?.state, 'ok', id);
    const again = await cli('up', '--json');
    assert.equal(again.code, 0, again.stderr);
    const doc = again.json<{ changes: Change[]; awsCalls: { mutatingOperations: string[] } }>();
    assert.deepEqual(pending(doc.changes), []);
    assert.deepEqual(doc.awsCalls.mutatingOperations, []);
  });

  it('a delivery deleted by hand is planned and made again', async () => {
    const [before] = await deliveries();
    assert.ok(before?.id);
    await logs().send(new DeleteDeliveryCommand({ id: before.id }));
    const plan = (await cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(pending(plan.changes), ['create cdn-log-delivery ']);
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const [after, ...more] = await deliveries();
    assert.equal(more.length, 0);
    assert.notEqual(after?.id, before.id, 'a new delivery');
    assert.equal(after?.s3DeliveryConfiguration?.suffixPath, before.s3DeliveryConfiguration?.suffixPath);
    assert.equal((await cli('plan', '--exit-code')).code, 0);
  });

  it('a tag taken off the source by hand is put back', async () => {
    const arn = (await source())?.arn ?? '';
    await logs().send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['region'] }));
    const plan = (await cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(pending(plan.changes), ['update cdn-log-source tags']);
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal((await tagsOf(arn))?.region, 'eu-west-3');
    assert.equal((await cli('plan', '--exit-code')).code, 0);
  });

  it('website.accessLogs false removes the delivery, then its source and destination, and the policy statement', async () => {
    const config = withConfig({ website: { accessLogs: false } });
    const off = await cli('up', '--yes', '--json', '--config', config);
    assert.equal(off.code, 0, off.stderr + off.stdout);
    const changes = pending(off.json<{ changes: Change[] }>().changes);
    for (const id of ['cdn-log-delivery', 'cdn-log-source', 'cdn-log-destination'])
      assert.ok(changes.includes(`delete ${id} `), changes.join('; '));
    assert.ok(changes.includes('update bucket-policy:logs policy'), changes.join('; '));
    assert.deepEqual(await deliveries(), []);
    assert.equal(await source(), undefined);
    assert.equal(await destination(), undefined);
    const bucket = (await outputs())['bucket.logs.name'] ?? '';
    assert.deepEqual(
      (await logBucketPolicy(bucket)).map((s) => s.Sid),
      ['S3ServerAccessLogs', 'DenyInsecureTransport'],
    );
    assert.equal((await cli('plan', '--exit-code', '--config', config)).code, 0);
  });

  it('down removes them, the delivery first', async () => {
    assert.equal((await cli('up', '--yes')).code, 0, 'on again');
    assert.equal((await deliveries()).length, 1);
    const down = await cli('down', '--yes', '--json');
    assert.equal(down.code, 0, down.stderr + down.stdout);
    const order = pending(down.json<{ changes: Change[] }>().changes).map((c) => c.split(' ')[1]);
    const at = (id: string) => order.indexOf(id);
    assert.ok(at('cdn-log-delivery') >= 0 && at('cdn-log-delivery') < at('cdn-log-source'), order.join(', '));
    assert.ok(at('cdn-log-delivery') < at('cdn-log-destination'), order.join(', '));
    assert.ok(at('cdn-log-source') < at('distribution'), order.join(', '));
    assert.deepEqual(await deliveries(), []);
    assert.equal(await source(), undefined);
    assert.equal(await destination(), undefined);
  });
});

describe('cdn logs as AWS runs them', () => {
  let proxy: FaultProxy | undefined;
  after(async () => proxy?.close());
  const settings = { project: 'cdnaws', table: { name: 'cdnaws-catalog' } };
  const dir = projectDir(settings);
  const run = (...args: string[]) => runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir });
  const sourceName = 'cdnaws-development-euw3-cdn-source';
  const destinationName = 'cdnaws-development-euw3-cdn-logs';
  const ours = async () =>
    ((await logs().send(new DescribeDeliveriesCommand({}))).deliveries ?? []).filter(
      (d) => d.deliverySourceName === sourceName,
    );
  const injected = (kind: string) => proxy?.injected.get(kind) ?? 0;
  const clean = async () => {
    const plan = await run('plan', '--exit-code', '--json');
    assert.equal(plan.code, 0, pending(plan.json<{ changes: Change[] }>().changes).join('; '));
  };

  it("a CloudFront source only in us-east-1; the bucket's statement there before the delivery, so AWS adds none", async () => {
    proxy = await startFaultProxy(emulator.get().endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      behaviours: LOG_DELIVERY_BEHAVIOURS,
    });
    const up = await run('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.equal(injected('log-delivery-source-region'), 0, 'the source is made in us-east-1');
    assert.equal(injected('log-delivery-bucket-policy'), 0, 'AWS found its statement in the policy');
    await clean();
  });

  it('a source or destination AWS cannot change in place is made again, its delivery set aside meanwhile', async () => {
    const distribution = (await logs().send(new GetDeliverySourceCommand({ name: sourceName }))).deliverySource
      ?.resourceArns?.[0];
    assert.ok(distribution);
    // By hand, straight to the emulator: the source names another distribution, the destination another format.
    await logs().send(
      new PutDeliverySourceCommand({
        name: sourceName,
        resourceArn: distribution.replace(/\/[^/]+$/, '/EOTHERDISTRIB'),
        logType: 'ACCESS_LOGS',
      }),
    );
    const dest = (await logs().send(new GetDeliveryDestinationCommand({ name: destinationName }))).deliveryDestination;
    await logs().send(
      new PutDeliveryDestinationCommand({
        name: destinationName,
        outputFormat: 'plain',
        deliveryDestinationConfiguration: {
          destinationResourceArn: dest?.deliveryDestinationConfiguration?.destinationResourceArn,
        },
      }),
    );
    const plan = (await run('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(pending(plan.changes), [
      'update cdn-log-source resourceArn',
      'update cdn-log-destination outputFormat',
    ]);
    const up = await run('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.equal(injected('log-delivery-in-use'), 0, 'nothing deleted while a delivery named it');
    const src = (await logs().send(new GetDeliverySourceCommand({ name: sourceName }))).deliverySource;
    assert.deepEqual(src?.resourceArns, [distribution]);
    const again = (await logs().send(new GetDeliveryDestinationCommand({ name: destinationName }))).deliveryDestination;
    assert.equal(again?.outputFormat, 'json');
    const [delivery, ...more] = await ours();
    assert.equal(more.length, 0, 'one delivery');
    assert.equal(delivery?.deliveryDestinationArn, again?.arn);
    assert.equal(delivery?.s3DeliveryConfiguration?.suffixPath, 'cdn/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}');
    await clean();
  });

  it('turned off, then down: each delivery deleted before its source and destination', async () => {
    const config = join(dir, 'off.json');
    writeFileSync(config, JSON.stringify({ ...settings, website: { accessLogs: false } }));
    const off = await run('up', '--yes', '--config', config);
    assert.equal(off.code, 0, off.stderr + off.stdout);
    assert.deepEqual(await ours(), []);
    assert.equal(injected('log-delivery-in-use'), 0);
    assert.equal((await run('up', '--yes')).code, 0, 'on again');
    assert.equal((await ours()).length, 1);
    const down = await run('down', '--yes');
    assert.equal(down.code, 0, down.stderr + down.stdout);
    assert.equal(injected('log-delivery-in-use'), 0);
    assert.deepEqual(await ours(), []);
    const left = await logs().send(new DescribeDeliverySourcesCommand({}));
    assert.deepEqual(
      (left.deliverySources ?? []).filter((x) => x.name === sourceName),
      [],
    );
  });
});
