// The policies `projet1 permissions` prints, proved under the emulator's enforced IAM (AUTH=true): an IAM
// user holding exactly the `deploy` policies (attached as the managed policies they are printed as) runs
// the whole lifecycle; without one of their statements a
// command fails with one line naming the refused action; the `read` policy plans and reads status, and
// its `up` is refused before anything changes. TLS: the buckets' policies refuse plain HTTP to users.
// The CLI talks to a fault proxy on loopback that plays AWS's PassRole check (MiniStack checks none)
// and forwards over TLS to the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, CreateBackupCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsClients } from '../../runtime/aws/clients.js';
import { emulatorCaPath, type EmulatorHandle, install, start } from '../../src/emulator/ministack.js';
import { PASS_ROLE } from '../helpers/aws-behaviour/iam-passrole.js';
import { IAM_POLICY_QUOTAS } from '../helpers/aws-behaviour/iam-quotas.js';
import { cleanEnv, projectDir, runCli, type CliResult } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { only } from '../helpers/held-call.js';
import { inventory } from '../helpers/inventory.js';
import { edited, iamUserWith, type Printed } from '../helpers/permission-users.js';

const PROJECT = 'permproof';
const REGION = 'eu-west-3';
const TABLE = 'products-catalog';

let emulator: EmulatorHandle | undefined;
let proxy: FaultProxy | undefined;
const endpoint = (): string => {
  if (!emulator) throw new Error('emulator not started');
  return emulator.endpoint;
};
const config = { project: PROJECT, environment: 'development', region: REGION, logs: { retentionDays: 14 } };
const dir = projectDir(config);
const rootEnv = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const root = (endpointUrl = endpoint()): AwsClients =>
  new AwsClients(
    { region: REGION, endpointUrl, profile: null, caBundle: [emulatorCaPath()] },
    { credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }) },
  );

/** The CLI, through the proxy (plain HTTP on loopback, which projet1 allows with real-looking keys). */
function cli(args: string[], keys: Record<string, string>, cwd = dir): Promise<CliResult> {
  if (!proxy) throw new Error('proxy not started');
  return runCli([...args, '--endpoint-url', proxy.url], {
    cwd,
    env: cleanEnv({ ...keys, AWS_REGION: REGION, AWS_CA_BUNDLE: emulatorCaPath() }),
  });
}

/** The scope's policies as `--json` lists them (permissions-output.test.ts: the same documents as stdout). */
async function printed(scope: string, cwd = dir): Promise<Printed[]> {
  const res = await cli(['permissions', '--scope', scope, '--json'], rootEnv, cwd);
  assert.equal(res.code, 0, res.stdout);
  return res.json<{ policies: Printed[] }>().policies;
}

let users = 0;
/** A new IAM user holding `policies` (through the proxy, which holds them to IAM's quotas): its keys. */
const userWith = (policies: Printed[]): Promise<Record<string, string>> =>
  iamUserWith(root(proxy?.url).client(IAMClient), `perm-user-${++users}`, policies);

/** Refused before the call: one line naming iam:PassRole and one of the stack's roles (the functions' role). */
function passRoleRefused(res: CliResult, what: string): void {
  assert.notEqual(res.code, 0, `${what} should have failed:\n${res.stderr}`);
  assert.match(
    res.stderr,
    new RegExp(`^.*not authorized to perform: iam:PassRole on resource: arn:aws:iam::\\d+:role/${PROJECT}-\\S+`, 'm'),
    `${what}:\n${res.stderr}`,
  );
}

function ok(res: CliResult, what: string): void {
  assert.equal(res.code, 0, `${what} exited ${res.code}:\n${res.stderr}`);
}

/** A refusal as a user should see it: one line naming the action and the resource, no trace, no "UnknownError". */
function refusedNaming(res: CliResult, actions: string[], what: string): void {
  assert.notEqual(res.code, 0, `${what} should have failed:\n${res.stderr}`);
  const named = actions.filter((a) => res.stderr.includes(a));
  assert.ok(named.length > 0, `${what}: no line names one of ${actions.join(', ')}:\n${res.stderr}`);
  assert.doesNotMatch(res.stderr, /UnknownError|Internal error|\n\s+at .+:\d+:\d+/, `${what}:\n${res.stderr}`);
  // The action, and the resource: AWS's own words, ours when AWS names none, or the failed resource's line.
  for (const line of res.stderr.split('\n').filter((l) => named.some((a) => l.includes(a))))
    assert.match(
      line,
      /not authorized to perform: \S+ (on resource: \S+|.*\(refused on .+\))|^\s+- .+: Access denied/,
      `${what}: ${line}`,
    );
}

