// API keys and usage plans (api.keys): `up` makes one usage plan per configured plan plus the site's,
// on the stack's stage, and requires a key on the read routes; the distribution sends the site's key,
// so the storefront keeps reading through CloudFront. `api-keys add|list|rotate|remove` manage
// partners' keys: a key works, a missing one is 403 JSON, over its quota 429 JSON, a rotated or
// removed value stops working. Drift is repaired, turning keys off removes the plans, `down` removes
// plans and keys.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  APIGatewayClient,
  DeleteUsagePlanCommand,
  GetApiKeysCommand,
  GetUsagePlansCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { CloudFrontClient, GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront';
import { call, deploy, type Deployed } from '../helpers/api.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { usagePlanWithStages } from '../helpers/aws-behaviour/apigateway-keys.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { viaCloudFront } from '../helpers/site.js';

const PREFIX = 'projet1-serverless-development';
const KEYS = {
  enabled: true,
  plans: {
    basic: { throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 1000, period: 'DAY' } },
    tiny: { throttle: { rateLimit: 50, burstLimit: 100 }, quota: { limit: 3, period: 'DAY' } },
  },
};
let stack: Deployed;
let websiteUrl = '';
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, { api: { keys: KEYS } });
  const out = await runCli(['outputs', '--json', '--endpoint-url', h.endpoint], { cwd: stack.dir });
  websiteUrl = out.json<{ outputs: Record<string, string> }>().outputs.websiteUrl ?? '';
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
const apigw = () => emulatorClients(emulator.get().endpoint).client(APIGatewayClient);
const read = (key?: string) =>
  call(`${stack.url}/products?limit=1`, 'GET', key === undefined ? {} : { headers: { 'x-api-key': key } });

const plans = async () =>
  ((await apigw().send(new GetUsagePlansCommand({ limit: 500 }))).items ?? []).filter((p) =>
    p.name?.startsWith(PREFIX),
  );
const keys = async () =>
  ((await apigw().send(new GetApiKeysCommand({ limit: 500, includeValues: true }))).items ?? []).filter((k) =>
    k.name?.startsWith(PREFIX),
  );

async function add(name: string, ...more: string[]): Promise<string> {
  const made = await cli('api-keys', 'add', name, ...more, '--json');
  assert.equal(made.code, 0, made.stderr);
  const value = made.json<{ value: string }>().value;
  assert.ok(value.length >= 20);
  return value;
}

