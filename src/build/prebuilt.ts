// The handler zips shipped in the package: dist/handlers/<id>.zip and manifest.json, written by
// `npm run build` (so by `prepare`, which `npm pack` and `npm publish` run) from the clone's
// sources and its locked dependencies. An installed projet1 deploys these bytes, whatever its own
// install resolved: two installs of one version deploy the same CodeSha256.
//
// Why shipped zips rather than npm-shrinkwrap.json: a shrinkwrap pins versions for npm only (pnpm
// and Yarn ignore it, a project's `overrides` still apply), and the bytes would still depend on
// the esbuild that happens to be installed; a zip is the deployed artefact itself, checked against
// the SHA-256 the manifest gives. A clone always builds from source (its node_modules is the
// truth there), and an installed package builds a function from source when its sources differ
// from those the zip was built from (someone edited the installed handlers, e.g. with `dev`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { isClone } from '../paths.js';
import { type HandlerPackage, packageOfZip } from './handler-package.js';

export const PREBUILT_DIR = join('dist', 'handlers');

export const Manifest = z.object({
  esbuild: z.string(),
  functions: z.record(
    z.string(),
    z.object({
      /** base64, as Lambda's CodeSha256. */
      sha256: z.string(),
      /** Our own source files the zip was built from (not dependencies), by SHA-256 (hex). */
      sources: z.record(z.string(), z.string()),
    }),
  ),
});
export type Manifest = z.infer<typeof Manifest>;

export const hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export function sourceHash(root: string, file: string): string | undefined {
  try {
    return hex(readFileSync(join(root, file)));
  } catch {
    return undefined;
  }
}

function readManifest(root: string): Manifest | undefined {
  try {
    const parsed = Manifest.safeParse(JSON.parse(readFileSync(join(root, PREBUILT_DIR, 'manifest.json'), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The shipped packages of an installed projet1, for the functions whose sources are those the
 * zips were built from; none in a clone or a package without them. A zip that does not hash to
 * its manifest entry is a damaged install, refused rather than replaced by other bytes.
 */
export function readPrebuilt(root: string, ids: readonly string[]): Map<string, HandlerPackage> {
  const found = new Map<string, HandlerPackage>();
  const manifest = isClone(root) ? undefined : readManifest(root);
  if (!manifest) return found;
  // The functions share most of their sources: each is read once.
  const hashes = new Map<string, string | undefined>();
  const hashOf = (file: string): string | undefined => {
    if (!hashes.has(file)) hashes.set(file, sourceHash(root, file));
    return hashes.get(file);
  };
  for (const id of ids) {
    const entry = manifest.functions[id];
    if (!entry || !Object.entries(entry.sources).every(([f, h]) => hashOf(f) === h)) continue;
    const file = join(root, PREBUILT_DIR, `${id}.zip`);
    const p = readZip(id, file);
    if (p?.sha256 !== entry.sha256)
      throw new UserError(`The handler bundle ${file} shipped with projet1 is missing or damaged (SHA-256 mismatch).`, {
        hint: 'Reinstall projet1 (npm install -g projet1).',
      });
    found.set(id, p);
  }
  return found;
}

function readZip(id: string, file: string): HandlerPackage | undefined {
  try {
    return packageOfZip(id, readFileSync(file));
  } catch {
    return undefined;
  }
}