before(async () => {
  install();
  emulator = await start({ tls: true });
  proxy = await startFaultProxy(emulator.endpoint, only([PASS_ROLE, IAM_POLICY_QUOTAS]));
});
after(async () => {
  await proxy?.close();
  await emulator?.stop();
});

describe('projet1 permissions, proved under enforced IAM', () => {
  it('the deploy policy runs the lifecycle; each statement taken away fails a command by name', async (t) => {
    const deploy = await printed('deploy');
    assert.equal(deploy.length, 3, 'deploy is printed as three managed policies');
    const deployer = await userWith(deploy);

    ok(await cli(['up', '--yes'], deployer), 'up');
    ok(await cli(['up', '--yes'], deployer), 'no-op up');
    ok(await cli(['plan', '--exit-code'], deployer), 'plan --exit-code after up');
    ok(await cli(['deploy-website'], deployer), 'deploy-website');
    ok(await cli(['status'], deployer), 'status');
    ok(await cli(['logs', '--since', '1h'], deployer), 'logs');
    ok(await cli(['products', 'seed', '--count', '5', '--seed', '1'], deployer), 'products seed');
    ok(
      await cli(
        ['products', 'create', '--name', 'Pen', '--category', 'office', '--price', '2', '--stock', '3'],
        deployer,
      ),
      'products create',
    );
    const list = await cli(['products', 'list', '--json'], deployer);
    ok(list, 'products list');
    assert.equal(list.json<{ count: number }>().count, 6);
    ok(await cli(['admin-token', 'rotate'], deployer), 'admin-token rotate');
    ok(await cli(['backups'], deployer), 'backups');
    const ddb = root().client(DynamoDBClient);
    const backup = await ddb.send(new CreateBackupCommand({ TableName: TABLE, BackupName: 'before-restore' }));
    ok(
      await cli(['restore', '--backup', backup.BackupDetails?.BackupArn ?? '', '--yes'], deployer),
      'restore --backup',
    );

    // The proxy judged every role handed over (the functions' to Lambda, the logging role to API Gateway).
    for (const call of ['lambda.CreateFunction', 'apigateway.UpdateAccount'])
      assert.ok((proxy?.calls.get(call) ?? 0) > 0, `up made no ${call} through the proxy`);
    assert.equal(proxy?.injected.get('iam-passrole-refused') ?? 0, 0, 'the printed policy was refused a PassRole');

    // One statement taken away at a time, each met by a command that needs it. Not here:
    // Monitoring (its read actions are in EMULATOR_RESOURCE_MODEL; it holds the alarms' topic too) and
    // NewDistribution/OwnDistribution (MiniStack 1.5.33 does not check CloudFront's tags). PassRoles:
    // a memory change, which `up` makes with UpdateFunctionConfiguration (it always sends the Role).
    const bigger = projectDir({ ...config, lambda: { memoryMb: 512 } });
    const needs: Record<string, string[]> = {
      Table: ['plan'],
      // The buckets and CloudFront. S3 answers the refused HeadBucket with a bare 403; ListBuckets tells it
      // from another account's.
      Site: ['plan'],
      Roles: ['plan'],
      Functions: ['plan'],
      LogGroups: ['plan'],
      Parameters: ['admin-token', 'show'],
      RestApi: ['plan'],
      NoResourceTypes: ['plan'],
      PassRoles: ['up', '--yes'],
    };
    for (const [sid, args] of Object.entries(needs)) {
      const statement = deploy.flatMap((p) => p.document.Statement).find((s) => s.Sid === sid);
      assert.ok(statement, `no statement ${sid}`);
      const without = await userWith(edited(deploy, (s) => (s.Sid === sid ? undefined : s)));
      const res = await cli(args, without, sid === 'PassRoles' ? bigger : dir);
      const lines = res.stderr.trim().split('\n');
      t.diagnostic(`without ${sid}: ${args[0]} → ${lines.find((l) => /^Error|denied/i.test(l)) ?? lines[0] ?? ''}`);
      refusedNaming(res, statement.Action, `${args.join(' ')} without ${sid}`);
      if (sid === 'PassRoles') passRoleRefused(res, `up without ${sid}`);
    }
    // PassRole granted, but for API Gateway only: handing a role to Lambda is refused all the same.
    const apiOnly = edited(deploy, (s) =>
      s.Sid === 'PassRoles'
        ? { ...s, Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } } }
        : s,
    );
    passRoleRefused(await cli(['up', '--yes'], await userWith(apiOnly), bigger), 'up (API Gateway only)');
    // The printed policy passes the role on the update.
    const refused = proxy?.injected.get('iam-passrole-refused') ?? 0;
    ok(await cli(['up', '--yes'], deployer, bigger), 'up with the memory change');
    assert.equal(proxy?.injected.get('iam-passrole-refused') ?? 0, refused);
    const fn = await root().client(LambdaClient).send(new ListFunctionsCommand({}));
    const ours = (fn.Functions ?? []).filter((f) => f.FunctionName?.startsWith(`${PROJECT}-`));
    assert.ok(ours.length > 0 && ours.every((f) => f.MemorySize === 512), 'the memory change was not made');

    ok(await cli(['down', '--yes'], deployer), 'down');
    await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: TABLE })), /ResourceNotFound|not found/i);
    const left = await inventory(root(), PROJECT);
    assert.deepEqual(
      Object.entries(left).filter(([kind, n]) => n > 0 && kind !== 'roles'),
      [],
      `left after down: ${JSON.stringify(left)}`,
    );
  });

  it('with the WAF and a domain, IAM takes each deploy policy as a managed policy (one document it refuses)', async () => {
    const everything = { ...config, waf: { enabled: true }, website: { domain: 'shop.example.com' } };
    const here = projectDir(everything);
    const deploy = await printed('deploy', here);
    const before = proxy?.injected.get('iam-policy-quota') ?? 0;
    // As one document (what `permissions` printed before it cut them), IAM refuses it for its size.
    const whole = { Version: '2012-10-17', Statement: deploy.flatMap((p) => p.document.Statement) };
    await assert.rejects(
      root(proxy?.url)
        .client(IAMClient, { maxAttempts: 1 })
        .send(new CreatePolicyCommand({ PolicyName: 'projet1-whole', PolicyDocument: JSON.stringify(whole) })),
      /Cannot exceed quota for PolicySize: 6144/,
    );
    const refused = proxy?.injected.get('iam-policy-quota') ?? 0;
    assert.equal(refused, before + 1);
    const deployer = await userWith(deploy);
    assert.equal(proxy?.injected.get('iam-policy-quota'), refused, 'a printed policy was over a quota');
    ok(await cli(['plan'], deployer, here), 'plan with the WAF and a domain');
  });

  it('read plans and reads status, operate runs the catalog; their up is refused before anything changes', async () => {
    // With alarm e-mails: the deploy policy also makes the topics (in the region and in us-east-1).
    const notified = { ...config, alarms: { notifyEmail: 'ops@example.com' } };
    const here = projectDir(notified);
    const deployer = await userWith(await printed('deploy', here));
    ok(await cli(['up', '--yes'], deployer, here), 'up with notifyEmail');
    ok(await cli(['deploy-website'], deployer, here), 'deploy-website');
    const reader = await userWith(await printed('read', here));
    ok(await cli(['plan', '--exit-code'], reader, here), 'plan (read)');
    ok(await cli(['status'], reader, here), 'status (read)');
    ok(await cli(['outputs'], reader, here), 'outputs (read)');
    ok(await cli(['logs', '--since', '1h'], reader, here), 'logs (read)');
    refusedNaming(await cli(['products', 'list'], reader, here), ['dynamodb:'], 'products list (read)');
    const operator = await userWith(await printed('operate', here));
    ok(await cli(['products', 'seed', '--count', '3', '--seed', '2'], operator, here), 'products seed (operate)');
    ok(await cli(['products', 'list'], operator, here), 'products list (operate)');
    ok(await cli(['admin-token', 'show'], operator, here), 'admin-token show (operate)');
    ok(await cli(['backups'], operator, here), 'backups (operate)');
    refusedNaming(await cli(['admin-token', 'rotate'], operator, here), ['ssm:PutParameter'], 'rotate (operate)');

    // A change `up` would make (log retention 14 → 7 days), asked by a reader.
    const changed = projectDir({ ...notified, logs: { retentionDays: 7 } });
    const before = await inventory(root(), PROJECT);
    refusedNaming(await cli(['up', '--yes'], reader, changed), ['ssm:PutParameter'], 'up (read)');
    refusedNaming(await cli(['up', '--yes'], operator, changed), ['ssm:PutParameter'], 'up (operate)');
    const groups = await root()
      .client(CloudWatchLogsClient)
      .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${PROJECT}-development-` }));
    assert.ok((groups.logGroups ?? []).length > 0);
    for (const g of groups.logGroups ?? []) assert.equal(g.retentionInDays, 14, `${g.logGroupName} was changed`);
    assert.deepEqual(await inventory(root(), PROJECT), before);
    // No lock left behind by the refused run.
    await assert.rejects(
      root()
        .client(SSMClient)
        .send(new GetParameterCommand({ Name: `/${PROJECT}/development/lock` })),
      /ParameterNotFound/,
    );
  });
});
