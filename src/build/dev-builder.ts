// Incremental builds for `projet1 dev`: an esbuild context kept alive per handler, with
// the same options as `up` (so the same bytes), and its metafile to know which functions a
// changed file reaches. Each build also fills the per-function cache, so the `up` that follows
// a dev session rebuilds nothing.
import { join, relative } from 'node:path';
import { cacheDir } from '../paths.js';
import { writeEntry } from './bundle-cache.js';
import {
  BUILD_OPTIONS,
  type Built,
  buildError,
  entryPoints,
  esbuildVersion,
  type HandlerPackage,
  fingerprinter,
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
  /**
   * Rebuilds (incrementally) the functions `files` reach, or every function without `files`.
   * A source error rejects with a UserError naming file and line.
   */
  build(files?: string[]): Promise<DevBuild>;
  /** True when `file` (absolute) is an input of some function, as of the last good build. */
  reaches(file: string): boolean;
  /** Folders holding our own inputs (not dependencies): what to watch. */
  sourceDirs(): string[];
  dispose(): Promise<void>;
}

/** One esbuild context per function: an edit to one handler relinks and minifies that bundle only. */
export async function devBuilder(
  root: string,
  ids: readonly string[],
  cache = join(cacheDir(), 'build'),
): Promise<DevBuilder> {
  const esbuild = await import('esbuild');
  const version = esbuildVersion();
  const contexts = new Map(
    await Promise.all(
      ids.map(
        async (id) =>
          [
            id,
            await esbuild.context({ ...BUILD_OPTIONS, absWorkingDir: root, entryPoints: entryPoints([id]) }),
          ] as const,
      ),
    ),
  );
  const last = new Map<string, HandlerPackage>();
  const inputs = new Map<string, Built['inputs']>();
  const ours = (): string[] => [...new Set([...inputs.values()].flat())].filter((f) => !f.includes('node_modules/'));
  /** `rel` (relative to the root) is an input of some function, as of the last good build. */
  const known = (rel: string): boolean => [...inputs.values()].some((list) => list.includes(rel));
  const reached = (files: string[]): string[] => {
    const rel = files.map((f) => relative(root, f));
    // A file no build has seen yet (just created) may be imported by anyone: rebuild all.
    if (!rel.every(known)) return [...ids];
    return ids.filter((id) => rel.some((f) => inputs.get(id)?.includes(f)));
  };
  return {
    async build(files) {
      const t0 = performance.now();
      const targets = files && inputs.size > 0 ? reached(files) : [...ids];
      let results: Map<string, Built>[];
      try {
        results = await Promise.all(
          targets.map(async (id) => splitResult(await (contexts.get(id) as BuildContext).rebuild())),
        );
      } catch (err) {
        throw buildError(err);
      }
      const changed: string[] = [];
      const print = fingerprinter(root);
      for (const [id, b] of results.flatMap((m) => [...m])) {
        const p = packageOf(id, b.code);
        if (last.get(id)?.sha256 !== p.sha256) {
          changed.push(id);
          writeEntry(cache, id, inputsKey(id, b.inputs, version, print), b.inputs, p.zip);
        }
        last.set(id, p);
        inputs.set(id, b.inputs);
      }
      return { packages: new Map(last), changed, ms: performance.now() - t0 };
    },
    reaches: (file) => known(relative(root, file)),
    sourceDirs() {
      return [...new Set(ours().map((f) => join(root, f, '..')))];
    },
    dispose: async () => {
      await Promise.all([...contexts.values()].map((c) => c.dispose()));
    },
  };
}

type BuildContext = Awaited<ReturnType<typeof import('esbuild')['context']>>;
