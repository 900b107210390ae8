// The policy `projet1 permissions` prints, proved under the emulator's enforced IAM (AUTH=true): an IAM
// user holding exactly the `deploy` policy runs the whole lifecycle; without one of its statements a
// command fails with one line naming the refused action; the `read` policy plans and reads status, and
// its `up` is refused before anything changes. TLS: the buckets' policies refuse plain HTTP to users.
// The CLI talks to a fault proxy on loopback that plays AWS's PassRole check (MiniStack checks none)
// and forwards over TLS to the emulator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, CreateBackupCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsClients } from '../../runtime/aws/clients.js';
import type { PolicyDocument, PolicyStatement } from '../../src/core/permissions.js';
import { emulatorCaPath, type EmulatorHandle, install, start } from '../../src/emulator/ministack.js';
import { PASS_ROLE } from '../helpers/aws-behaviour/iam-passrole.js';
import { cleanEnv, projectDir, runCli, type CliResult } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { only } from '../helpers/held-call.js';
import { inventory } from '../helpers/inventory.js';

const PROJECT = 'permproof';
const REGION = 'eu-west-3';
const TABLE = 'products-catalog';

/**
 * Actions MiniStack 1.5.33 authorizes against "*" (or, for CloudFront, without the resource's tags),
 * where AWS authorizes them on the resource the printed policy names (Service Authorization Reference):
 * its IAM cannot tell a scoped grant from none. The user gets them on "*" in a statement of their own,
 * so everything else is proved exactly as printed; these scopes are not proved here.
 */
const EMULATOR_RESOURCE_MODEL = [
  // CloudWatch: the emulator names a resource only from AlarmName.
  'cloudwatch:GetDashboard',
  'cloudwatch:PutDashboard',
  'cloudwatch:DeleteDashboards',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:ListTagsForResource',
  // DynamoDB: only TableName names the table (not ResourceArn, not a backup ARN).
  'dynamodb:ListTagsOfResource',
  'dynamodb:TagResource',
  'dynamodb:RestoreTableFromBackup',
  'dynamodb:DescribeBackup',
  // SNS: only TopicArn (or Name) names the topic, not ResourceArn or a subscription's ARN.
  'sns:ListTagsForResource',
  'sns:TagResource',
  'sns:Unsubscribe',
  // SSM: GetParameters (several Names) is authorized against "*" there; AWS checks each parameter's ARN.
  'ssm:GetParameters',
  // Lambda: POST /functions names no function.
  'lambda:CreateFunction',
  // CloudFront: origin access controls, response-headers policies and tag queries name no resource
  // (its IAM layer names only distributions); distributions' tags are not read for aws:ResourceTag, and
  // CreateDistributionWithTags is its own action there.
  'cloudfront:CreateResponseHeadersPolicy',
  'cloudfront:GetResponseHeadersPolicy',
  'cloudfront:UpdateResponseHeadersPolicy',
  'cloudfront:DeleteResponseHeadersPolicy',
  'cloudfront:GetOriginAccessControl',
  'cloudfront:DeleteOriginAccessControl',
  'cloudfront:ListTagsForResource',
  'cloudfront:CreateDistributionWithTags',
  'cloudfront:CreateInvalidation',
  'cloudfront:UpdateDistribution',
  'cloudfront:DeleteDistribution',
  // CloudWatch Logs: the delivery calls (CloudFront's access logs) name no resource there, only a log group
  // name or a tagging call's resourceArn does.
  'logs:PutDeliverySource',
  'logs:DeleteDeliverySource',
  'logs:PutDeliveryDestination',
  'logs:DeleteDeliveryDestination',
  'logs:CreateDelivery',
  'logs:DeleteDelivery',
];

