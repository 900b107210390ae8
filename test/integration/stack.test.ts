// End to end on the emulator: up from nothing, idempotent re-run, drift repair,
// ownership conflicts, teardown and its idempotency. State is checked with the SDK.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  APIGatewayClient,
  DeleteMethodCommand,
  GetAccountCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStageCommand,
} from '@aws-sdk/client-api-gateway';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { FUNCTIONS } from '../../src/config/functions.js';
import { parsePolicyDocument } from '../../src/engine/canonical.js';
import type { Change } from '../../src/engine/types.js';
import { cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
const PREFIX = 'projet1-serverless-development';
const TAGS = {
  project: 'projet1-serverless',
  environment: 'development',
  region: 'eu-west-3',
  'managed-by': 'projet1',
};
const dir = projectDir({ project: 'projet1-serverless', environment: 'development', region: 'eu-west-3' });

const aws = () => emulatorClients(emulator.get().endpoint);
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: dir });
const changed = (changes: Change[]) =>
  changes
    .filter((c) => c.action !== 'no-op')
    .map((c) => `${c.action} ${c.id}${c.fields.length ? ` [${c.fields.map((f) => f.field).join(',')}]` : ''}`);

interface UpDoc {
  ok: boolean;
  changes: Change[];
  summary: { counts: Record<string, number> } | null;
  awsCalls: { mutating: number; mutatingOperations: string[] };
}

async function logGroups(prefix: string) {
  const res = await aws()
    .client(CloudWatchLogsClient)
    .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }));
  return res.logGroups ?? [];
}

let TOTAL = 0;

