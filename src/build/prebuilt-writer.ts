// Writes the handler zips the package ships and their manifest (prebuilt.ts says why and how they
// are used). Run by scripts/bundle-handlers.mjs, within `npm run build`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, esbuildVersion, packageOf } from './bundle.js';
import { type Manifest, PREBUILT_DIR, sourceHash } from './prebuilt.js';

/** Builds every function from `root`'s sources and writes the zips and their manifest. */
export async function writePrebuilt(root: string, ids: readonly string[]): Promise<Manifest> {
  const dir = join(root, PREBUILT_DIR);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const built = await build(root, ids);
  const manifest: Manifest = { esbuild: esbuildVersion(), functions: {} };
  for (const id of ids) {
    const b = built.get(id);
    if (!b) throw new Error(`esbuild returned no bundle for ${id}`);
    const p = packageOf(id, b.code);
    writeFileSync(join(dir, `${id}.zip`), p.zip);
    const ours = b.inputs.filter((f) => !f.includes('node_modules/')).sort();
    manifest.functions[id] = {
      sha256: p.sha256,
      sources: Object.fromEntries(ours.map((f) => [f, sourceHash(root, f) ?? '(missing)'])),
    };
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}
