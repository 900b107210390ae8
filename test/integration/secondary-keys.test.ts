// api.keys with regions.secondary: the second region's API requires keys on the same routes, so it
// needs the same usage plans and the same keys, with the same values (API keys are regional): the site
// key the distribution sends whichever region it serves, and each partner's key (a partner keeps one
// key across a failover). Checked on the second region's own URL: 200 with the key, 403 without;
// `api-keys rotate` and `remove` act in both regions; a stale copy is replaced by `up`; `down` leaves
// no key in either region.
// On the emulator, a key's value is looked up in every region, the first made first (MiniStack 1.5.33
// apigateway_v1.py `_resolve_api_key` iterates all regions' keys): while the primary's key exists, a
// call to the secondary with that value finds the primary's key, not in the secondary's plan, and is
// refused (AWS looks keys up in the API's own region). So the secondary's 200 is checked once the
// primary's keys are gone, as in the loss of that region; before that, its plans are read back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APIGatewayClient,
  DeleteApiKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { call } from '../helpers/api.js';
import { awsError } from '../helpers/aws-reply.js';
import type { Behaviour } from '../helpers/aws-behaviour/types.js';
import { REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const PRIMARY = 'eu-west-3';
const SECONDARY = 'eu-central-1';
const PREFIX = 'keys2-development';

const emulator = useEmulator();
const dir = projectDir({
  project: 'keys2',
  region: PRIMARY,
  table: { name: 'keys2-products', deletionProtection: false },
  regions: { secondary: SECONDARY },
  api: { keys: { enabled: true } },
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: dir });
const apigw = (region: string) => emulatorClients(emulator.get().endpoint, region).client(APIGatewayClient);

/** The stack's keys in a region, with their values. */
async function keysIn(region: string) {
  const all = (await apigw(region).send(new GetApiKeysCommand({ limit: 500, includeValues: true }))).items ?? [];
  return all.filter((k) => k.name?.startsWith(`${PREFIX}-`));
}
const keyOf = async (region: string, name: string) =>
  (await keysIn(region)).find((k) => k.name === `${PREFIX}-${name}`);
const keyValue = async (region: string, name: string) => (await keyOf(region, name))?.value;

/** The plan of the second region holding the key of that name: its name and the stage it covers. */
async function planThere(name: string): Promise<{ plan: string; stage: string } | undefined> {
  const key = await keyOf(SECONDARY, name);
  const plans = (await apigw(SECONDARY).send(new GetUsagePlansCommand({ limit: 500 }))).items ?? [];
  for (const p of plans.filter((x) => x.name?.startsWith(`${PREFIX}-`))) {
    const held = await apigw(SECONDARY).send(new GetUsagePlanKeysCommand({ usagePlanId: p.id, limit: 500 }));
    const stage = p.apiStages?.[0];
    if ((held.items ?? []).some((k) => k.id === key?.id))
      return { plan: p.name?.slice(PREFIX.length + 1) ?? '', stage: `${stage?.apiId}/${stage?.stage}` };
  }
  return undefined;
}
/** The second region's stage, as "apiId/stage", from its URL. */
const stageThere = () => (urls.secondary.split('/restapis/')[1] ?? '').replace('/_user_request_', '');

let urls = { primary: '', secondary: '' };
const read = (url: string, key?: string) =>
  call(`${url}/products?limit=1`, 'GET', key === undefined ? {} : { headers: { 'x-api-key': key } });

async function statusOf(key: string): Promise<[number, number]> {
  return [(await read(urls.primary, key)).status, (await read(urls.secondary, key)).status];
}

describe('API keys in regions.secondary', () => {
  it('up makes the plans and the site key in the second region, with the primary key value', async () => {
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const outputs = up.json<{ outputs: Record<string, string> }>().outputs;
    urls = { primary: outputs.apiUrl ?? '', secondary: outputs['secondary.stage.url'] ?? '' };
    assert.notEqual(urls.secondary, '');
    const site = await keyValue(PRIMARY, 'site');
    assert.ok(site);
    assert.equal(await keyValue(SECONDARY, 'site'), site, 'the same site key value in both regions');
    assert.deepEqual(await planThere('site'), { plan: 'site', stage: stageThere() });
    assert.doesNotMatch(up.stdout + up.stderr, new RegExp(site), 'the site key is never shown');
    assert.equal((await read(urls.primary, site)).status, 200);
    assert.equal((await read(urls.secondary)).status, 403, 'no key: refused in the second region too');
  });

  it('api-keys add makes the partner key in both regions, one value, the same plan', async () => {
    const add = await cli('api-keys', 'add', 'acme', '--json');
    assert.equal(add.code, 0, add.stderr);
    const value = add.json<{ value: string }>().value;
    assert.equal(await keyValue(SECONDARY, 'acme'), value);
    assert.deepEqual(await planThere('acme'), { plan: 'basic', stage: stageThere() });
    assert.equal((await read(urls.primary, value)).status, 200);
  });

  it('api-keys rotate: the new value in both regions, the old in neither', async () => {
    const old = (await keyValue(PRIMARY, 'acme')) ?? '';
    const rotated = await cli('api-keys', 'rotate', 'acme', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = rotated.json<{ value: string }>().value;
    assert.notEqual(fresh, old);
    assert.equal((await read(urls.primary, fresh)).status, 200);
    assert.equal(await keyValue(SECONDARY, 'acme'), fresh);
    assert.equal((await keysIn(SECONDARY)).filter((k) => k.name === `${PREFIX}-acme`).length, 1);
    assert.deepEqual(await planThere('acme'), { plan: 'basic', stage: stageThere() });
    assert.deepEqual(await statusOf(old), [403, 403]);
  });

  it("the primary's keys lost: the second region's API answers the site key and the partner's", async () => {
    const site = (await keyValue(PRIMARY, 'site')) ?? '';
    const acme = (await keyValue(PRIMARY, 'acme')) ?? '';
    for (const name of ['site', 'acme']) {
      const k = await keyOf(PRIMARY, name);
      await apigw(PRIMARY).send(new DeleteApiKeyCommand({ apiKey: k?.id }));
    }
    assert.equal((await read(urls.secondary, site)).status, 200);
    assert.equal((await read(urls.secondary, acme)).status, 200);
    assert.equal((await read(urls.secondary, 'not-a-key-0123456789')).status, 403);
  });

  it("up: a new site key in the primary, the second region's copy replaced by one of the same value", async () => {
    const before = (await keyValue(SECONDARY, 'site')) ?? '';
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const changes = up
      .json<{ changes: { id: string; action: string; fields: { field: string }[] }[] }>()
      .changes.filter((c) => c.id.includes('api-key'));
    assert.deepEqual(changes.map((c) => [c.id, c.action, c.fields.map((f) => f.field).join()]).sort(), [
      ['api-key:site', 'create', ''],
      ['secondary:api-key:site', 'update', 'value'],
      // acme's key is gone from the stack's region: its copy goes too.
      ['secondary:api-keys:partners', 'update', 'stale copies'],
    ]);
    assert.equal(await keyOf(SECONDARY, 'acme'), undefined);
    const site = (await keyValue(PRIMARY, 'site')) ?? '';
    assert.notEqual(site, before);
    assert.equal(await keyValue(SECONDARY, 'site'), site);
    assert.deepEqual(await planThere('site'), { plan: 'site', stage: stageThere() });
    assert.equal((await read(urls.secondary, before)).status, 403, 'the old copy is gone');
    assert.doesNotMatch(up.stdout + up.stderr, new RegExp(`${site}|${before}`), 'values are never shown');
    const again = await cli('plan', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      again
        .json<{ changes: { id: string; action: string }[] }>()
        .changes.filter((c) => c.action !== 'no-op')
        .map((c) => c.id),
      [],
    );
  });

  it('api-keys remove: the key goes in both regions', async () => {
    const add = await cli('api-keys', 'add', 'beta', '--json');
    assert.equal(add.code, 0, add.stderr);
    const value = add.json<{ value: string }>().value;
    const removed = await cli('api-keys', 'remove', 'beta', '--json');
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(removed.json<{ removed: number }>().removed, 2);
    assert.deepEqual(await statusOf(value), [403, 403]);
    assert.equal(await keyOf(SECONDARY, 'beta'), undefined);
  });

  it('up copies a partner key missing in the second region, same value, same plan', async () => {
    const add = await cli('api-keys', 'add', 'delta', '--json');
    assert.equal(add.code, 0, add.stderr);
    const value = add.json<{ value: string }>().value;
    await apigw(SECONDARY).send(new DeleteApiKeyCommand({ apiKey: (await keyOf(SECONDARY, 'delta'))?.id }));
    const plan = await cli('plan', '--json');
    const change = plan
      .json<{ changes: { id: string; action: string; fields: { field: string; to: unknown }[] }[] }>()
      .changes.find((c) => c.id === 'secondary:api-keys:partners');
    assert.deepEqual(
      [change?.action, change?.fields],
      ['update', [{ field: 'copies', from: null, to: [`${PREFIX}-delta`] }]],
    );
    assert.doesNotMatch(plan.stdout + plan.stderr, new RegExp(value), 'values are never shown');
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.equal(await keyValue(SECONDARY, 'delta'), value);
    assert.deepEqual(await planThere('delta'), { plan: 'basic', stage: stageThere() });
  });

  it('add while the second region refuses: the key made in the first is deleted again, exit 1', async () => {
    // Not an AWS behaviour: a region that refuses (here as an SCP denying it would), to see what add leaves.
    const refused: Behaviour = {
      kind: 'secondary-refuses',
      source: 'test fault: the second region refusing API Gateway calls',
      before: (c, req, ctx) => {
        if (c.operation !== 'CreateApiKey' || !String(req.headers.authorization ?? '').includes(`/${SECONDARY}/`))
          return undefined;
        ctx.count('secondary-refuses');
        return awsError(c, 403, 'AccessDeniedException', `not authorized to perform apigateway:POST in ${SECONDARY}`);
      },
    };
    const proxy = await startFaultProxy(emulator.get().endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      behaviours: [refused],
    });
    const add = await runCli(['api-keys', 'add', 'gamma', '--endpoint-url', proxy.url], { cwd: dir }).finally(() =>
      proxy.close(),
    );
    assert.equal(add.code, 1, add.stderr);
    assert.match(add.stderr, new RegExp(`API key "gamma" in ${SECONDARY}.*deleted again: nothing changed`));
    assert.equal(add.stdout, '', 'no value shown: there is no key');
    assert.equal(proxy.injected.get('secondary-refuses'), 1);
    assert.equal(await keyOf(PRIMARY, 'gamma'), undefined);
    assert.equal(await keyOf(SECONDARY, 'gamma'), undefined);
  });

  it('down deletes the plans and every key in both regions', async () => {
    assert.equal((await cli('api-keys', 'add', 'late')).code, 0);
    const down = await cli('down', '--yes', '--json');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await keysIn(PRIMARY), []);
    assert.deepEqual(await keysIn(SECONDARY), []);
  });
});
