// The CLI's building blocks without AWS: approval rules, teardown order, stopping on
// Ctrl-C, colour and width rules, the live task lines, error wording and state folders.
import { createLogUpdate } from 'log-update';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureStream } from '../helpers/capture.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { s3Bucket } from '../../src/resources/s3-bucket.js';
import { AwsClients, CALL } from '../../runtime/aws/clients.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { writeAll } from '../../src/catalog/batch-writer.js';
import { generateProducts } from '../../src/catalog/generate.js';
import { stopHandler } from '../../src/cli/main.js';
import { fit, taskReporter } from '../../src/cli/progress.js';
import { colors, useColor } from '../../src/cli/style.js';
import { table } from '../../src/cli/table.js';
import { AwsAccessError, ConfigError, UserError } from '../../src/errors.js';
import { runGraph } from '../../src/engine/graph.js';
import { computePlan, type Stack, teardownOrder } from '../../src/engine/plan.js';
import { silentReporter } from '../../src/engine/events.js';
import {
  changesNeedingApproval,
  type ProvisionContext,
  type Provisioner,
  type Resource,
} from '../../src/engine/types.js';
import { cacheDir, stateDir } from '../../src/paths.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const TAGS = { project: 'p', environment: 'dev', 'managed-by': 'projet1' };
type D = { key: string; policy: string };
type O = { policy: string; tags: Record<string, string> };
const world = new Map<string, O>();
const provisioner = (securityFields?: string[]): Provisioner<D, O> => ({
  type: securityFields ? 'role' : 'group',
  service: 'mem',
  ...(securityFields ? { securityFields } : {}),
  observe: async (_c, d) => world.get(d.key),
  tags: (o) => o.tags,
  diff: (d, o) => (d.policy === o.policy ? [] : [{ field: 'policy', from: o.policy, to: d.policy }]),
  create: async () => undefined,
  update: async () => undefined,
  delete: async () => undefined,
});
const ctx = (): ProvisionContext => ({
  aws: { target: { region: 'eu-west-3', endpointUrl: null, profile: null } } as AwsClients,
  note: () => undefined,
  sleep: async () => undefined,
});
const res = (id: string, p: Provisioner<D, O>, dependsOn: string[] = [], policy = 'v1'): Resource =>
  ({ id, name: id, provisioner: p, desired: { key: id, policy }, dependsOn }) as Resource;

describe('approval', () => {
  it('asks for creating or deleting permissions and for changed security fields, not for other changes', async () => {
    world.clear();
    world.set('role-b', { policy: 'v1', tags: TAGS });
    world.set('group', { policy: 'v1', tags: TAGS });
    const stack: Stack = {
      resources: [
        res('role-a', provisioner(['policy'])),
        res('role-b', provisioner(['policy']), [], 'v2'),
        res('group', provisioner(), [], 'v2'),
      ],
      tags: TAGS,
    };
    const apply = await computePlan(stack, 'apply', ctx, silentReporter);
    assert.deepEqual(
      changesNeedingApproval(apply.plan).map((c) => `${c.id}: ${c.approval}`),
      ['role-a: grants permissions', 'role-b: changes permissions (policy)'],
    );
    const destroy = await computePlan(stack, 'destroy', ctx, silentReporter);
    assert.deepEqual(
      changesNeedingApproval(destroy.plan).map((c) => c.id),
      ['group', 'role-b'],
      'every deletion asks',
    );
  });
});

describe('teardown order', () => {
  it('lists dependents before what they depend on', () => {
    const p = provisioner();
    const order = teardownOrder([
      res('table', p),
      res('role', p, ['table']),
      res('fn', p, ['role', 'log']),
      res('log', p),
    ]);
    const at = (id: string) => order.findIndex((r) => r.id === id);
    assert.ok(
      at('fn') < at('role') && at('role') < at('table') && at('fn') < at('log'),
      order.map((r) => r.id).join(','),
    );
  });
});

