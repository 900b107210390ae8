// A call that took effect but whose answer never came back (a connection reset on the way
// back): the SDK sends it again. For a create AWS does not deduplicate, that used to make a
// second REST API, resource or authorizer; for a conditional write (the lock, a CloudFront
// ETag), a refusal of our own change. Here the first answer of every create, delete and
// conditional write of the stack is lost once, deterministically: `up`, `deploy-website`,
// `import` and `down` still complete, each resource exists once, then not at all.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, REALISTIC, startFaultProxy } from '../helpers/fault-proxy.js';
import { DOWN_INVENTORY, inventory, itemCount, UP_INVENTORY } from '../helpers/inventory.js';

const LOSE = [
  'iam.CreateRole',
  'iam.PutRolePolicy',
  'iam.DeleteRole',
  'dynamodb.CreateTable',
  'dynamodb.CreateBackup',
  'dynamodb.DeleteTable',
  'dynamodb.BatchWriteItem',
  // A product write and its history (products create): the SDK sends it again with the same ClientRequestToken,
  // which DynamoDB deduplicates (TransactWriteItems API Reference), so the retry is no 409 of our own create.
  'dynamodb.TransactWriteItems',
  'logs.CreateLogGroup',
  'logs.PutDeliverySource',
  'logs.PutDeliveryDestination',
  'logs.CreateDelivery',
  'logs.DeleteDelivery',
  'logs.DeleteDeliverySource',
  'logs.DeleteDeliveryDestination',
  'ssm.PutParameter',
  'ssm.DeleteParameter',
  'lambda.CreateFunction',
  'lambda.AddPermission',
  'lambda.DeleteFunction',
  'apigateway.CreateRestApi',
  'apigateway.CreateResource',
  'apigateway.CreateAuthorizer',
  'apigateway.CreateDeployment',
  'apigateway.DeleteRestApi',
  'cloudfront.POST /2020-05-31/origin-access-control',
  'cloudfront.CreateDistribution',
  'cloudfront.UpdateDistribution',
  'cloudfront.DeleteDistribution',
  'cloudfront.CreateInvalidation',
  's3.CreateBucket',
  's3.PutBucketPolicy',
  's3.DeleteBucketPolicy',
  's3.DeleteBucket',
];

let proxy: FaultProxy | undefined;
const emulator = useEmulator(
  async (handle) => {
    proxy = await startFaultProxy(handle.endpoint, {
      ...REALISTIC,
      randomFault: 0,
      slow: 0,
      // Quotas as real, except DeleteRestApi's 30 s: the retried delete waits it out (faults.test.ts).
      quotas: { ...REALISTIC.quotas, DeleteRestApi: 5000 },
      loseFirstAnswerOf: LOSE,
    });
  },
  { ownProxy: true },
);
after(async () => {
  await proxy?.close();
});
const dir = projectDir({ project: 'lost', table: { name: 'lost-table' } });
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', proxy?.url ?? ''], { cwd: dir });
const direct = () => emulatorClients(emulator.get().endpoint);

describe('answers lost after the call took effect', () => {
  it('up makes each resource once; plan then shows nothing to do', async () => {
    const up = await cli('up', '--yes', '--verbose');
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(await inventory(direct(), 'lost'), UP_INVENTORY);
    const plan = await cli('plan', '--exit-code');
    assert.equal(plan.code, 0, plan.stdout);
  });

  it('deploy-website and import complete, each product once', async () => {
    const site = await cli('deploy-website');
    assert.equal(site.code, 0, site.stderr);
    const file = join(dir, 'rows.jsonl');
    const rows = Array.from({ length: 60 }, (_, i) => ({
      product_id: `p${i}`,
      name: `P${i}`,
      category: 'c',
      price: 1,
      stock: i,
    }));
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    const imported = await cli('products', 'import', file, '--yes');
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(await itemCount(direct(), 'lost-table'), 60);
  });

  it('products create completes once, with one history entry', async () => {
    const made = await cli(
      'products',
      'create',
      '--name',
      'Once',
      '--category',
      'c',
      '--price',
      '1',
      '--stock',
      '1',
      '--json',
    );
    assert.equal(made.code, 0, made.stderr + made.stdout);
    const id = made.json<{ product: { product_id: string } }>().product.product_id;
    const history = await cli('products', 'history', id, '--json');
    assert.equal(history.json<{ count: number }>().count, 1);
    assert.equal(await itemCount(direct(), 'lost-table'), 62, 'the product and its history item');
  });

  it('down deletes everything', async () => {
    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(await inventory(direct(), 'lost'), DOWN_INVENTORY);
    const lost = LOSE.filter((op) => !proxy?.lostOnce.has(op));
    assert.deepEqual(lost, [], 'every listed call had its answer lost once');
  });
});
