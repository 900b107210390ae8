// An emulator without the Resource Groups Tagging API (one started by a projet1 from before the tag
// lookup: MiniStack answers a bare HTTP 400 "Unsupported service" for a service it was not started
// with, reproduced here by the proxy since our own emulators now start with it). `plan`, `up` and
// `down` of what the configuration names go on, saying in one line what they did not look for.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Behaviour } from '../helpers/aws-behaviour/types.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { only } from '../helpers/held-call.js';
import { DOWN_INVENTORY, inventory } from '../helpers/inventory.js';
import { emulatorClients } from '../helpers/emulator.js';

const noTaggingService: Behaviour = {
  kind: 'emulator-without-tagging',
  source: 'MiniStack 1.5.33 answers HTTP 400 "Unsupported service: tagging" when SERVICES lacks it',
  before: (call, _req, ctx) => {
    if (call.service !== 'tagging') return undefined;
    ctx.count('emulator-without-tagging');
    return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'Unsupported service: tagging' };
  },
};

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, only([noTaggingService]));
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});

describe('an emulator without the tag lookup', () => {
  const dir = projectDir({ project: 'notags', table: { name: 'notags-table' } });
  const cli = (...args: string[]) => runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir });
  const said =
    /tag lookup: .* does not answer the Resource Groups Tagging API: resources renamed in the configuration are not looked for\. An emulator started by an older projet1 lacks it: `projet1 emulator stop`, then `projet1 emulator start`\./;

  it('up, plan and down of the configured stack go on, each saying what it did not look for', async () => {
    const up = await cli('up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, said);
    const plan = await cli('plan', '--exit-code');
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stderr, said);
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, said);
    assert.ok((proxy?.injected.get('emulator-without-tagging') ?? 0) >= 3, 'the lookup was tried and refused');
    assert.deepEqual(await inventory(emulatorClients(emulator.get().endpoint), 'notags'), DOWN_INVENTORY);
  });
});
