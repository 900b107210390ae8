// The per-function bundle cache, on a copy of the handlers and their sources: an edit to one
// handler rebuilds that function only, an edit to shared code rebuilds the functions that import
// it, and a damaged or half-written entry is rebuilt, never trusted.
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type BundleStats, bundleHandlers } from '../../src/build/bundle.js';
import { writeEntry } from '../../src/build/bundle-cache.js';
import { FUNCTIONS } from '../../src/config/functions.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const ids = FUNCTIONS.map((f) => f.id);

function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'projet1-bundle-'));
  cpSync(join(PACKAGE_ROOT, 'handlers'), join(root, 'handlers'), { recursive: true });
  cpSync(join(PACKAGE_ROOT, 'runtime'), join(root, 'runtime'), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

describe('per-function bundle cache', () => {
  const root = copyProject();
  const cache = mkdtempSync(join(tmpdir(), 'projet1-cache-'));
  const run = async () => {
    const stats: BundleStats = { built: [] };
    const packages = await bundleHandlers(root, ids, cache, stats);
    return { built: [...stats.built].sort(), packages };
  };

  it('builds every function once, then none', async () => {
    const first = await run();
    assert.deepEqual(first.built, [...ids].sort());
    const second = await run();
    assert.deepEqual(second.built, []);
    for (const id of ids) assert.equal(second.packages.get(id)?.sha256, first.packages.get(id)?.sha256);
  });

  it('an edit to one handler rebuilds that function only', async () => {
    const before = await run();
    appendFileSync(join(root, 'handlers', 'get-products.ts'), '\nexport const edited = 1;\n');
    const after = await run();
    assert.deepEqual(after.built, ['get-products']);
    assert.notEqual(after.packages.get('get-products')?.sha256, before.packages.get('get-products')?.sha256);
  });

  it('an edit to shared code rebuilds the functions that import it, not the others', async () => {
    appendFileSync(join(root, 'runtime', 'catalog', 'product.ts'), '\nexport const sharedEdit = 2;\n');
    const after = await run();
    assert.ok(after.built.includes('create-product') && after.built.includes('update-product'), after.built.join());
    assert.ok(!after.built.includes('authorizer'), 'the authorizer does not import the product model');
  });

  it('a damaged entry (empty zip, unreadable inputs) is rebuilt', async () => {
    const dir = join(cache, 'get-product-by-id');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.zip'))) writeFileSync(join(dir, f), '');
    writeFileSync(join(cache, 'delete-product', 'inputs.json'), '{"trunc');
    const after = await run();
    assert.deepEqual(after.built, ['delete-product', 'get-product-by-id']);
    assert.deepEqual((await run()).built, []);
  });

  it('a zip cut short (a power loss after an unflushed rename) is rebuilt, not reused', async () => {
    const before = await run();
    const dir = join(cache, 'update-product');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.zip'))) {
      const path = join(dir, f);
      truncateSync(path, Math.floor(statSync(path).size / 2));
    }
    const after = await run();
    assert.deepEqual(after.built, ['update-product']);
    assert.equal(after.packages.get('update-product')?.sha256, before.packages.get('update-product')?.sha256);
    assert.deepEqual((await run()).built, []);
  });

  it('a zip with other bytes of the same size is rebuilt', async () => {
    const before = await run();
    const dir = join(cache, 'authorizer');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.zip')))
      writeFileSync(join(dir, f), Buffer.alloc(statSync(join(dir, f)).size, 0x50));
    const after = await run();
    assert.deepEqual(after.built, ['authorizer']);
    assert.equal(after.packages.get('authorizer')?.sha256, before.packages.get('authorizer')?.sha256);
  });
});

describe('the bundle cache folder', () => {
  it('is made private (0700), and tightened when it was left open', () => {
    const cache = join(mkdtempSync(join(tmpdir(), 'projet1-cache-')), 'build');
    mkdirSync(cache, { mode: 0o777 });
    chmodSync(cache, 0o777);
    writeEntry(cache, 'get-products', 'k', ['handlers/get-products.ts'], Buffer.from('zip'));
    assert.equal((statSync(cache).mode & 0o777).toString(8), '700');
  });
});
