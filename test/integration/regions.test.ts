// Two regions of the same stack, side by side on one emulator with no settings at all: global
// names (IAM roles, CloudFront, the default bucket names with the account and region) never
// collide, and each `down` leaves the other intact and answering. A global resource of another
// region is refused as not ours.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Change } from '../../src/engine/types.js';
import { call, originHeader } from '../helpers/api.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
// No settings: the defaults alone must let a stack run in two regions.
const dir = projectDir({});
const cli = (region: string, ...args: string[]) =>
  runCli([...args, '--region', region, '--endpoint-url', emulator.get().endpoint], { cwd: dir });
/** What the region's distribution sends its API (api.edgeOnly, the default). */
const edge = async (region: string) => ({
  headers: await originHeader(emulatorClients(emulator.get().endpoint, region)),
});
const changes = (doc: { changes: Change[] }) =>
  doc.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.id}`);

describe('two regions of one stack', () => {
  const apis: Record<string, string> = {};

  it('come up side by side; neither plans to change the other', async () => {
    for (const region of ['eu-west-3', 'us-east-1']) {
      const up = await cli(region, 'up', '--yes', '--json');
      assert.equal(up.code, 0, `${region}: ${up.stderr}${up.stdout}`);
      apis[region] = up.json<{ outputs: Record<string, string> }>().outputs.apiUrl ?? '';
    }
    for (const region of ['eu-west-3', 'us-east-1']) {
      assert.deepEqual(
        changes((await cli(region, 'plan', '--json')).json()),
        [],
        `${region} is untouched by the other`,
      );
      assert.equal((await call(`${apis[region]}/products`, 'GET', await edge(region))).status, 200);
    }
  });

  it('a down in one region leaves the other intact and answering', async () => {
    assert.equal((await cli('us-east-1', 'down', '--yes')).code, 0);
    assert.deepEqual(changes((await cli('eu-west-3', 'plan', '--json')).json()), [], 'eu-west-3 still whole');
    assert.equal((await call(`${apis['eu-west-3']}/products`, 'GET', await edge('eu-west-3'))).status, 200);
    assert.equal(
      (await call(`${apis['eu-west-3']}/products`, 'POST', { body: {}, ...(await edge('eu-west-3')) })).status,
      401,
      'its authorizer too',
    );
  });

  it('a bucket named the same from another region is refused as not ours', async () => {
    // eu-west-3's own bucket names, written out, asked for from us-west-2.
    const fixed = projectDir({
      website: {
        bucketName: 'projet1-serverless-development-site-000000000000-euw3',
        logBucketName: 'projet1-serverless-development-logs-000000000000-euw3',
      },
    });
    const plan = await runCli(['plan', '--json', '--region', 'us-west-2', '--endpoint-url', emulator.get().endpoint], {
      cwd: fixed,
    });
    const site = plan.json<{ changes: Change[] }>().changes.find((c) => c.id === 'bucket:site');
    assert.deepEqual([site?.action, site?.reason], ['conflict', 'belongs to region "eu-west-3", not "us-west-2"']);
    const down = await runCli(['down', '--yes', '--region', 'us-west-2', '--endpoint-url', emulator.get().endpoint], {
      cwd: fixed,
    });
    assert.equal(down.code, 4, 'refused: nothing of eu-west-3 is deleted');
    const publish = await runCli(
      ['deploy-website', '--region', 'us-west-2', '--endpoint-url', emulator.get().endpoint],
      {
        cwd: fixed,
      },
    );
    assert.equal(publish.code, 4, 'and nothing is published into its bucket');
    assert.equal((await call(`${apis['eu-west-3']}/products`, 'GET', await edge('eu-west-3'))).status, 200);
  });
});
