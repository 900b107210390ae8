// What the emulator never does, reproduced by a fault-injecting proxy in front of it (seeded,
// realistic profile): API Gateway quotas, IAM propagation, Lambda updates in progress, CloudFront
// InProgress, a read after a create answering NotFound once, random 5xx, throttling, resets and
// slow answers. Through it `up`, `deploy-website`, `seed`, `import` and `down` complete, with
// nothing duplicated and nothing lost, and the retries show in --verbose. FAULT_SEED replays a run.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { call, originHeader } from '../helpers/api.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { DOWN_INVENTORY, inventory, itemCount, UP_INVENTORY } from '../helpers/inventory.js';
import { type FaultKind, type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';
import { viaCloudFront } from '../helpers/site.js';

const seed = Number(process.env.FAULT_SEED ?? 7);
let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, {
      ...REALISTIC,
      seed,
      lostCreates: process.env.FAULT_LOST_CREATES === '1',
      loseFirstAnswerOf: (process.env.FAULT_LOSE ?? '').split(',').filter(Boolean),
    });
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const dir = projectDir({ project: 'faulty', table: { name: 'faulty-table' } });
const viaProxy = (...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};
const direct = () => emulatorClients(emulator.get().endpoint);
const injected = (...kinds: FaultKind[]) => kinds.reduce((n, k) => n + (proxy?.injected.get(k) ?? 0), 0);

describe(`through AWS faults (FAULT_SEED=${seed})`, () => {
  let outputs: Record<string, string> = {};

  it('up completes, creates each resource once, and shows its retries with --verbose', async () => {
    const up = await viaProxy('up', '--yes', '--verbose');
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /retry \d+ of \w+\.\w+ after /);
    assert.match(up.stderr, /AWS calls: \d+ \(\d+ mutating.*; \d+ retried\)/);
    assert.ok(injected('iam-propagation') > 0, 'a new role was not assumable for a while');
    assert.ok(injected('lambda-in-progress', 'lambda-conflict') > 0, 'functions were busy after changes');
    assert.ok(injected('server-error', 'throttled', 'reset-before', 'reset-after') > 0, 'random faults');
    assert.deepEqual(await inventory(direct(), 'faulty'), UP_INVENTORY);
    const plan = await viaProxy('plan', '--exit-code', '--json');
    assert.equal(plan.code, 0, plan.stdout);
    outputs = (await viaProxy('outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
    const edge = await originHeader(direct(), 'faulty');
    assert.equal((await call(`${outputs.apiUrl}/products`, 'GET', { headers: edge })).status, 200);
  });

  it('deploy-website publishes every file once; the site is served', async () => {
    const deploy = await viaProxy('deploy-website', '--json');
    assert.equal(deploy.code, 0, deploy.stdout);
    const again = await viaProxy('deploy-website', '--json');
    assert.equal(again.code, 0, again.stdout);
    assert.deepEqual(again.json<{ uploaded: string[] }>().uploaded, [], 'nothing left to upload');
    const page = await viaCloudFront(outputs.websiteUrl ?? '', '/index.html');
    assert.equal(page.status, 200);
  });

  it('seed and import write every product exactly once', async () => {
    const seeded = await viaProxy('products', 'seed', '--count', '300', '--seed', '5', '--yes');
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal(await itemCount(direct(), 'faulty-table'), 300);
    const file = join(dir, 'more.jsonl');
    const rows = Array.from({ length: 250 }, (_, i) => ({
      product_id: `imported-${i}`,
      name: `Imported ${i}`,
      category: 'imports',
      price: i,
      stock: i,
    }));
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const imported = await viaProxy('products', 'import', file, '--yes');
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(await itemCount(direct(), 'faulty-table'), 550);
  });

  it('down deletes everything, each once', async (t) => {
    const down = await viaProxy('down', '--yes', '--verbose');
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /Backed up faulty-table before deleting it/);
    assert.deepEqual(await inventory(direct(), 'faulty'), DOWN_INVENTORY);
    assert.ok(injected('cloudfront-in-progress') > 0, 'the distribution took its time to disable');
    t.diagnostic(`faults injected: ${JSON.stringify(Object.fromEntries(proxy?.injected ?? []))}`);
    if (process.env.FAULT_DEBUG) t.diagnostic(JSON.stringify(Object.fromEntries(proxy?.forwarded ?? [])));
  });
});
