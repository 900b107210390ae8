// regions.secondary, compute and API: the functions (on the replica), their roles and log groups, the
// admin token and origin secret copied, the REST API and its stage in the second region, run by the
// engine there (Resource.region). On MiniStack, which serves each region apart (the region comes from the
// request's signature): state read back in both regions, a product written through one region's API and
// read through the other's, drift in the second region repaired, and `down` leaving nothing in either.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  APIGatewayClient,
  DeleteStageCommand,
  GetRestApisCommand,
  GetStagesCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, ListBackupsCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { RegionApi } from '../../src/core/status-regions.js';
import type { Change } from '../../src/engine/types.js';
import { call, originHeader } from '../helpers/api.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const PRIMARY = 'eu-west-3';
const SECONDARY = 'eu-central-1';
const PROJECT = 'second';
const TABLE = 'second-products';

const emulator = useEmulator();
const aws = (region: string) => emulatorClients(emulator.get().endpoint, region);

interface UpDoc {
  changes: Change[];
  outputs: Record<string, string>;
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
  };
}

/** The stack's functions, roles, APIs and tables in one region, counted straight from the emulator. */
async function inventoryIn(region: string) {
  const a = aws(region);
  const prefix = `${PROJECT}-development-`;
  const fns = (await a.client(LambdaClient).send(new ListFunctionsCommand({}))).Functions ?? [];
  const apis = (await a.client(APIGatewayClient).send(new GetRestApisCommand({ limit: 500 }))).items ?? [];
  const tables = (await a.client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
  const groups =
    (await a.client(CloudWatchLogsClient).send(new DescribeLogGroupsCommand({ logGroupNamePattern: prefix })))
      .logGroups ?? [];
  const params =
    (await a.client(SSMClient).send(new GetParametersByPathCommand({ Path: `/${PROJECT}/development` }))).Parameters ??
    [];
  return {
    functions: fns.filter((f) => f.FunctionName?.startsWith(prefix)).length,
    apis: apis.filter((x) => x.name === `${prefix}api`).length,
    tables: tables.filter((t) => t === TABLE).length,
    logGroups: groups.length,
    parameters: params.length,
  };
}

/** The admin token and the origin secret hold the same value in both regions. */
async function sameParameters(): Promise<void> {
  const read = async (region: string, name: string) =>
    (
      await aws(region)
        .client(SSMClient)
        .send(new GetParameterCommand({ Name: `/${PROJECT}/development/${name}`, WithDecryption: true }))
    ).Parameter?.Value;
  for (const name of ['admin-token', 'origin-secret']) {
    const value = await read(PRIMARY, name);
    assert.ok(value);
    assert.equal(await read(SECONDARY, name), value, name);
  }
}

const functionIn = (region: string, name: string) =>
  aws(region)
    .client(LambdaClient)
    .send(new GetFunctionConfigurationCommand({ FunctionName: name }));

describe('the compute and API in regions.secondary', () => {
  // Edge-only (the default): the secondary's handlers check the origin secret copied from the primary.
  // No token cache: a rotated token is checked at once, in both regions.
  const config = {
    table: { name: TABLE, deletionProtection: false },
    regions: { secondary: SECONDARY },
    api: { tokenCacheSeconds: 0 },
  };
  const p = project(PROJECT, config);
  let urls: { primary: string; secondary: string } = { primary: '', secondary: '' };
  let token = '';
  let edge: Record<string, string> = {};

  it('up makes the functions, API and stage in the second region, shown with it in the plan', async () => {
    const up = await p.cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const doc = up.json<UpDoc>();
    const fn = doc.changes.find((c) => c.id === 'secondary:function:get-products');
    assert.deepEqual(
      [fn?.action, fn?.region, fn?.name],
      ['create', SECONDARY, `${PROJECT}-development-get-products (${SECONDARY})`],
    );
    urls = { primary: doc.outputs.apiUrl ?? '', secondary: doc.outputs['secondary.stage.url'] ?? '' };
    assert.notEqual(urls.secondary, '');
    assert.notEqual(urls.secondary, urls.primary);
    // Six functions' log groups and the API's access logs; the admin token and the origin secret.
    const whole = { functions: 6, apis: 1, tables: 1, logGroups: 7, parameters: 2 };
    assert.deepEqual(await inventoryIn(SECONDARY), whole);
    assert.deepEqual(await inventoryIn(PRIMARY), whole);
    // The function reads the replica in its own region (Lambda gives it AWS_REGION), as its own role.
    const got = await functionIn(SECONDARY, `${PROJECT}-development-get-products`);
    assert.equal(got.Environment?.Variables?.TABLE_NAME, TABLE);
    assert.match(got.Role ?? '', /role\/second-development-get-products-euc1$/);
    const roles = (await aws(PRIMARY).client(IAMClient).send(new ListRolesCommand({}))).Roles ?? [];
    const ours = roles.map((r) => r.RoleName ?? '').filter((n) => n.startsWith(`${PROJECT}-development-`));
    assert.equal(ours.filter((n) => n.endsWith('-euw3')).length, 6);
    assert.equal(ours.filter((n) => n.endsWith('-euc1')).length, 6);
    const stages = await aws(SECONDARY)
      .client(APIGatewayClient)
      .send(new GetStagesCommand({ restApiId: urls.secondary.split('/restapis/')[1]?.split('/')[0] ?? '' }));
    const stage = stages.item?.[0];
    assert.equal(stage?.methodSettings?.['*/*']?.throttlingRateLimit, 100);
    // Its functions' errors and its API's 5XX share, alarmed where their metrics are.
    const alarms = await aws(SECONDARY)
      .client(CloudWatchClient)
      .send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${PROJECT}-development-${PRIMARY}-` }));
    assert.deepEqual(
      (alarms.MetricAlarms ?? []).map((x) => x.AlarmName?.replace(`${PROJECT}-development-${PRIMARY}-`, '')).sort(),
      [
        'api-5xx-rate',
        ...[
          'authorizer',
          'create-product',
          'delete-product',
          'get-product-by-id',
          'get-products',
          'update-product',
        ].map((f) => `${f}-errors`),
      ],
    );
    token = (await p.cli('admin-token', 'show')).stdout.trim();
    edge = await originHeader(aws(PRIMARY), PROJECT);
  });

  it('the admin token and origin secret are the primary values, copied', async () => {
    await sameParameters();
  });

  it('a product written through the primary API is read through the secondary API, and back', async () => {
    const made = await call(`${urls.primary}/products`, 'POST', {
      token,
      headers: edge,
      body: { name: 'Lamp', category: 'home', price: 12, stock: 3 },
    });
    assert.equal(made.status, 201, made.text);
    const id = String(made.body.product_id);
    const there = await call(`${urls.secondary}/products/${id}`, 'GET', { headers: edge });
    assert.equal(there.status, 200, there.text);
    assert.equal(there.body.name, 'Lamp');
    // Without the origin secret the secondary API refuses, as the primary does.
    assert.equal((await call(`${urls.secondary}/products/${id}`, 'GET')).status, 403);
    const back = await call(`${urls.secondary}/products`, 'POST', {
      token,
      headers: edge,
      body: { name: 'Desk', category: 'office', price: 99, stock: 1 },
    });
    assert.equal(back.status, 201, back.text);
    const here = await call(`${urls.primary}/products/${String(back.body.product_id)}`, 'GET', { headers: edge });
    assert.equal(here.body.name, 'Desk', here.text);
  });

  it('status shows which region takes the writes, the replica, and each region answering', async () => {
    const run = await p.cli('status', '--json');
    const doc = run.json<{ regions?: { primary: string; replicaStatus: string; apis: RegionApi[] } }>();
    assert.equal(doc.regions?.primary, PRIMARY);
    assert.equal(doc.regions?.replicaStatus, 'ACTIVE');
    assert.deepEqual(
      doc.regions?.apis.map((a) => [a.region, a.url, a.status]),
      [
        [PRIMARY, `${urls.primary}/products?limit=1`, 200],
        [SECONDARY, `${urls.secondary}/products?limit=1`, 200],
      ],
    );
    const text = await p.cli('status');
    assert.match(text.stdout, /replica in eu-central-1: ACTIVE; APIs: eu-west-3 200, eu-central-1 200\./);
  });

  it('admin-token rotate writes both regions: the new token writes through the secondary API', async () => {
    const rotated = await p.cli('admin-token', 'rotate', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    await sameParameters();
    const fresh = (await p.cli('admin-token', 'show')).stdout.trim();
    assert.notEqual(fresh, token);
    const body = { name: 'Chair', category: 'office', price: 40, stock: 2 };
    const stale = await call(`${urls.secondary}/products`, 'POST', { token, headers: edge, body });
    assert.equal(stale.status, 401, stale.text);
    token = fresh;
    const made = await call(`${urls.secondary}/products`, 'POST', { token, headers: edge, body });
    assert.equal(made.status, 201, made.text);
  });

  it('a second up changes nothing', async () => {
    const up = await p.cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(up.json<UpDoc>().awsCalls.mutatingOperations, []);
  });

  it('a function and the stage deleted by hand in the second region are planned there and made again', async () => {
    const fn = `${PROJECT}-development-get-products`;
    await aws(SECONDARY)
      .client(LambdaClient)
      .send(new DeleteFunctionCommand({ FunctionName: fn }));
    const apiId = urls.secondary.split('/restapis/')[1]?.split('/')[0] ?? '';
    await aws(SECONDARY)
      .client(APIGatewayClient)
      .send(new DeleteStageCommand({ restApiId: apiId, stageName: 'development' }));
    assert.notEqual((await call(`${urls.secondary}/products?limit=1`, 'GET', { headers: edge })).status, 200);
    assert.equal((await call(`${urls.primary}/products?limit=1`, 'GET', { headers: edge })).status, 200);
    const plan = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    const pending = plan.changes.filter((c) => c.action !== 'no-op').map((c) => [c.id, c.action, c.region]);
    // The API lost its permission to invoke the deleted function: granted again.
    assert.deepEqual(pending, [
      ['secondary:function:get-products', 'create', SECONDARY],
      ['secondary:api', 'update', SECONDARY],
      ['secondary:stage', 'create', SECONDARY],
    ]);
    const up = await p.cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.equal((await functionIn(SECONDARY, fn)).FunctionName, fn);
    const list = await call(`${urls.secondary}/products?limit=10`, 'GET', { headers: edge });
    assert.equal(list.status, 200, list.text);
  });

  it("turned off: up deletes the second region's compute and API, then the replica", async () => {
    p.write({ ...config, regions: { secondary: null } });
    const plan = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    const deletes = plan.changes.filter((c) => c.action === 'delete');
    assert.ok(deletes.some((c) => c.id === 'secondary:function:get-products' && c.region === SECONDARY));
    assert.ok(deletes.some((c) => c.id === 'secondary:api' && c.region === SECONDARY));
    assert.ok(deletes.some((c) => c.id === 'table-replica'));
    assert.ok(
      deletes.every((c) => c.id === 'table-replica' || c.region === SECONDARY),
      JSON.stringify(deletes),
    );
    const up = await p.cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await inventoryIn(SECONDARY), { functions: 0, apis: 0, tables: 0, logGroups: 0, parameters: 0 });
    assert.deepEqual(await inventoryIn(PRIMARY), { functions: 6, apis: 1, tables: 1, logGroups: 7, parameters: 2 });
    const again = (await p.cli('plan', '--json')).json<{ changes: Change[] }>();
    assert.deepEqual(
      again.changes.filter((c) => c.action !== 'no-op'),
      [],
    );
  });

  it('down removes both regions, backing the table up once', async () => {
    p.write(config);
    assert.equal((await p.cli('up', '--yes')).code, 0);
    assert.equal((await inventoryIn(SECONDARY)).functions, 6);
    const down = await p.cli('down', '--yes', '--json');
    assert.equal(down.code, 0, down.stderr);
    const none = { functions: 0, apis: 0, tables: 0, logGroups: 0, parameters: 0 };
    assert.deepEqual(await inventoryIn(SECONDARY), none);
    assert.deepEqual(await inventoryIn(PRIMARY), none);
    const roles = (await aws(PRIMARY).client(IAMClient).send(new ListRolesCommand({}))).Roles ?? [];
    assert.deepEqual(
      roles.filter((r) => r.RoleName?.startsWith(`${PROJECT}-development-`)),
      [],
    );
    const backups = async (region: string) =>
      (
        await aws(region)
          .client(DynamoDBClient)
          .send(new ListBackupsCommand({ TableName: TABLE }))
      ).BackupSummaries ?? [];
    assert.equal((await backups(PRIMARY)).length, 1, 'the catalog is backed up before down, once');
    assert.equal((await backups(SECONDARY)).length, 0);
  });
});

describe('without regions.secondary', () => {
  it('the stack has nothing in another region', async () => {
    const plain = project('plain', {});
    const plan = await plain.cli('plan', '--json');
    assert.equal(plan.code, 0, plan.stderr);
    const changes = plan.json<{ changes: Change[] }>().changes;
    assert.ok(changes.length > 20);
    assert.deepEqual(
      changes.filter((c) => c.id.startsWith('secondary:') || c.region !== undefined),
      [],
    );
  });
});