let emulator: EmulatorHandle | undefined;
let proxy: FaultProxy | undefined;
const endpoint = (): string => {
  if (!emulator) throw new Error('emulator not started');
  return emulator.endpoint;
};
const config = { project: PROJECT, environment: 'development', region: REGION, logs: { retentionDays: 14 } };
const dir = projectDir(config);
const rootEnv = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const root = (): AwsClients =>
  new AwsClients(
    { region: REGION, endpointUrl: endpoint(), profile: null, caBundle: [emulatorCaPath()] },
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

async function printed(scope: string, cwd = dir): Promise<PolicyDocument> {
  const res = await cli(['permissions', '--scope', scope], rootEnv, cwd);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as PolicyDocument;
}

let users = 0;
/** A new IAM user holding `policy` (plus the emulator's resource-model statement): its keys. */
async function userWith(policy: PolicyDocument): Promise<Record<string, string>> {
  const iam = root().client(IAMClient);
  const UserName = `perm-user-${++users}`;
  await iam.send(new CreateUserCommand({ UserName }));
  const emulatorStatement: PolicyStatement = {
    Sid: 'EmulatorResourceModel',
    Effect: 'Allow',
    Action: EMULATOR_RESOURCE_MODEL,
    Resource: '*',
  };
  const doc = { ...policy, Statement: [...policy.Statement, emulatorStatement] };
  await iam.send(new PutUserPolicyCommand({ UserName, PolicyName: 'projet1', PolicyDocument: JSON.stringify(doc) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey;
  return { AWS_ACCESS_KEY_ID: key?.AccessKeyId ?? '', AWS_SECRET_ACCESS_KEY: key?.SecretAccessKey ?? '' };
}

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
  proxy = await startFaultProxy(emulator.endpoint, only([PASS_ROLE]));
});
after(async () => {
  await proxy?.close();
  await emulator?.stop();
});

describe('projet1 permissions, proved under enforced IAM', () => {
  it('the deploy policy runs the lifecycle; each statement taken away fails a command by name', async (t) => {
    const deploy = await printed('deploy');
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
      const statement = deploy.Statement.find((s) => s.Sid === sid);
      assert.ok(statement, `no statement ${sid}`);
      const without = await userWith({ ...deploy, Statement: deploy.Statement.filter((s) => s.Sid !== sid) });
      const res = await cli(args, without, sid === 'PassRoles' ? bigger : dir);
      const lines = res.stderr.trim().split('\n');
      t.diagnostic(`without ${sid}: ${args[0]} → ${lines.find((l) => /^Error|denied/i.test(l)) ?? lines[0] ?? ''}`);
      refusedNaming(res, statement.Action, `${args.join(' ')} without ${sid}`);
      if (sid === 'PassRoles') passRoleRefused(res, `up without ${sid}`);
    }
    // PassRole granted, but for API Gateway only: handing a role to Lambda is refused all the same.
    const apiOnly = deploy.Statement.map((s) =>
      s.Sid === 'PassRoles'
        ? { ...s, Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } } }
        : s,
    );
    passRoleRefused(
      await cli(['up', '--yes'], await userWith({ ...deploy, Statement: apiOnly }), bigger),
      'up (API Gateway only)',
    );
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

  it('prints the policy alone on stdout; --json wraps it; a wrong scope or account is a usage error', async () => {
    const text = await cli(['permissions', '--scope', 'operate', '--account-id', '123456789012'], rootEnv);
    ok(text, 'permissions');
    const doc = JSON.parse(text.stdout) as PolicyDocument;
    assert.equal(doc.Version, '2012-10-17');
    assert.ok(doc.Statement.every((s) => !s.Action.some((a) => /^dynamodb:(Create|Delete)Table$/.test(a))));
    const json = await cli(['permissions', '--json', '--account-id', '123456789012'], rootEnv);
    assert.deepEqual(Object.keys(json.json()), ['ok', 'command', 'scope', 'accountId', 'policy']);
    assert.equal(json.stderr, '');
    for (const args of [
      ['--scope', 'admin'],
      ['--account-id', '12345'],
    ]) {
      const bad = await cli(['permissions', ...args], rootEnv);
      assert.equal(bad.code, 2, bad.stderr);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /^Error: --(scope|account-id) must be/);
    }
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
