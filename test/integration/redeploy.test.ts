// Code changes reach exactly the functions they touch; the repository's guarantees hold
// against real DynamoDB (the emulator's).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, symlinkSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AlreadyExists, ProductRepository } from '../../runtime/catalog/repository.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { tableSnapshot } from '../helpers/api.js';
import { cleanEnv, projectDir } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { spawnSync } from 'node:child_process';

const emulator = useEmulator();

/** A throwaway copy of the project whose handler sources the test may edit. */
function projectCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'projet1-copy-'));
  for (const part of ['bin', 'dist', 'handlers', 'runtime', 'src', 'package.json', 'package-lock.json'])
    cpSync(join(PACKAGE_ROOT, part), join(root, part), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function up(root: string, cwd: string): { mutatingOperations: string[]; changes: { id: string }[] } {
  const r = spawnSync(
    process.execPath,
    [join(root, 'bin', 'projet1.js'), 'up', '--yes', '--json', '--endpoint-url', emulator.get().endpoint],
    { cwd, env: cleanEnv(), encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const doc = JSON.parse(r.stdout) as { awsCalls: { mutatingOperations: string[] }; changes: { id: string }[] };
  return { mutatingOperations: doc.awsCalls.mutatingOperations, changes: doc.changes };
}

describe('redeploying code', () => {
  it('changing one handler updates only that function, and nothing else is redeployed', async () => {
    const root = projectCopy();
    const cwd = projectDir({});
    up(root, cwd);
    assert.deepEqual(up(root, cwd).mutatingOperations, [], 'unchanged code: no-op');
    appendFileSync(join(root, 'handlers', 'delete-product.ts'), '\nexport const deployedBy = "redeploy test";\n');
    const second = up(root, cwd);
    assert.deepEqual(
      second.changes.map((c) => c.id),
      ['function:delete-product'],
    );
    assert.deepEqual(second.mutatingOperations, ['Lambda.UpdateFunctionCode']);
  });
});

// Uses the table the first test deployed.
describe('product repository on DynamoDB', () => {
  it('lists a category with a Query on the index, never a Scan, and never overwrites on create', async () => {
    const aws = emulatorClients(emulator.get().endpoint);
    const repo = new ProductRepository(aws.client(DynamoDBClient), 'products-catalog', 'category-index');
    const who = { actor: 'redeploy-test' };
    const first = await repo.create({ name: 'Mug', category: 'kitchen', price: 7.5, stock: 10 }, who);
    await repo.create({ name: 'Pan', category: 'kitchen', price: 30, stock: 1 }, who);
    await repo.create({ name: 'Sock', category: 'clothes', price: 3, stock: 100 }, who);

    aws.calls.length = 0;
    const page = await repo.list({ limit: 10, category: 'kitchen' });
    assert.deepEqual(page.items.map((p) => p.name).sort(), ['Mug', 'Pan']);
    assert.deepEqual(
      aws.calls.map((c) => `${c.service}.${c.operation}`),
      ['DynamoDB.Query'],
    );

    const before = await tableSnapshot(aws);
    await assert.rejects(
      repo.create({ name: 'Impostor', category: 'x', price: 1, stock: 1 }, { ...who, id: first.product_id }),
      AlreadyExists,
    );
    assert.equal(await tableSnapshot(aws), before, 'the existing product is untouched');
    assert.equal((await repo.get(first.product_id)).name, 'Mug');
  });
});
