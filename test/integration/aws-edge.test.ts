// What a real account refuses and the emulator never does, played by the AWS behaviour profile:
// CloudFront's 403 for an account not yet verified (the rest of the stack still comes up, the fix is
// named, and the next `up` finishes once the account is verified), several failures listed together,
// and GetFunction without `Tags` for a deployer lacking lambda:ListTags (no false "not managed").
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { call } from '../helpers/api.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { cloudfrontAccountUnverified } from '../helpers/aws-behaviour/cloudfront.js';
import { getFunctionWithoutTags, listTagsDenied } from '../helpers/aws-behaviour/lambda.js';
import type { Behaviour } from '../helpers/aws-behaviour/types.js';
import { awsError } from '../helpers/aws-reply.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { inventory } from '../helpers/inventory.js';

const unverified = { on: false };
const tagsHidden = { on: false };
const tagsDenied = { on: false };
const parameterLimit = { on: false };

/** SSM's quota on standard parameters per account and region, hit by the admin token's PutParameter. */
const adminTokenRefused: Behaviour = {
  kind: 'ssm-parameter-limit',
  source:
    'SSM API reference, PutParameter, error ParameterLimitExceeded (HTTP 400): "You have exceeded the number of parameters for this AWS account"',
  before(c, req) {
    if (!parameterLimit.on || c.service !== 'ssm' || c.operation !== 'PutParameter') return undefined;
    if (!req.body.toString('utf8').includes('admin-token')) return undefined;
    return awsError(
      c,
      400,
      'ParameterLimitExceeded',
      'You have exceeded the number of parameters for this AWS account. Delete one or more parameters and try again.',
    );
  },
};

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(
      handle.endpoint,
      awsLike(0.01, {
        behaviours: [
          cloudfrontAccountUnverified(unverified),
          getFunctionWithoutTags(tagsHidden),
          listTagsDenied(tagsDenied),
          adminTokenRefused,
        ],
      }),
    );
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});

const stackDir = (project: string) => projectDir({ project, table: { name: `${project}-table` } });
const via = (dir: string, ...args: string[]) => {
  if (!proxy) throw new Error('no proxy');
  return runCli([...args, '--endpoint-url', proxy.url], { cwd: dir });
};
const direct = () => emulatorClients(emulator.get().endpoint);
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error:'));

describe('CloudFront on an account not yet verified', () => {
  const dir = stackDir('edgy');

  it('up deploys everything else, names the cause and the fix, and exits non-zero', async () => {
    unverified.on = true;
    const up = await via(dir, 'up', '--yes');
    assert.equal(up.code, 1, up.stderr);
    assert.ok((proxy?.injected.get('cloudfront-account-unverified') ?? 0) > 0, 'the refusal was played');
    assert.match(up.stderr, /not yet verified for CloudFront/);
    assert.match(up.stderr, /Contact AWS Support/);
    assert.match(up.stderr, /`projet1 up` finishes the website once the account is verified/);
    assert.doesNotMatch(up.stderr, /lack a permission/, 'not mistaken for a missing permission');
    const made = await inventory(direct(), 'edgy');
    assert.equal(made.distributions, 0);
    assert.deepEqual(
      { tables: made.tables, functions: made.functions, restApis: made.restApis, oacs: made.oacs },
      { tables: 1, functions: 6, restApis: 1, oacs: 1 },
    );
    const buckets = (await direct().client(S3Client).send(new ListBucketsCommand({}))).Buckets ?? [];
    assert.equal(buckets.filter((b) => b.Name?.startsWith('edgy-development-')).length, 2, 'site and log buckets');
    const outputs = (await via(dir, 'outputs', '--json')).json<{ outputs: Record<string, string> }>().outputs;
    assert.equal((await call(`${outputs.apiUrl}/products`, 'GET')).status, 200, 'the API and its stage answer');
  });

  it('once the account is verified, the next up creates the distribution and the plan is empty', async () => {
    unverified.on = false;
    const up = await via(dir, 'up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.equal((await inventory(direct(), 'edgy')).distributions, 1);
    const plan = await via(dir, 'plan', '--exit-code');
    assert.equal(plan.code, 0, plan.stdout);
  });
});

describe('GetFunction without Tags (a deployer without lambda:ListTags)', () => {
  const dir = stackDir('edgy');

  it('a second up reads the tags with ListTags and has nothing to do (no false conflict)', async () => {
    tagsHidden.on = true;
    const plan = await via(dir, 'plan', '--exit-code');
    assert.equal(plan.code, 0, `${plan.stdout}\n${plan.stderr}`);
    assert.ok((proxy?.injected.get('lambda-tags-hidden') ?? 0) >= 6, 'every function was read without Tags');
    assert.ok((proxy?.calls.get('lambda.ListTags') ?? 0) >= 6, 'and its tags read with ListTags');
    const up = await via(dir, 'up', '--yes');
    assert.equal(up.code, 0, up.stderr);
    assert.doesNotMatch(up.stdout + up.stderr, /not managed by projet1/);
  });

  it('with ListTags denied too, plan fails with one line naming lambda:ListTags and the function', async () => {
    tagsDenied.on = true;
    const plan = await via(dir, 'plan');
    tagsDenied.on = false;
    tagsHidden.on = false;
    assert.equal(plan.code, 1, plan.stdout);
    const lines = errorLines(plan.stderr);
    assert.equal(lines.length, 1, plan.stderr);
    assert.match(lines[0] ?? '', /lambda:ListTags/);
    assert.match(lines[0] ?? '', /edgy-development-[a-z-]+/);
    assert.doesNotMatch(plan.stdout + plan.stderr, /not managed by projet1/);
  });
});

describe('several failures', () => {
  it('lists every failed resource with its own cause and fix', async () => {
    unverified.on = true;
    parameterLimit.on = true;
    const up = await via(stackDir('edgier'), 'up', '--yes');
    unverified.on = false;
    parameterLimit.on = false;
    assert.equal(up.code, 1, up.stderr);
    assert.match(up.stderr, /2 resource\(s\) failed/);
    assert.match(up.stderr, /not yet verified for CloudFront[^\n]*\n\s+Contact AWS Support/);
    assert.match(up.stderr, /exceeded the number of parameters/);
  });
});
