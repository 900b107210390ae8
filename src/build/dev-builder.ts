// Incremental builds for `projet1 dev`: one esbuild context kept alive for every handler, with
// the same options as `up` (so the same bytes), and its metafile to know which functions a
// changed file reaches. Each build also fills the per-function cache, so the `up` that follows
// a dev session rebuilds nothing.
import { relative } from 'node:path';
import { join } from 'node:path';
import { cacheDir } from '../paths.js';
import { writeEntry } from './bundle-cache.js';
import {
  BUILD_OPTIONS,
  type Built,
  buildError,
  entryPoints,
  esbuildVersion,
  type HandlerPackage,
  inputsKey,
  packageOf,
  splitResult,
} from './bundle.js';

export interface DevBuild {
  /** Every function's package after this build. */
  packages: Map<string, HandlerPackage>;
  /** Functions whose bundle differs from the previous build's. */
  changed: string[];
  ms: number;
}

export interface DevBuilder {
  /** Rebuilds (incrementally). A source error rejects with a UserError naming file and line. */
  build(): Promise<DevBuild>;
  /** True when `file` (absolute) is an input of some function, as of the last good build. */
  reaches(file: string): boolean;
  /** Folders holding our own inputs (not dependencies): what to watch. */
  sourceDirs(): string[];
  dispose(): Promise<void>;
}

export async function devBuilder(
  root: string,
  ids: readonly string[],
  cache = join(cacheDir(), 'build'),
): Promise<DevBuilder> {
  const esbuild = await import('esbuild');
  const version = esbuildVersion();
  const ctx = await esbuild.context({ ...BUILD_OPTIONS, absWorkingDir: root, entryPoints: entryPoints(ids) });
  let last = new Map<string, HandlerPackage>();
  let inputs = new Map<string, Built['inputs']>();
  const ours = (): string[] => [...new Set([...inputs.values()].flat())].filter((f) => !f.includes('node_modules/'));
  return {
    async build() {
      const t0 = performance.now();
      let built: Map<string, Built>;
      try {
        built = splitResult(await ctx.rebuild());
      } catch (err) {
        throw buildError(err);
      }
      const packages = new Map<string, HandlerPackage>();
      const changed: string[] = [];
      for (const [id, b] of built) {
        const previous = last.get(id);
        const p = packageOf(id, b.code);
        packages.set(id, p);
        if (previous?.sha256 !== p.sha256) {
          changed.push(id);
          writeEntry(cache, id, inputsKey(root, id, b.inputs, version), b.inputs, p.zip);
        }
        inputs.set(id, b.inputs);
      }
      inputs = new Map(inputs);
      last = packages;
      return { packages, changed, ms: performance.now() - t0 };
    },
    reaches(file) {
      const rel = relative(root, file);
      return [...inputs.values()].some((list) => list.includes(rel));
    },
    sourceDirs() {
      return [...new Set(ours().map((f) => join(root, f, '..')))];
    },
    dispose: () => ctx.dispose(),
  };
}