describe('stack lifecycle on the emulator', () => {
  it('up from nothing creates every resource as configured', async () => {
    const plan = (await cli('plan', '--json')).json<{ changes: Change[] }>();
    TOTAL = plan.changes.length;
    assert.ok(plan.changes.every((c) => c.action === 'create'));
    assert.ok(TOTAL >= 25, `the stack has ${TOTAL} resources`);
    // Creating roles grants permissions: without a terminal that needs --yes, and nothing is made.
    const refused = await cli('up');
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /Confirmation needed and this session cannot ask \(no terminal\):\n {2}create iam-role projet1-serverless-development-get-products-euw3: grants permissions/,
    );
    assert.match(refused.stderr, /Pass --yes/);
    assert.match(refused.stderr, /\+\s+create\s+dynamodb-table\s+products-catalog/, 'the plan is shown first');
    assert.deepEqual(
      (await aws().client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [],
      [],
      'nothing created',
    );
    const run = await cli('up', '--yes', '--json');
    assert.equal(run.code, 0, run.stderr);
    const doc = run.json<UpDoc>();
    assert.deepEqual(doc.summary?.counts, { created: TOTAL, updated: 0, deleted: 0, unchanged: 0 });

    const ddb = aws().client(DynamoDBClient);
    const table = (await ddb.send(new DescribeTableCommand({ TableName: 'products-catalog' }))).Table;
    assert.equal(table?.TableStatus, 'ACTIVE');
    assert.deepEqual(table?.KeySchema, [{ AttributeName: 'product_id', KeyType: 'HASH' }]);
    // On-demand by default: nothing provisioned for visitors to exhaust (README, "What an anonymous visitor can cost").
    assert.equal(table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    const gsi = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'category-index');
    assert.deepEqual(gsi?.KeySchema, [{ AttributeName: 'category', KeyType: 'HASH' }]);
    assert.equal(gsi?.Projection?.ProjectionType, 'ALL');
    assert.equal(table?.SSEDescription?.Status, 'ENABLED');
    const pitr = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'products-catalog' }));
    assert.equal(
      pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      'ENABLED',
    );
    const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'products-catalog' }));
    assert.deepEqual(ttl.TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' });
    const tableTags = await ddb.send(new ListTagsOfResourceCommand({ ResourceArn: table?.TableArn }));
    assert.deepEqual(Object.fromEntries((tableTags.Tags ?? []).map((t) => [t.Key, t.Value])), TAGS);

    const iam = aws().client(IAMClient);
    for (const fn of FUNCTIONS) {
      const role = (await iam.send(new GetRoleCommand({ RoleName: `${PREFIX}-${fn.id}-euw3` }))).Role;
      assert.deepEqual(parsePolicyDocument(role?.AssumeRolePolicyDocument), {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      });
      const policy = parsePolicyDocument(
        (await iam.send(new GetRolePolicyCommand({ RoleName: role?.RoleName, PolicyName: 'least-privilege' })))
          .PolicyDocument,
      ) as {
        Statement: { Sid: string; Action: string[]; Resource: string[] }[];
      };
      const bySid = Object.fromEntries(policy.Statement.map((st) => [st.Sid, st]));
      const resources = policy.Statement.flatMap((st) => st.Resource);
      assert.ok(!resources.includes('*'), 'no wildcard resource');
      if (fn.dynamodb.actions.length > 0) {
        assert.deepEqual(
          bySid.ProductsTable?.Action,
          fn.dynamodb.actions,
          `${fn.id} gets only its own DynamoDB actions`,
        );
        assert.ok(
          bySid.ProductsTable?.Resource.includes('arn:aws:dynamodb:eu-west-3:000000000000:table/products-catalog'),
        );
      } else assert.equal(bySid.ProductsTable, undefined, `${fn.id} has no table access`);
      if (fn.readsAdminToken)
        assert.deepEqual(bySid.AdminToken?.Resource, [
          'arn:aws:ssm:eu-west-3:000000000000:parameter/projet1-serverless/development/admin-token',
        ]);
      else assert.equal(bySid.AdminToken, undefined, `${fn.id} cannot read the admin token`);
      assert.deepEqual(bySid.OwnLogGroup?.Resource, [
        `arn:aws:logs:eu-west-3:000000000000:log-group:/aws/lambda/${PREFIX}-${fn.id}`,
        `arn:aws:logs:eu-west-3:000000000000:log-group:/aws/lambda/${PREFIX}-${fn.id}:*`,
      ]);
    }

    const groups = [...(await logGroups(`/aws/lambda/${PREFIX}-`)), ...(await logGroups(`/aws/apigateway/${PREFIX}-`))];
    assert.equal(groups.length, FUNCTIONS.length + 1);
    for (const g of groups) assert.equal(g.retentionInDays, 14, g.logGroupName);
    const outputs = run.json<{ outputs: Record<string, string> }>().outputs;
    assert.match(
      outputs.apiUrl ?? '',
      new RegExp(`^${emulator.get().endpoint}/restapis/[a-z0-9]+/development/_user_request_$`),
    );
    const apiId = outputs['stage.id'] ?? '';
    const stage = await aws()
      .client(APIGatewayClient)
      .send(new GetStageCommand({ restApiId: apiId, stageName: 'development' }));
    assert.equal(
      stage.accessLogSettings?.destinationArn,
      `arn:aws:logs:eu-west-3:000000000000:log-group:/aws/apigateway/${PREFIX}-access`,
    );
    assert.equal(stage.methodSettings?.['*/*']?.throttlingRateLimit, 100);
    assert.equal(stage.methodSettings?.['*/*']?.throttlingBurstLimit, 200);
    for (const fn of FUNCTIONS) {
      const f = await aws()
        .client(LambdaClient)
        .send(new GetFunctionCommand({ FunctionName: `${PREFIX}-${fn.id}` }));
      assert.equal(f.Configuration?.Runtime, 'nodejs22.x');
      assert.equal(f.Configuration?.Timeout, 30);
      assert.equal(f.Configuration?.MemorySize, 256);
      assert.equal(f.Configuration?.Role, `arn:aws:iam::000000000000:role/${PREFIX}-${fn.id}-euw3`);
      assert.deepEqual(f.Tags, TAGS);
    }
    const groupTags = await aws()
      .client(CloudWatchLogsClient)
      .send(
        new ListTagsForResourceCommand({
          resourceArn: `arn:aws:logs:eu-west-3:000000000000:log-group:/aws/apigateway/${PREFIX}-access`,
        }),
      );
    assert.deepEqual(groupTags.tags, TAGS);
  });

  it('a second up makes zero mutating AWS calls', async () => {
    const doc = (await cli('up', '--json')).json<UpDoc>();
    assert.equal(doc.awsCalls.mutating, 0, doc.awsCalls.mutatingOperations.join(', '));
    assert.deepEqual(doc.summary?.counts, { created: 0, updated: 0, deleted: 0, unchanged: TOTAL });
  });

  it("the caller's AWS_CA_BUNDLE is not stack configuration over plain HTTP", async () => {
    const withBundle = await runCli(['plan', '--exit-code', '--endpoint-url', emulator.get().endpoint], {
      cwd: dir,
      env: cleanEnv({ AWS_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt' }),
    });
    assert.equal(withBundle.code, 0, withBundle.stdout + withBundle.stderr);
  });

  it('plan lists out-of-band drift exactly, and up repairs it', async () => {
    await aws()
      .client(DynamoDBClient)
      .send(
        new UpdateContinuousBackupsCommand({
          TableName: 'products-catalog',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        }),
      );
    await aws()
      .client(CloudWatchLogsClient)
      .send(new DeleteLogGroupCommand({ logGroupName: `/aws/apigateway/${PREFIX}-access` }));
    // A sibling read from the same listing, and a method read from the embedded resource listing.
    await aws()
      .client(CloudWatchLogsClient)
      .send(new PutRetentionPolicyCommand({ logGroupName: `/aws/lambda/${PREFIX}-get-products`, retentionInDays: 3 }));
    const gateway = aws().client(APIGatewayClient);
    const restApiId = (await gateway.send(new GetRestApisCommand({}))).items?.find(
      (a) => a.name === `${PREFIX}-api`,
    )?.id;
    const byId = (await gateway.send(new GetResourcesCommand({ restApiId }))).items?.find(
      (r) => r.path === '/products/{product_id}',
    );
    await gateway.send(new DeleteMethodCommand({ restApiId, resourceId: byId?.id, httpMethod: 'DELETE' }));

    const plan = await cli('plan', '--json');
    assert.equal(plan.code, 0);
    assert.deepEqual(changed(plan.json<{ changes: Change[] }>().changes), [
      'update table [pointInTimeRecovery]',
      'update log-group:get-products [retentionDays]',
      'create log-group:api-access',
      'update api [methods]',
    ]);
    const text = await cli('plan', '--exit-code');
    assert.equal(text.code, 2, 'plan --exit-code signals changes');
    assert.match(text.stdout, /update\s+dynamodb-table\s+products-catalog\s+pointInTimeRecovery: false → true/);

    const up = (await cli('up', '--json')).json<UpDoc>();
    assert.deepEqual(up.summary?.counts, { created: 1, updated: 3, deleted: 0, unchanged: TOTAL - 4 });
    assert.equal((await cli('plan', '--exit-code')).code, 0, 'no changes after the repair');
  });

  it('applies capacity and retention changes in place', async () => {
    const edited = projectDir({
      table: { billingMode: 'PROVISIONED', readCapacity: 5, writeCapacity: 7 },
      logs: { retentionDays: 30 },
    });
    const run = await runCli(['up', '--json', '--endpoint-url', emulator.get().endpoint], { cwd: edited });
    const doc = run.json<UpDoc>();
    // The table and every log group (one per function, plus the API access log).
    const updated = 1 + FUNCTIONS.length + 1;
    assert.deepEqual(doc.summary?.counts, { created: 0, updated, deleted: 0, unchanged: TOTAL - updated });
    const table = (
      await aws()
        .client(DynamoDBClient)
        .send(new DescribeTableCommand({ TableName: 'products-catalog' }))
    ).Table;
    assert.equal(table?.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.equal(table?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput?.WriteCapacityUnits, 7);
    for (const g of await logGroups(`/aws/lambda/${PREFIX}-`)) assert.equal(g.retentionInDays, 30);
    // And back to the committed defaults.
    assert.equal((await cli('up', '--json')).json<UpDoc>().summary?.counts.updated, updated);
  });

  it('refuses to touch a resource that belongs to another environment', async () => {
    // Environment "qa" with the default table name collides with development's table.
    const run = await cli('up', '--environment', 'qa');
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /dynamodb-table products-catalog belongs to environment "development", not "qa"/);
    const roles = (await aws().client(IAMClient).send(new ListRolesCommand({}))).Roles ?? [];
    assert.ok(!roles.some((r) => r.RoleName?.startsWith('projet1-serverless-qa-')), 'nothing of qa was created');
    const plan = (await cli('plan', '--environment', 'qa', '--json')).json<{ changes: Change[] }>();
    assert.equal(plan.changes.find((c) => c.id === 'table')?.action, 'conflict');
  });

  it('down refuses without --yes when there is no terminal', async () => {
    const run = await cli('down');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Pass --yes/);
    const tables = (await aws().client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
    assert.ok(tables.includes('products-catalog'));
  });

  it('down deletes everything, in reverse order', async () => {
    const doc = (await cli('down', '--yes', '--json')).json<UpDoc>();
    // All but the account's API Gateway logging role and setting, which every stack of the region shares.
    assert.equal(doc.summary?.counts.deleted, TOTAL - 2);
    const tables = (await aws().client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
    assert.ok(!tables.includes('products-catalog'), 'table gone');
    const roles = (await aws().client(IAMClient).send(new ListRolesCommand({}))).Roles ?? [];
    assert.deepEqual(
      roles.filter((r) => r.RoleName?.startsWith(PREFIX)),
      [],
      'roles gone',
    );
    assert.deepEqual(
      [...(await logGroups(`/aws/lambda/${PREFIX}-`)), ...(await logGroups(`/aws/apigateway/${PREFIX}-`))],
      [],
      'log groups gone',
    );
    const fns = (await aws().client(LambdaClient).send(new ListFunctionsCommand({}))).Functions ?? [];
    assert.deepEqual(
      fns.filter((f) => f.FunctionName?.startsWith(PREFIX)),
      [],
      'functions gone',
    );
    const apis = (await aws().client(APIGatewayClient).send(new GetRestApisCommand({}))).items ?? [];
    assert.deepEqual(
      apis.filter((a) => a.name?.startsWith(PREFIX)),
      [],
      'API gone',
    );
    const params =
      (
        await aws()
          .client(SSMClient)
          .send(new GetParametersByPathCommand({ Path: '/projet1-serverless/', Recursive: true }))
      ).Parameters ?? [];
    assert.deepEqual(params, [], 'admin token gone');
    const account = await aws().client(APIGatewayClient).send(new GetAccountCommand({}));
    assert.match(account.cloudwatchRoleArn ?? '', /:role\/projet1-apigw-logs-euw3$/, 'account logging setting kept');
    await aws()
      .client(IAMClient)
      .send(new GetRoleCommand({ RoleName: 'projet1-apigw-logs-euw3' }));
  });

  it('a second down is a no-op that exits 0', async () => {
    const run = await cli('down', '--yes', '--json');
    assert.equal(run.code, 0);
    const doc = run.json<UpDoc>();
    assert.equal(doc.summary, null);
    assert.equal(doc.awsCalls.mutating, 0);
  });

  it('outputs on an empty stack says nothing is deployed', async () => {
    const run = await cli('outputs');
    assert.equal(run.code, 3);
    assert.match(run.stderr, /Nothing is deployed for projet1-serverless\/development/);
  });
});
