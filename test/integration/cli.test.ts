// The CLI as a user meets it: help, usage errors, bad configuration, unreachable
// endpoints, and resuming a run that was interrupted half way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { PACKAGE_ROOT, freePort } from '../../src/emulator/ministack.js';
import type { Change } from '../../src/engine/types.js';
import { cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
const TRACE = resolve(PACKAGE_ROOT, 'test', 'fixtures', 'trace-imports.mjs');
/** The sources in each file of the bundled CLI, as the build recorded them. */
const BUNDLED = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'dist', 'cli-inputs.json'), 'utf8')) as Record<
  string,
  string[]
>;

describe('help and usage', () => {
  for (const args of [
    ['--help'],
    ['up', '--help'],
    ['plan', '--help'],
    ['down', '--help'],
    ['status', '--help'],
    ['outputs', '--help'],
    ['emulator', '--help'],
  ]) {
    it(`${args.join(' ')} prints usage and loads no AWS SDK code`, async () => {
      const run = await runCli(args, { nodeArgs: ['--import', TRACE] });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Usage: projet1/);
      // The CLI runs bundled: each file of dist/cli/ it loaded stands for the sources it holds.
      const loaded = run.stderr
        .split('\n')
        .filter((l) => l.startsWith('[import]') && l.includes('/dist/cli/'))
        .flatMap((l) => BUNDLED[basename(l)] ?? [`${basename(l)} (not in dist/cli-inputs.json)`]);
      assert.ok(
        loaded.some((l) => l.includes('node_modules/commander/')),
        'the trace hook saw the imports',
      );
      assert.deepEqual(
        loaded.filter((l) => /@aws-sdk|@smithy|\/ora\/|not in dist/.test(l)),
        [],
      );
    });
  }

  it("a group's help shows its actions first, not 20 lines of global options; an action's help keeps them", async () => {
    const group = await runCli(['products', '--help']);
    assert.equal(group.code, 0);
    const lines = group.stdout.split('\n');
    assert.ok(lines.findIndex((l) => /^\s+list \[options\]/.test(l)) < 10, group.stdout);
    assert.doesNotMatch(group.stdout, /Global Options:/);
    assert.match(group.stdout, /`projet1 products list --help` lists them/);
    const action = await runCli(['products', 'list', '--help']);
    assert.match(action.stdout, /Global Options:\n\s+-c, --config <file>/);
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    const a = await runCli(['deploy-everything']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command 'deploy-everything'/);
    const b = await runCli(['up', '--colour']);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /unknown option '--colour'/);
  });
});

