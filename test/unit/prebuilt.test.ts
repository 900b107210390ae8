// The handler zips an installed package ships: used as they are while the sources they were built
// from are unchanged, a function whose sources were edited is built from them, a damaged zip is
// refused, and a clone always builds from source.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type BundleStats, bundleHandlers } from '../../src/build/bundle.js';
import { PREBUILT_DIR } from '../../src/build/prebuilt.js';
import { writePrebuilt } from '../../src/build/prebuilt-writer.js';
import { FUNCTIONS } from '../../src/config/functions.js';
import { UserError } from '../../src/errors.js';
import { PACKAGE_ROOT } from '../../src/paths.js';

const ids = FUNCTIONS.map((f) => f.id);

/** An installed package's layout: handlers/ and runtime/, no tsconfig.json. */
function installedCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'projet1-prebuilt-'));
  cpSync(join(PACKAGE_ROOT, 'handlers'), join(root, 'handlers'), { recursive: true });
  cpSync(join(PACKAGE_ROOT, 'runtime'), join(root, 'runtime'), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

async function bundle(root: string): Promise<{ built: string[]; sha: Map<string, string> }> {
  const stats: BundleStats = { built: [] };
  const packages = await bundleHandlers(root, ids, mkdtempSync(join(tmpdir(), 'projet1-cache-')), stats);
  return { built: [...stats.built].sort(), sha: new Map([...packages].map(([id, p]) => [id, p.sha256])) };
}

describe('shipped handler zips', () => {
  it('an installed package deploys its zips, the bytes a build from the same sources gives', async () => {
    const root = installedCopy();
    const fromSource = await bundle(root);
    assert.deepEqual(fromSource.built, [...ids].sort(), 'no zips yet: built');
    const manifest = await writePrebuilt(root, ids);
    const shipped = await bundle(root);
    assert.deepEqual(shipped.built, [], 'nothing built');
    for (const id of ids) {
      assert.equal(shipped.sha.get(id), manifest.functions[id]?.sha256);
      assert.equal(shipped.sha.get(id), fromSource.sha.get(id));
    }
  });

  it('a function whose sources were edited is built from them; the others still come from the zips', async () => {
    const root = installedCopy();
    await writePrebuilt(root, ids);
    appendFileSync(join(root, 'handlers', 'delete-product.ts'), '\nexport const edited = 1;\n');
    const after = await bundle(root);
    assert.deepEqual(after.built, ['delete-product']);
  });

  it('a damaged zip is refused with a hint, not replaced by other bytes', async () => {
    const root = installedCopy();
    await writePrebuilt(root, ids);
    const zip = join(root, PREBUILT_DIR, 'get-products.zip');
    writeFileSync(zip, readFileSync(zip).subarray(0, 1000));
    await assert.rejects(bundle(root), (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /get-products\.zip .*damaged/);
      assert.match(err.hint ?? '', /Reinstall/);
      return true;
    });
  });

  it('a clone builds from source and ignores zips left in dist/', async () => {
    const root = installedCopy();
    await writePrebuilt(root, ids);
    writeFileSync(join(root, 'tsconfig.json'), '{}');
    writeFileSync(join(root, PREBUILT_DIR, 'get-products.zip'), 'stale');
    assert.deepEqual((await bundle(root)).built, [...ids].sort());
  });
});