describe('stopping', () => {
  it('the first Ctrl-C or SIGTERM asks the run to stop, the second exits 130 or 143 at once', () => {
    let interrupted = false;
    const exits: number[] = [];
    const onStop = stopHandler(
      {
        get interrupted() {
          return interrupted;
        },
        interrupt: () => {
          interrupted = true;
        },
      },
      (c) => exits.push(c),
    );
    onStop('SIGTERM');
    assert.deepEqual([interrupted, exits], [true, []]);
    onStop('SIGINT');
    onStop('SIGTERM');
    assert.deepEqual(exits, [130, 143]);
  });

  it('the graph starts nothing new once asked to stop, and reports the rest as interrupted', async () => {
    const stop = new AbortController();
    const ran: string[] = [];
    const node = (id: string, dependsOn: string[] = []) => ({
      id,
      dependsOn,
      group: 'g',
      run: async () => {
        ran.push(id);
        stop.abort('SIGINT');
      },
    });
    const out = await runGraph([node('a'), node('b', ['a']), node('c', ['b'])], {
      concurrency: 1,
      signal: stop.signal,
    });
    assert.deepEqual(ran, ['a']);
    assert.deepEqual(out.get('b'), { status: 'skipped', reason: 'interrupted' });
  });

  it('a bulk write finishes the batches in flight and takes no more', async () => {
    let sent = 0;
    const stop = new AbortController();
    const doc = {
      send: async (cmd: { input: { RequestItems: Record<string, unknown[]> } }) => {
        sent += cmd.input.RequestItems.t?.length ?? 0;
        if (sent >= 50) stop.abort('SIGINT');
        return { UnprocessedItems: {} };
      },
    } as unknown as DynamoDBDocumentClient;
    const p = await writeAll(doc, 't', generateProducts(500, 1), { concurrency: 2, signal: stop.signal });
    assert.equal(p.stopped, true);
    assert.equal(p.written, sent);
    assert.ok(sent >= 50 && sent < 500, `wrote ${sent}`);
  });
});

