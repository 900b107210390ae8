// Bundles every Lambda handler with esbuild (CommonJS, AWS SDK included: emulators do
// not provide it, and pinning it makes behaviour the same everywhere), then zips each
// deterministically. Same source and lockfile -> same bytes -> same CodeSha256.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { cacheDir } from '../paths.js';
import { zip } from './zip.js';

export interface HandlerPackage {
  /** Handler id (file name under handlers/ without extension). */
  id: string;
  zip: Buffer;
  /** base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  sha256: string;
  /** Size of the bundled JavaScript. */
  bundleBytes: number;
}

/**
 * Bundles are cached under the cache directory's build/ (see paths.ts), keyed by a hash of
 * every input (sources, lockfile, esbuild version): unchanged code costs a hash, not a bundle.
 */
export async function bundleHandlers(
  root: string,
  ids: readonly string[],
  cache = join(cacheDir(), 'build'),
): Promise<Map<string, HandlerPackage>> {
  const esbuild = await import('esbuild');
  const key = inputsHash(root, ids, esbuild.version);
  const dir = join(cache, key);
  const cached = readCache(dir, ids);
  if (cached) return cached;
  const built = await build(esbuild, root, ids);
  writeCache(dir, built);
  return built;
}

function inputsHash(root: string, ids: readonly string[], esbuildVersion: string): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n${ids.join(',')}\n`);
  const files = [
    ...listFiles(join(root, 'handlers')),
    ...listFiles(join(root, 'src')),
    join(root, 'package-lock.json'),
  ].sort();
  for (const file of files) {
    hash.update(`${relative(root, file)}\n`);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 32);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** A cache entry that is missing, partial or unreadable is a miss: it is rebuilt, never trusted. */
function readCache(dir: string, ids: readonly string[]): Map<string, HandlerPackage> | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, number>;
    return new Map(
      ids.map((id) => {
        const archive = readFileSync(join(dir, `${id}.zip`));
        if (typeof meta[id] !== 'number' || archive.length === 0) throw new Error(`incomplete cache entry ${dir}`);
        return [
          id,
          { id, zip: archive, sha256: createHash('sha256').update(archive).digest('base64'), bundleBytes: meta[id] },
        ];
      }),
    );
  } catch {
    return undefined;
  }
}

const KEEP_BUILDS = 5;

/** Written in a temporary folder renamed into place: a crash leaves no half entry. */
function writeCache(dir: string, built: Map<string, HandlerPackage>): void {
  let temp: string | undefined;
  try {
    pruneCache(dirname(dir));
    mkdirSync(dirname(dir), { recursive: true });
    temp = mkdtempSync(`${dir}.tmp-`);
    for (const p of built.values()) writeFileSync(join(temp, `${p.id}.zip`), p.zip);
    writeFileSync(
      join(temp, 'meta.json'),
      JSON.stringify(Object.fromEntries([...built.values()].map((p) => [p.id, p.bundleBytes]))),
    );
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch {
    /* an unwritable cache still works, just without the cache */
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

/** Keeps the newest builds only: every source change makes a new one. */
function pruneCache(root: string): void {
  if (!existsSync(root)) return;
  const dirs = readdirSync(root)
    .map((name) => ({ path: join(root, name), at: statSync(join(root, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of dirs.slice(KEEP_BUILDS - 1)) rmSync(old.path, { recursive: true, force: true });
}

async function build(
  esbuild: typeof import('esbuild'),
  root: string,
  ids: readonly string[],
): Promise<Map<string, HandlerPackage>> {
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(ids.map((id) => [id, join('handlers', `${id}.ts`)])),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      write: false,
      outdir: 'out',
      logLevel: 'silent',
    });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors ?? [];
    const lines = errors.map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`);
    throw new UserError(`Bundling the Lambda handlers failed:\n${lines.join('\n') || String(err)}`, {
      hint: 'Fix the handler source under handlers/ and run again.',
    });
  }
  const packages = new Map<string, HandlerPackage>();
  for (const file of result.outputFiles ?? []) {
    const id = file.path.split('/').pop()?.replace(/\.js$/, '') ?? '';
    const code = Buffer.from(file.contents);
    const archive = zip([{ name: 'index.js', data: code }]);
    packages.set(id, {
      id,
      zip: archive,
      sha256: createHash('sha256').update(archive).digest('base64'),
      bundleBytes: code.length,
    });
  }
  return packages;
}