function setKeys(keys: Record<string, unknown>): void {
  const file = join(stack.dir, 'projet1.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  config.api.keys = { ...config.api.keys, ...keys };
  writeFileSync(file, JSON.stringify(config));
}

describe('API keys and usage plans', () => {
  it('up makes the plans on the stage, tagged, and requires a key on the read routes only', async () => {
    const made = await plans();
    assert.deepEqual(made.map((p) => p.name).sort(), [`${PREFIX}-basic`, `${PREFIX}-site`, `${PREFIX}-tiny`]);
    const tiny = made.find((p) => p.name === `${PREFIX}-tiny`);
    assert.deepEqual([tiny?.quota?.limit, tiny?.quota?.period], [3, 'DAY']);
    assert.equal(tiny?.throttle?.rateLimit, 50);
    assert.equal(tiny?.tags?.project, 'projet1-serverless');
    assert.equal(tiny?.apiStages?.[0]?.stage, 'development');
    const missing = await read();
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error, 'invalid_api_key');
    const write = await call(`${stack.url}/products`, 'POST', { body: {} });
    assert.equal(write.status, 401, 'writes need the admin token, not a key (routes: read)');
  });

  it('the storefront reads through CloudFront: the distribution sends the site key, kept out of the plan', async () => {
    const edge = await viaCloudFront(websiteUrl, '/products?limit=2');
    assert.equal(edge.status, 200, edge.text);
    const site = (await keys()).find((k) => k.name === `${PREFIX}-site`);
    assert.ok(site?.value);
    const id = (await cli('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs['distribution.id'];
    const config = await emulatorClients(emulator.get().endpoint)
      .client(CloudFrontClient)
      .send(new GetDistributionConfigCommand({ Id: id }));
    const api = config.DistributionConfig?.Origins?.Items?.find((o) => o.Id === 'api');
    assert.equal(api?.CustomHeaders?.Items?.find((h) => h.HeaderName === 'x-api-key')?.HeaderValue, site.value);
    const plan = await cli('plan', '--destroy', '--json');
    assert.doesNotMatch(plan.stdout + plan.stderr, new RegExp(site.value), 'the site key is never shown');
  });

  it('add prints the value once; the key reads; list shows it without the value', async () => {
    const value = await add('acme', '--plan', 'basic');
    assert.equal((await read(value)).status, 200);
    const made = (await keys()).find((k) => k.name === `${PREFIX}-acme`);
    assert.deepEqual([made?.tags?.project, made?.tags?.environment], ['projet1-serverless', 'development']);
    const list = await cli('api-keys', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      list.json<{ keys: { name: string; plan: string; enabled: boolean }[] }>().keys.map((k) => [k.name, k.plan]),
      [['acme', 'basic']],
    );
    assert.doesNotMatch(list.stdout + list.stderr, new RegExp(value));
    const text = await cli('api-keys', 'add', 'plain');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^[A-Za-z0-9]{20,}\n$/, 'stdout holds the value alone');
    assert.equal((await cli('api-keys', 'remove', 'plain')).code, 0);
  });

  it('bad input: one clear error, non-zero exit, nothing changed', async () => {
    const before = (await keys()).length;
    const cases: [string[], number, RegExp][] = [
      [['add', 'acme'], 4, /already exists/],
      [['add', 'other', '--plan', 'gold'], 2, /No usage plan "gold"/],
      [['rotate', 'ghost'], 3, /No API key "ghost"/],
      [['remove', 'ghost'], 3, /No API key "ghost"/],
      [['add', 'site'], 2, /not a usable key name/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli('api-keys', ...args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    assert.equal((await keys()).length, before);
  });

  it('over the plan quota: 429 JSON', async () => {
    const value = await add('small', '--plan', 'tiny');
    for (let i = 0; i < 3; i++) assert.equal((await read(value)).status, 200, `call ${i + 1}`);
    const over = await read(value);
    assert.equal(over.status, 429);
    assert.equal(over.body.error, 'quota_exceeded');
  });

  it('rotate gives a working new value and the old one stops; remove stops a key', async () => {
    const old = (await keys()).find((k) => k.name === `${PREFIX}-acme`)?.value ?? '';
    const rotated = await cli('api-keys', 'rotate', 'acme', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = rotated.json<{ value: string; plan: string }>();
    assert.equal(fresh.plan, 'basic');
    assert.notEqual(fresh.value, old);
    assert.equal((await read(fresh.value)).status, 200);
    assert.equal((await read(old)).status, 403);
    assert.equal((await cli('api-keys', 'remove', 'acme')).code, 0);
    assert.equal((await read(fresh.value)).status, 403);
  });

  it('a plan changed by hand is planned and repaired', async () => {
    const basic = (await plans()).find((p) => p.name === `${PREFIX}-basic`);
    await apigw().send(
      new UpdateUsagePlanCommand({
        usagePlanId: basic?.id,
        patchOperations: [{ op: 'replace', path: '/quota/limit', value: '5' }],
      }),
    );
    const plan = await cli('plan', '--json');
    const changes = plan.json<{ changes: { id: string; action: string }[] }>().changes;
    assert.deepEqual(
      changes.filter((c) => c.action !== 'no-op').map((c) => [c.id, c.action]),
      [['usage-plan:basic', 'update']],
    );
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal(Number((await plans()).find((p) => p.name === `${PREFIX}-basic`)?.quota?.limit), 1000);
    const again = (await cli('plan', '--json')).json<{ changes: { action: string }[] }>().changes;
    assert.deepEqual(
      again.filter((c) => c.action !== 'no-op'),
      [],
      'repaired: nothing left to change',
    );
  });

  it('a plan removed from the configuration is deleted by up; its keys stay, in no plan', async () => {
    setKeys({ plans: { basic: KEYS.plans.basic } });
    const plan = await cli('plan', '--json');
    const changes = plan.json<{ changes: { name: string; action: string }[] }>().changes;
    assert.deepEqual(
      changes.filter((c) => c.action !== 'no-op').map((c) => [c.name, c.action]),
      [[`${PREFIX}-tiny`, 'delete']],
    );
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.deepEqual((await plans()).map((p) => p.name).sort(), [`${PREFIX}-basic`, `${PREFIX}-site`]);
    const list = (await cli('api-keys', 'list', '--json')).json<{ keys: { name: string; plan: string | null }[] }>();
    assert.deepEqual(
      list.keys.map((k) => [k.name, k.plan]),
      [['small', null]],
    );
  });

  it('keys off: up removes the plans and the site key, reads are open; down removes the partners keys', async () => {
    setKeys({ enabled: false });
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await plans(), []);
    assert.deepEqual(
      (await keys()).map((k) => k.name),
      [`${PREFIX}-small`],
    );
    assert.equal((await read()).status, 200);
    assert.equal((await viaCloudFront(websiteUrl, '/products?limit=1')).status, 200);
    const off = await cli('api-keys', 'add', 'late');
    assert.equal(off.code, 2);
    assert.match(off.stderr, /API keys are off for this stack/);
    setKeys({ enabled: true });
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal((await plans()).length, 2);
    const destroy = (await cli('plan', '--destroy', '--json')).json<{ changes: { id: string; action: string }[] }>();
    const deleted = destroy.changes.filter((c) => c.action === 'delete').map((c) => c.id);
    for (const id of ['usage-plan:basic', 'usage-plan:site', 'api-key:site'])
      assert.ok(deleted.includes(id), `${id} in ${deleted}`);
    assert.ok(
      deleted.some((id) => id.startsWith('found:api-key:')),
      'the partner key',
    );
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await plans(), []);
    assert.deepEqual(await keys(), []);
  });
});

describe('as AWS treats a usage plan on a stage, with lost answers', () => {
  it('each plan and key is made once; down removes each plan from the stage before deleting it', async () => {
    const proxy = await startFaultProxy(emulator.get().endpoint, {
      ...awsLike(0.01, { iamPropagationMs: 0, lambdaUpdateMs: 0, cloudfrontMs: 0, readAfterCreateMs: 0 }),
      behaviours: [usagePlanWithStages],
      // Creates AWS does not deduplicate (names are not unique): a lost answer must not make a second one.
      loseFirstAnswerOf: ['apigateway.CreateUsagePlan', 'apigateway.CreateApiKey'],
    });
    try {
      const dir = projectDir({
        project: 'keysaws',
        table: { name: 'keysaws-table' },
        api: { edgeOnly: false, keys: { enabled: true } },
      });
      const run = (...args: string[]) => runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
      const up = await run('up', '--yes');
      assert.equal(up.code, 0, up.stderr);
      const made = ((await apigw().send(new GetUsagePlansCommand({ limit: 500 }))).items ?? []).filter((p) =>
        p.name?.startsWith('keysaws-'),
      );
      assert.equal(made.length, 2);
      // The partner's key too (the proxy above lost the site key's answer).
      const lossy = await startFaultProxy(emulator.get().endpoint, {
        ...REALISTIC,
        randomFault: 0,
        slow: 0,
        loseFirstAnswerOf: ['apigateway.CreateApiKey'],
      });
      const added = await runCli(['api-keys', 'add', 'p1', '--json', '--endpoint-url', lossy.url], {
        cwd: dir,
      }).finally(() => lossy.close());
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual([...lossy.lostOnce], ['apigateway.CreateApiKey']);
      const stored = (
        (await apigw().send(new GetApiKeysCommand({ limit: 500, includeValues: true }))).items ?? []
      ).find((k) => k.name === 'keysaws-development-p1');
      assert.equal(added.json<{ value: string }>().value, stored?.value, 'the value printed is the key found again');
      const ours = ((await apigw().send(new GetApiKeysCommand({ limit: 500 }))).items ?? []).filter((k) =>
        k.name?.startsWith('keysaws-'),
      );
      assert.deepEqual(ours.map((k) => k.name).sort(), ['keysaws-development-p1', 'keysaws-development-site']);
      assert.deepEqual([...proxy.lostOnce].sort(), ['apigateway.CreateApiKey', 'apigateway.CreateUsagePlan']);
      // The behaviour is in force: a plan deleted with its stage is refused, as AWS refuses it.
      const viaProxy = emulatorClients(proxy.url).client(APIGatewayClient);
      await assert.rejects(
        viaProxy.send(new DeleteUsagePlanCommand({ usagePlanId: made[0]?.id })),
        (err: Error) => err.name === 'BadRequestException',
      );
      const down = await run('down', '--yes');
      assert.equal(down.code, 0, down.stderr);
      const left = ((await apigw().send(new GetUsagePlansCommand({ limit: 500 }))).items ?? []).filter((p) =>
        p.name?.startsWith('keysaws-'),
      );
      assert.deepEqual(left, []);
      const keysLeft = ((await apigw().send(new GetApiKeysCommand({ limit: 500 }))).items ?? []).filter((k) =>
        k.name?.startsWith('keysaws-'),
      );
      assert.deepEqual(keysLeft, [], 'the partner key too');
    } finally {
      await proxy.close();
    }
  });
});
