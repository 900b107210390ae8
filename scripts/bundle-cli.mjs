// Bundles the compiled CLI (dist/src/cli/main.js) into dist/cli/, the code bin/projet1.js runs.
// Why: loading the AWS SDK is most of a short command's time. Its CommonJS builds carry every
// operation of every client (Node compiles them all on each run, and scans them for export names
// when ESM imports them); bundled from the SDK's ES modules, only the operations projet1 calls
// are left. A no-op `up` went from 0.54 s to 0.40 s on Node 20.
// Each command's module stays its own chunk (code splitting), so `--help` loads no AWS code.
// Not minified: the saving is in what is left out, and stack traces stay readable.
// Run by `npm run build`, after tsc. Tests that import dist/src run the same code unbundled.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { metafile } = await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  // dist/cli/ is two levels below the package root, as dist/src/ is: src/paths.ts relies on it.
  outdir: join(root, 'dist', 'cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The ES module builds ("module"), which esbuild can tree-shake; CommonJS only where there is none.
  mainFields: ['module', 'main'],
  // esbuild runs its own native binary, found from its package at run time (src/build/bundle.ts).
  external: ['esbuild'],
  // CommonJS dependencies that require() Node's modules need a require() in an ES module.
  banner: {
    js: "import { createRequire as __projet1Require } from 'node:module';\nconst require = __projet1Require(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
});
// Which sources each file of dist/cli/ holds: the CLI test proves with it that `--help` loads no
// AWS SDK code. Beside dist/cli/, so the package does not ship it.
const inputs = Object.fromEntries(
  Object.entries(metafile.outputs).map(([file, out]) => [basename(file), Object.keys(out.inputs)]),
);
writeFileSync(join(root, 'dist', 'cli-inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);
