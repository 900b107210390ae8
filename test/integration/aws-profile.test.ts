// A first deploy as real AWS answers it: the emulator behind the fault proxy's AWS behaviour profile
// (test/helpers/aws-behaviour/: IAM propagation, Lambda Pending and InProgress, DynamoDB CREATING and
// point-in-time recovery not yet available, S3 settings refused right after CreateBucket, CloudFront
// InProgress, API Gateway's account role check and quotas), AWS's durations scaled down. The first
// `up` from nothing must succeed with no second run, the next `up` change nothing, `status` be healthy
// and `down` leave nothing behind.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { call, originHeader } from '../helpers/api.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { DOWN_INVENTORY, inventory } from '../helpers/inventory.js';

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, awsLike(Number(process.env.AWS_PROFILE_SCALE ?? 0.02)));
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const dir = projectDir({ project: 'firstrun' });
const cli = (...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};

interface UpDoc {
  outputs: Record<string, string>;
  awsCalls: { mutating: number };
}

describe('a first deploy under AWS behaviours', () => {
  it('up from nothing succeeds in one run', async () => {
    const up = await cli('up', '--yes', '--json');
    assert.equal(up.code, 0, `${up.stderr}${up.stdout}`);
    const played = Object.fromEntries(proxy?.injected ?? []);
    assert.ok((played['iam-propagation'] ?? 0) > 0, `IAM propagation was played: ${JSON.stringify(played)}`);
    const apiUrl = up.json<UpDoc>().outputs.apiUrl ?? '';
    const edge = await originHeader(emulatorClients(emulator.get().endpoint), 'firstrun');
    assert.equal((await call(`${apiUrl}/products`, 'GET', { headers: edge })).status, 200);
  });

  it('the next up changes nothing', async () => {
    const again = await cli('up', '--yes', '--json');
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.json<UpDoc>().awsCalls.mutating, 0);
  });

  it('status is healthy once the site is published', async () => {
    const site = await cli('deploy-website', '--json');
    assert.equal(site.code, 0, site.stdout);
    const status = await cli('status', '--json');
    assert.equal(status.code, 0, status.stdout);
    assert.equal(status.json<{ healthy: boolean }>().healthy, true);
  });

  it('down leaves nothing of the stack', async () => {
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await inventory(emulatorClients(emulator.get().endpoint), 'firstrun'), DOWN_INVENTORY);
  });
});
