// Bundles every Lambda handler with esbuild (CommonJS, AWS SDK included: emulators do
// not provide it, and pinning it makes behaviour the same everywhere), then zips each
// deterministically. Same source and dependencies -> same bytes -> same CodeSha256.
// An installed package deploys the zips it ships instead (prebuilt.ts).
//
// The cache is per function, keyed by that function's actual inputs as esbuild's metafile
// listed them last time (our sources by content, dependencies by size and time), plus the
// esbuild version and options: an edit to one handler rebuilds one bundle, not six.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { cacheDir } from '../paths.js';
import { readEntry, writeEntry } from './bundle-cache.js';
import { type HandlerPackage, packageOf, packageOfZip } from './handler-package.js';
import { readPrebuilt } from './prebuilt.js';

export { type HandlerPackage, packageOf } from './handler-package.js';

/** What a bundle was made from: files relative to the root, as esbuild's metafile names them. */
export type Inputs = string[];

/** The one set of esbuild options: `up` and `dev` build the same bytes from the same sources. */
export const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  write: false,
  outdir: 'out',
  logLevel: 'silent',
  metafile: true,
} as const;

export const entryPoints = (ids: readonly string[]): Record<string, string> =>
  Object.fromEntries(ids.map((id) => [id, join('handlers', `${id}.ts`)]));

/** The version of the esbuild that builds, read from its package.json (importing it costs more). */
export function esbuildVersion(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('esbuild/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * What a file's content is, for a cache key: our sources by their bytes; installed dependencies
 * by size and modification time (reading the SDK's thousand files on every run would cost more
 * than it saves; a reinstall changes their times). Remembered per file: the functions share most
 * of their inputs, so each file is read or stat'ed once per run, not once per function.
 */
export function fingerprinter(root: string): (file: string) => string | Buffer {
  const seen = new Map<string, string | Buffer>();
  return (file) => {
    let print = seen.get(file);
    if (print === undefined) {
      try {
        const path = join(root, file);
        if (file.includes('node_modules/')) {
          const s = statSync(path);
          print = `${s.size}:${s.mtimeMs}`;
        } else print = readFileSync(path);
      } catch {
        print = '(missing)';
      }
      seen.set(file, print);
    }
    return print;
  };
}

/** The cache key of a function built from `inputs` (a missing input is a change too). */
export function inputsKey(
  id: string,
  inputs: Inputs,
  version: string,
  print: (file: string) => string | Buffer,
): string {
  const hash = createHash('sha256').update(`${version}\n${JSON.stringify(BUILD_OPTIONS)}\n${id}\n`);
  for (const file of [...inputs].sort()) hash.update(`${file}\n`).update(print(file)).update('\n');
  return hash.digest('hex').slice(0, 32);
}

export interface BundleStats {
  /** Functions rebuilt this time (the others came from the cache). */
  built: string[];
}

export async function bundleHandlers(
  root: string,
  ids: readonly string[],
  cache = join(cacheDir(), 'build'),
  stats?: BundleStats,
): Promise<Map<string, HandlerPackage>> {
  const version = esbuildVersion();
  const print = fingerprinter(root);
  // An installed projet1 deploys the zips it ships (prebuilt.ts); a clone builds.
  const out = readPrebuilt(root, ids);
  const missing: string[] = [];
  for (const id of ids.filter((i) => !out.has(i))) {
    const hit = readEntry(cache, id, (inputs) => inputsKey(id, inputs, version, print));
    if (hit) out.set(id, packageOfZip(id, hit.zip));
    else missing.push(id);
  }
  if (missing.length > 0) {
    const built = await build(root, missing);
    // Files just built from may differ from what the lookup read: fingerprint them afresh.
    const builtFrom = fingerprinter(root);
    for (const [id, b] of built) {
      const p = packageOf(id, b.code);
      writeEntry(cache, id, inputsKey(id, b.inputs, version, builtFrom), b.inputs, p.zip);
      out.set(id, p);
    }
  }
  if (stats) stats.built = missing;
  return new Map(ids.map((id) => [id, out.get(id) as HandlerPackage]));
}

export interface Built {
  code: Buffer;
  inputs: Inputs;
}

type BuildResult = { outputFiles?: { path: string; contents: Uint8Array }[]; metafile?: Metafile };
export interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown> }>;
}

/** Each output's code and inputs, by function id, from an esbuild result with a metafile. */
export function splitResult(result: BuildResult): Map<string, Built> {
  const built = new Map<string, Built>();
  for (const file of result.outputFiles ?? []) {
    const id = file.path.split('/').pop()?.replace(/\.js$/, '') ?? '';
    const meta = Object.entries(result.metafile?.outputs ?? {}).find(([out]) => out.endsWith(`/${id}.js`))?.[1];
    built.set(id, { code: Buffer.from(file.contents), inputs: Object.keys(meta?.inputs ?? {}) });
  }
  return built;
}

/** A build failure as one message naming each file and line. */
export function buildError(err: unknown): UserError {
  const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
  const lines = errors.map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
  return new UserError(`Bundling the Lambda handlers failed:\n${lines.join('\n') || String(err)}`, {
    hint: 'Fix the handler source under handlers/ and run again.',
  });
}

export async function build(root: string, ids: readonly string[]): Promise<Map<string, Built>> {
  const esbuild = await import('esbuild');
  try {
    return splitResult(await esbuild.build({ ...BUILD_OPTIONS, absWorkingDir: root, entryPoints: entryPoints(ids) }));
  } catch (err) {
    throw buildError(err);
  }
}