describe('terminal output', () => {
  it('colours only a terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
    assert.equal(useColor({ isTTY: true }, {}), true);
    assert.equal(useColor({ isTTY: false }, {}), false);
    assert.equal(useColor({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(useColor({ isTTY: true }, { TERM: 'dumb' }), false);
    assert.equal(useColor({ isTTY: false }, { FORCE_COLOR: '1' }), true);
    assert.equal(useColor({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' }), false);
  });

  it('tables and lines fit the width they are given', () => {
    const rows = [
      ['TYPE', 'NAME', 'DETAILS'],
      ['iam-role', 'x'.repeat(40), 'y'.repeat(80)],
    ];
    for (const line of table(rows, 60).split('\n')) assert.ok([...line].length <= 60, line);
    assert.equal(table(rows).split('\n')[1]?.length, 8 + 2 + 40 + 2 + 80, 'unbounded in a pipe');
    assert.equal(fit('abcdef', 4), 'abc…');
  });

  it('shows one live line per task in flight, each within the terminal width', () => {
    const { stream, text: screenText } = captureStream({ isTTY: true, columns: 50 });
    const r = taskReporter(stream, colors(false), createLogUpdate);
    r.event({ type: 'phase', phase: 'apply', total: 3 });
    r.event({ type: 'start', id: 'a', name: 'projet1-serverless-development-get-products-exec', action: 'create' });
    r.event({ type: 'start', id: 'b', name: 'products-catalog', action: 'create' });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping terminal escapes is the point.
    const escapes = /\x1b\[[?0-9;]*[A-Za-z]/;
    const frame = screenText().split(escapes).join('');
    assert.match(frame, /⠋ creating projet1-serverless-development-get-…\n/, 'cut to 49 columns');
    assert.match(frame, /creating products-catalog/);
    r.event({ type: 'done', id: 'b', name: 'products-catalog', action: 'create', ms: 300 });
    assert.match(screenText(), /✓ created products-catalog \(0\.3s\)\n/);
    r.close();
    for (const line of frame.split('\n')) assert.ok([...line].length <= 50, `"${line}"`);
  });
});

describe('error wording', () => {
  const emulatorTarget = { region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9999', profile: null };
  const tagged = (err: Error, status: number) => {
    Object.assign(err, { $metadata: { httpStatusCode: status } });
    Object.defineProperty(err, CALL, { value: { service: 'DynamoDB', operation: 'DescribeTable' } });
    return err;
  };

  it('an endpoint that is not AWS is named as such, not reported as a bug', () => {
    const err = tagged(
      Object.assign(new SyntaxError("Unexpected token '<'...\n  Deserialization error: to see the raw response…")),
      200,
    );
    const out = classifyAwsError(err, emulatorTarget);
    assert.ok(out instanceof AwsAccessError);
    assert.match(
      out.message,
      /The endpoint http:\/\/127\.0\.0\.1:9999 did not answer like AWS: DynamoDB DescribeTable got HTTP 200/,
    );
  });

  it('an error without a message names service, operation, status and code', () => {
    const err = tagged(Object.assign(new Error('UnknownError'), { name: 'UnknownOperationException' }), 400);
    const out = classifyAwsError(err, emulatorTarget);
    assert.ok(out instanceof UserError);
    assert.equal(
      out.message,
      'DynamoDB DescribeTable failed: HTTP 400, error code UnknownOperationException, no message. The endpoint http://127.0.0.1:9999 probably does not implement this operation.',
    );
  });

  it('a bad flag does not blame the config file', () => {
    const err = new ConfigError('projet1.config.json', [
      { path: 'environment', message: 'expected …', source: 'flag --environment' },
    ]);
    assert.match(err.message, /^Invalid setting from the command line or the environment: 1 problem/);
    assert.doesNotMatch(err.message, /projet1\.config\.json/);
  });
});

describe('where state goes', () => {
  it('follows XDG and the projet1 overrides', () => {
    assert.equal(stateDir({ HOME: '/home/u' }), '/home/u/.local/state/projet1');
    assert.equal(stateDir({ HOME: '/home/u', XDG_STATE_HOME: '/x/state' }), '/x/state/projet1');
    assert.equal(
      stateDir({ HOME: '/home/u', XDG_STATE_HOME: 'relative' }),
      '/home/u/.local/state/projet1',
      'XDG ignores relative paths',
    );
    assert.equal(stateDir({ PROJET1_STATE_DIR: '/s' }), '/s');
    assert.equal(cacheDir({ PROJET1_CACHE_DIR: '/c' }), '/c');
  });
});

describe('AwsClients in Lambda', () => {
  it('records no calls when counting is off, so a warm function does not grow', async () => {
    const aws = new AwsClients(
      { region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9', profile: null },
      { countCalls: false, credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) },
    );
    const client = aws.client(DynamoDBClient);
    client.config.requestHandler = {
      handle: async () => ({
        response: {
          statusCode: 200,
          headers: {},
          body: (await import('node:stream')).Readable.from([Buffer.from('{}')]),
        },
      }),
    } as unknown as typeof client.config.requestHandler;
    const { ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    for (let i = 0; i < 3; i++) await client.send(new ListTablesCommand({}));
    assert.equal(aws.calls.length, 0);
    aws.destroy();
  });
});

describe('a bucket name taken by another account', () => {
  it('is refused with one message naming the config key (fault injected below the SDK)', async () => {
    const aws = new AwsClients(
      { region: 'eu-west-3', endpointUrl: 'http://127.0.0.1:9', profile: null },
      { credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }) },
    );
    const s3 = aws.client(S3Client);
    const { Readable } = await import('node:stream');
    s3.config.requestHandler = {
      handle: async () => ({
        response: {
          statusCode: 409,
          headers: { 'content-type': 'application/xml' },
          body: Readable.from([
            Buffer.from(
              '<Error><Code>BucketAlreadyExists</Code><Message>The requested bucket name is not available.</Message></Error>',
            ),
          ]),
        },
      }),
    } as unknown as typeof s3.config.requestHandler;
    const ctx: ProvisionContext = { aws, note: () => undefined, sleep: async () => undefined };
    const desired = {
      name: 'taken',
      arn: 'arn:aws:s3:::taken',
      region: 'eu-west-3',
      configKey: 'website.bucketName',
      tags: {},
    };
    await assert.rejects(s3Bucket.create(ctx, desired as Parameters<typeof s3Bucket.create>[1]), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.equal(err.exitCode, 4);
      assert.match(err.message, /The bucket taken is owned by another AWS account/);
      assert.match(err.hint ?? '', /"website\.bucketName"/);
      assert.match(err.hint ?? '', /\{accountId\}/);
      return true;
    });
    aws.destroy();
  });
});