describe('configuration errors', () => {
  it('a bad config file exits 2 listing every problem, without a stack trace', async () => {
    const dir = projectDir({ project: 'X', table: { readCapacity: -1, pointInTimeRecovery: 'on' }, lambdaa: {} });
    const run = await runCli(['plan', '--endpoint-url', 'http://127.0.0.1:9'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Invalid configuration \(projet1\.config\.json\): 4 problems/);
    assert.match(run.stderr, /- project: expected 3-24 lowercase letters/);
    assert.match(run.stderr, /- table\.readCapacity: expected an integer from 1 to 40000, found -1/);
    assert.match(run.stderr, /- table\.pointInTimeRecovery: expected true or false, found "on"/);
    assert.match(run.stderr, /- lambdaa: unknown key/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('malformed JSON names line and column; --json gives the issues as data', async () => {
    const dir = projectDir('{\n  "project": "shop",\n  "region": "eu-west-3",,\n}');
    const run = await runCli(['status', '--json'], { cwd: dir });
    assert.equal(run.code, 2);
    const doc = run.json<{ ok: boolean; error: { issues: { path: string; message: string }[] } }>();
    assert.equal(doc.ok, false);
    assert.equal(doc.error.issues[0]?.path, '(file)');
    assert.match(doc.error.issues[0]?.message ?? '', /line 3, column 25: expected a quoted property name, found ","/);
  });

  it('a config nested 20,000 levels deep is a config error naming the file (exit 2), not an internal error', async () => {
    const dir = projectDir(`${'{"x":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    const run = await runCli(['plan', '--endpoint-url', 'http://127.0.0.1:9'], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^Error: Invalid configuration \(projet1\.config\.json\): 1 problem/m);
    assert.match(run.stderr, /nested more than 100 levels deep at line 1, column 501/);
    assert.doesNotMatch(run.stderr, /Internal error|call stack/);
  });

  it('a bad flag value names the flag', async () => {
    const run = await runCli(['plan', '--region', 'moon-base-1x', '--endpoint-url', 'ftp://x']);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /region: expected an AWS region such as eu-west-3, found "moon-base-1x" \(from flag --region\)/,
    );
    assert.match(run.stderr, /endpointUrl: expected an http\(s\) URL .* \(from flag --endpoint-url\)/);
  });

  it('config prints the resolved settings and their sources without calling AWS', async () => {
    const run = await runCli(['config', '--json', '--region', 'us-east-1'], {
      env: { PATH: process.env.PATH, TF_VAR_environment: 'qa' },
    });
    assert.equal(run.code, 0, run.stderr);
    const doc = run.json<{
      config: { region: string; environment: string };
      sources: Record<string, string>;
      names: { table: string };
    }>();
    assert.equal(doc.config.region, 'us-east-1');
    assert.equal(doc.config.environment, 'qa');
    assert.deepEqual(doc.sources, { environment: 'environment variable TF_VAR_environment', region: 'flag --region' });
  });
});

describe('AWS access errors', () => {
  it('an unreachable endpoint gives one clear error and exit 1', async () => {
    const port = await freePort();
    const run = await runCli(['up', '--endpoint-url', `http://127.0.0.1:${port}`]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr.split('\n').filter((l) => l.startsWith('Error:')).length, 1);
    assert.match(
      run.stderr,
      new RegExp(`Error: Cannot reach the AWS endpoint http://127.0.0.1:${port} \\(ECONNREFUSED\\)`),
    );
    assert.match(run.stderr, /Hint: Is the emulator running\?/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});

describe('an endpoint that accepts connections and never answers', () => {
  it('gives one clear error naming it within a bounded time, for stack and catalog commands', {
    timeout: 30000,
  }, async () => {
    const { createServer } = await import('node:net');
    const held: import('node:net').Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const address = silent.address();
    const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const dir = projectDir({ aws: { requestTimeoutSeconds: 1 } });
    try {
      for (const args of [['plan'], ['products', 'list']]) {
        const run = await runCli([...args, '--endpoint-url', endpoint], { cwd: dir });
        assert.equal(run.code, 1, run.stderr);
        assert.match(
          run.stderr,
          new RegExp(
            `Error: The AWS endpoint ${endpoint} did not answer in time \\(no reply within 1s, after retries\\)\\.`,
          ),
        );
        assert.match(run.stderr, /aws\.requestTimeoutSeconds/);
      }
    } finally {
      for (const s of held) s.destroy();
      silent.close();
    }
  });
});

describe('credentials', () => {
  it('without credentials on real AWS: one clear error, no stack trace, exit 1', async () => {
    // Empty HOME, no keys, instance metadata off: nothing in the standard chain.
    const run = await runCli(['plan'], { env: cleanEnv({ AWS_EC2_METADATA_DISABLED: 'true' }) });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^Error: No AWS credentials found\.\nHint: Configure credentials/m);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });
});

describe('interrupted runs', () => {
  it('a re-run adopts what an interrupted run created and finishes the job without duplicates', async () => {
    const endpoint = emulator.get().endpoint;
    const aws = emulatorClients(endpoint);
    const tags = [
      { Key: 'project', Value: 'resume' },
      { Key: 'environment', Value: 'dev' },
      { Key: 'region', Value: 'eu-west-3' },
      { Key: 'managed-by', Value: 'projet1' },
    ];
    // What a run killed right after CreateTable / CreateRole leaves behind.
    await aws.client(DynamoDBClient).send(
      new CreateTableCommand({
        TableName: 'resume-table',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'product_id', AttributeType: 'S' },
          { AttributeName: 'category', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'product_id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'category-index',
            KeySchema: [{ AttributeName: 'category', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        SSESpecification: { Enabled: true },
        Tags: tags,
      }),
    );
    await aws.client(IAMClient).send(
      new CreateRoleCommand({
        RoleName: 'resume-dev-create-product-euw3',
        AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}',
        Tags: tags,
      }),
    );

    // Deletion protection off: this test removes the stack at its end.
    const dir = projectDir({
      project: 'resume',
      environment: 'dev',
      table: { name: 'resume-table', deletionProtection: false },
    });
    const plan = (await runCli(['plan', '--json', '--endpoint-url', endpoint], { cwd: dir })).json<{
      changes: Change[];
    }>();
    const byId = Object.fromEntries(plan.changes.map((c) => [c.id, c]));
    assert.deepEqual(
      byId.table?.fields.map((f) => f.field),
      ['pointInTimeRecovery', 'ttlAttribute'],
    );
    assert.deepEqual(
      byId['role:create-product']?.fields.map((f) => f.field),
      ['trustPolicy', 'policy'],
    );

    const toCreate = plan.changes.filter((c) => c.action === 'create').length;
    const up = await runCli(['up', '--yes', '--endpoint-url', endpoint], { cwd: dir });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, new RegExp(`Up complete: ${toCreate} created, 2 updated`));
    const tables = (await aws.client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
    assert.equal(tables.filter((t) => t.startsWith('resume')).length, 1);
    const pitr = await aws
      .client(DynamoDBClient)
      .send(new DescribeContinuousBackupsCommand({ TableName: 'resume-table' }));
    assert.equal(
      pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      'ENABLED',
    );
    const policy = await aws
      .client(IAMClient)
      .send(new GetRolePolicyCommand({ RoleName: 'resume-dev-create-product-euw3', PolicyName: 'least-privilege' }));
    assert.ok(policy.PolicyDocument);
    assert.equal((await runCli(['plan', '--exit-code', '--endpoint-url', endpoint], { cwd: dir })).code, 0);
    assert.equal((await runCli(['down', '--yes', '--endpoint-url', endpoint], { cwd: dir })).code, 0);
    aws.destroy();
  });
});
