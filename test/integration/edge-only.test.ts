// The API answers only through the site (api.edgeOnly, on by default): `up` keeps a secret in SSM that
// the distribution sends the API origin as a header; a direct call to the execute-api URL gets 403 JSON
// and changes nothing, through the emulator's CloudFront the API answers; CORS is off by default;
// `status` still probes the API; `admin-token rotate` rotates the secret (the previous one accepted
// until the next rotation); a header removed by hand is repaired; `api.edgeOnly: false` reopens the
// direct URL and removes the secret after the distribution stops sending it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CloudFrontClient, GetDistributionConfigCommand, UpdateDistributionCommand } from '@aws-sdk/client-cloudfront';
import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { call, deploy, type Deployed, tableSnapshot } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { viaCloudFront } from '../helpers/site.js';

const PARAMETER = '/projet1-serverless/development/origin-secret';
const HEADER = 'X-Origin-Verify';
let stack: Deployed;
let websiteUrl = '';
const emulator = useEmulator(async (h) => {
  // The handlers cache the secret for api.tokenCacheSeconds: 0 shows each rotation at once.
  stack = await deploy(h.endpoint, { api: { edgeOnly: null, tokenCacheSeconds: 0 } });
  const out = await runCli(['outputs', '--json', '--endpoint-url', h.endpoint], { cwd: stack.dir });
  websiteUrl = out.json<{ outputs: Record<string, string> }>().outputs.websiteUrl ?? '';
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const aws = () => emulatorClients(emulator.get().endpoint);
const cf = () => aws().client(CloudFrontClient);

async function secretValues(): Promise<string[] | undefined> {
  try {
    const got = await aws()
      .client(SSMClient)
      .send(new GetParameterCommand({ Name: PARAMETER, WithDecryption: true }));
    assert.equal(got.Parameter?.Type, 'SecureString');
    return (got.Parameter?.Value ?? '').split(' ');
  } catch (err) {
    if (err instanceof Error && err.name === 'ParameterNotFound') return undefined;
    throw err;
  }
}

const distributionId = async () =>
  (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs['distribution.id'] ?? '';

/** The API origin's custom headers, as the distribution holds them. */
async function apiOriginHeaders(): Promise<Record<string, string>> {
  const got = await cf().send(new GetDistributionConfigCommand({ Id: await distributionId() }));
  const api = got.DistributionConfig?.Origins?.Items?.find((o) => o.Id === 'api');
  return Object.fromEntries((api?.CustomHeaders?.Items ?? []).map((h) => [h.HeaderName ?? '', h.HeaderValue ?? '']));
}

const direct = (path: string, opts: Parameters<typeof call>[2] = {}) => call(`${stack.url}${path}`, 'GET', opts);

describe('the API only through the site', () => {
  it('the distribution sends the secret kept in SSM; direct calls get 403 and change nothing', async () => {
    const [secret, ...older] = (await secretValues()) ?? [];
    assert.ok(secret && secret.length >= 40, 'a generated secret');
    assert.deepEqual(older, []);
    assert.deepEqual(await apiOriginHeaders(), { [HEADER]: secret });

    const read = await direct('/products');
    assert.equal(read.status, 403);
    assert.equal(read.body.error, 'forbidden');
    assert.match(String(read.body.message), /through the site/);
    assert.equal((await direct('/products', { headers: { [HEADER]: 'guess-guess-guess' } })).status, 403);

    const before = await tableSnapshot(aws());
    const write = await call(`${stack.url}/products`, 'POST', {
      token: stack.token,
      body: { name: 'Lamp', category: 'home', price: 10, stock: 1 },
    });
    assert.equal(write.status, 403, 'a valid admin token does not open the direct URL');
    assert.equal(await tableSnapshot(aws()), before, 'nothing written');

    const edge = await viaCloudFront(websiteUrl, '/products?limit=2');
    assert.equal(edge.status, 200, edge.text);
    assert.ok(Array.isArray(JSON.parse(edge.text).items));
  });

  it('CORS is off by default: no Access-Control-* header, no preflight route', async () => {
    const edge = await viaCloudFront(websiteUrl, '/products?limit=1', { headers: { Origin: 'https://other.example' } });
    assert.equal(edge.status, 200);
    assert.equal(edge.headers['access-control-allow-origin'], undefined);
    const denied = await direct('/products', { headers: { Origin: 'https://other.example' } });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const preflight = await call(`${stack.url}/products`, 'OPTIONS', {
      headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.notEqual(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('status probes the API with the secret CloudFront sends', async () => {
    const status = await cli('status', '--json');
    const probes = status.json<{ probes: { kind: string; status: number }[] }>().probes;
    assert.equal(probes.find((p) => p.kind === 'api')?.status, 200, status.stdout);
  });

  it('admin-token rotate rotates the secret; the previous one works until the next rotation', async () => {
    const [first = ''] = (await secretValues()) ?? [];
    const rotated = await cli('admin-token', 'rotate', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(rotated.json<{ originSecret?: string }>().originSecret, PARAMETER);
    assert.doesNotMatch(rotated.stdout + rotated.stderr, new RegExp(first), 'the secret is never printed');
    const [second = '', kept] = (await secretValues()) ?? [];
    assert.notEqual(second, first);
    assert.equal(kept, first);
    assert.deepEqual(await apiOriginHeaders(), { [HEADER]: second });
    assert.equal((await viaCloudFront(websiteUrl, '/products?limit=1')).status, 200);
    assert.equal((await direct('/products', { headers: { [HEADER]: first } })).status, 200, 'the previous one');

    assert.equal((await cli('admin-token', 'rotate')).code, 0);
    assert.equal((await direct('/products', { headers: { [HEADER]: first } })).status, 403, 'dropped');
    assert.equal((await direct('/products', { headers: { [HEADER]: second } })).status, 200);
    assert.equal((await viaCloudFront(websiteUrl, '/products?limit=1')).status, 200);
  });

  it('a header removed by hand is drift: plan shows it without the value, up repairs it', async () => {
    const Id = await distributionId();
    const current = await cf().send(new GetDistributionConfigCommand({ Id }));
    const config = current.DistributionConfig;
    assert.ok(config?.Origins?.Items);
    const origins = config.Origins.Items.map((o) =>
      o.Id === 'api' ? { ...o, CustomHeaders: { Quantity: 0, Items: [] } } : o,
    );
    await cf().send(
      new UpdateDistributionCommand({
        Id,
        IfMatch: current.ETag,
        DistributionConfig: { ...config, Origins: { Quantity: origins.length, Items: origins } },
      }),
    );
    assert.equal((await viaCloudFront(websiteUrl, '/products?limit=1')).status, 403, 'the site lost its API');
    const [secret = ''] = (await secretValues()) ?? [];
    const plan = await cli('plan');
    assert.match(plan.stdout, /originSecret/);
    assert.ok(!plan.stdout.includes(secret), 'the plan never shows the secret');
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.deepEqual(await apiOriginHeaders(), { [HEADER]: secret });
    assert.equal((await viaCloudFront(websiteUrl, '/products?limit=1')).status, 200);
  });

  it('api.edgeOnly false opens the direct URL and removes the secret', async () => {
    writeFileSync(join(stack.dir, 'projet1.config.json'), JSON.stringify({ api: { edgeOnly: false } }));
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await apiOriginHeaders(), {});
    assert.equal(await secretValues(), undefined, 'the parameter is deleted');
    assert.equal((await direct('/products')).status, 200);
    assert.equal((await viaCloudFront(websiteUrl, '/products?limit=1')).status, 200);
  });

  it('the public list has its own throttling, tighter than the stage', async () => {
    // At 1 a second, to see it apart from the stage's (100).
    const api = { edgeOnly: false, listRateLimit: 1, listBurstLimit: 1 };
    writeFileSync(join(stack.dir, 'projet1.config.json'), JSON.stringify({ api }));
    assert.equal((await cli('up', '--yes')).code, 0);
    const stage = await aws()
      .client(APIGatewayClient)
      .send(
        new GetStageCommand({ restApiId: stack.url.split('/restapis/')[1]?.split('/')[0], stageName: 'development' }),
      );
    const list = Object.entries(stage.methodSettings ?? {}).find(([key]) => key.replace(/^\//, '') === 'products/GET');
    assert.deepEqual([list?.[1].throttlingRateLimit, list?.[1].throttlingBurstLimit], [1, 1]);
    // MiniStack enforces a method's own limits (a token bucket per method), as API Gateway does.
    const lists = await Promise.all(Array.from({ length: 5 }, () => direct('/products')));
    assert.ok(
      lists.some((r) => r.status === 429),
      `list statuses: ${lists.map((r) => r.status)}`,
    );
    const reads = await Promise.all(Array.from({ length: 5 }, () => direct('/products/nothing-here')));
    assert.deepEqual(new Set(reads.map((r) => r.status)), new Set([404]), 'a product read keeps the stage limit');
  });
});
