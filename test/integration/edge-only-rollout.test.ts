// Turning api.edgeOnly on for a stack that serves visitors: the distribution starts sending the secret,
// a change CloudFront deploys to its edges over minutes (Status InProgress until Deployed: CloudFront
// Developer Guide, "Updating a distribution"; played by the fault proxy's `cloudfrontMs`). The API must
// not enforce the secret before then, or the site's API calls are refused meanwhile: the secret's
// parameter stays open (OPEN after the value) while the distribution is InProgress.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { OPEN } from '../../runtime/api/edge-header.js';
import { deploy, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';

const PARAMETER = '/projet1-serverless/development/origin-secret';
let stack: Deployed;
let proxy: FaultProxy | undefined;
after(async () => proxy?.close());
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint);
  proxy = await startFaultProxy(h.endpoint, { ...REALISTIC, randomFault: 0, slow: 0, cloudfrontMs: 3000 });
});

interface Seen {
  status: string;
  open: boolean | undefined;
}

/** The distribution's status as AWS would answer (through the proxy) and whether the secret is enforced. */
async function look(distributionId: string): Promise<Seen> {
  const url = proxy?.url ?? '';
  const [dist, parameter] = await Promise.all([
    emulatorClients(url)
      .client(CloudFrontClient)
      .send(new GetDistributionCommand({ Id: distributionId })),
    emulatorClients(emulator.get().endpoint)
      .client(SSMClient)
      .send(new GetParameterCommand({ Name: PARAMETER, WithDecryption: true }))
      .catch(() => undefined),
  ]);
  const value = parameter?.Parameter?.Value;
  return { status: dist.Distribution?.Status ?? '', open: value === undefined ? undefined : value.includes(OPEN) };
}

describe('turning edge-only on for a live site', () => {
  it('the secret is enforced only once the distribution is deployed with it', async () => {
    const out = await runCli(['outputs', '--json', '--endpoint-url', emulator.get().endpoint], { cwd: stack.dir });
    const id = out.json<{ outputs: Record<string, string> }>().outputs['distribution.id'] ?? '';
    writeFileSync(join(stack.dir, 'projet1.config.json'), JSON.stringify({ api: { edgeOnly: null } }));
    let done = false;
    const up = runCli(['up', '--yes', '--endpoint-url', proxy?.url ?? ''], { cwd: stack.dir }).finally(() => {
      done = true;
    });
    const seen: Seen[] = [];
    while (!done) seen.push(await look(id));
    const result = await up;
    assert.equal(result.code, 0, result.stderr);
    const final = await look(id);
    assert.equal(final.open, false, 'enforced at the end');
    assert.ok(
      seen.some((s) => s.status === 'InProgress' && s.open === true),
      `the distribution was seen deploying while the secret stayed open: ${JSON.stringify(seen.slice(-5))}`,
    );
    assert.ok(
      !seen.some((s) => s.status === 'InProgress' && s.open === false),
      'never enforced while the edges still deploy the change',
    );
  });
});
