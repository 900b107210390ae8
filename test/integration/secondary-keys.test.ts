// api.keys with regions.secondary: the second region's API requires keys on the same routes, so it
// needs the same usage plans and the same keys, with the same values (API keys are regional): the site
// key the distribution sends whichever region it serves, and each partner's key (a partner keeps one
// key across a failover). Checked on the second region's own URL: 200 with the key, 403 without;
// `api-keys rotate` and `remove` act in both regions; a copy deleted by hand is made again by `up`;
// `down` leaves no key in either region.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIGatewayClient, DeleteApiKeyCommand, GetApiKeysCommand } from '@aws-sdk/client-api-gateway';
import { call } from '../helpers/api.js';
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
const valueOf = async (region: string, name: string) =>
  (await keysIn(region)).find((k) => k.name === `${PREFIX}-${name}`)?.value;

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
    const site = await valueOf(PRIMARY, 'site');
    assert.ok(site);
    assert.equal(await valueOf(SECONDARY, 'site'), site, 'the same site key value in both regions');
    assert.deepEqual(await statusOf(site), [200, 200]);
    assert.equal((await read(urls.secondary)).status, 403, 'no key: refused in the second region too');
  });

  it('api-keys add makes the partner key in both regions, one value', async () => {
    const add = await cli('api-keys', 'add', 'acme', '--json');
    assert.equal(add.code, 0, add.stderr);
    const value = add.json<{ value: string }>().value;
    assert.equal(await valueOf(SECONDARY, 'acme'), value);
    assert.deepEqual(await statusOf(value), [200, 200]);
  });

  it('api-keys rotate: the new value works in both regions, the old in neither', async () => {
    const old = (await valueOf(PRIMARY, 'acme')) ?? '';
    const rotated = await cli('api-keys', 'rotate', 'acme', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = rotated.json<{ value: string }>().value;
    assert.notEqual(fresh, old);
    assert.deepEqual(await statusOf(fresh), [200, 200]);
    assert.deepEqual(await statusOf(old), [403, 403]);
    assert.equal((await keysIn(SECONDARY)).filter((k) => k.name === `${PREFIX}-acme`).length, 1);
  });

  it('api-keys remove: the key stops in both regions', async () => {
    const value = (await valueOf(PRIMARY, 'acme')) ?? '';
    const removed = await cli('api-keys', 'remove', 'acme', '--json');
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(await statusOf(value), [403, 403]);
    assert.equal(await valueOf(SECONDARY, 'acme'), undefined);
  });

  it("the site key's copy deleted by hand: up plans it in the second region and makes it again, same value", async () => {
    const copy = (await keysIn(SECONDARY)).find((k) => k.name === `${PREFIX}-site`);
    assert.ok(copy?.id);
    await apigw(SECONDARY).send(new DeleteApiKeyCommand({ apiKey: copy.id }));
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr);
    const made = up.json<{ changes: { id: string; action: string }[] }>().changes.filter((c) => c.action !== 'no-op');
    assert.deepEqual(
      made.map((c) => [c.id, c.action]),
      [['secondary:api-key:site', 'create']],
    );
    const site = (await valueOf(PRIMARY, 'site')) ?? '';
    assert.equal(await valueOf(SECONDARY, 'site'), site);
    assert.deepEqual(await statusOf(site), [200, 200], 'the copy is back in the second region site plan');
  });

  it('down deletes the plans and every key in both regions', async () => {
    assert.equal((await cli('api-keys', 'add', 'late')).code, 0);
    const down = await cli('down', '--yes', '--json');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await keysIn(PRIMARY), []);
    assert.deepEqual(await keysIn(SECONDARY), []);
  });
});
