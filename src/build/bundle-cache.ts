// The per-function bundle cache: <cache>/<function>/<key>.zip holds the zipped bundle, and
// <cache>/<function>/inputs.json the inputs of the last build (which give the key to look for).
// Entries are written to a temporary file and renamed, so a crash never leaves a half entry;
// anything missing, empty or unreadable is a miss and gets rebuilt.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEEP_PER_FUNCTION = 5;

export interface Entry {
  zip: Buffer;
}

export function readEntry(cache: string, id: string, keyOf: (inputs: string[]) => string): Entry | undefined {
  try {
    const dir = join(cache, id);
    const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as unknown;
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) return undefined;
    const archive = readFileSync(join(dir, `${keyOf(inputs as string[])}.zip`));
    return archive.length > 0 ? { zip: archive } : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomically(path: string, data: string | Buffer): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export function writeEntry(cache: string, id: string, key: string, inputs: string[], archive: Buffer): void {
  try {
    const dir = join(cache, id);
    mkdirSync(dir, { recursive: true });
    prune(dir);
    // The zip first: inputs.json only ever leads to a complete entry.
    writeAtomically(join(dir, `${key}.zip`), archive);
    writeAtomically(join(dir, 'inputs.json'), JSON.stringify(inputs));
  } catch {
    /* an unwritable cache still works, just without the cache */
  }
}

/** Keeps the newest bundles of a function: each source change makes a new one. */
function prune(dir: string): void {
  const old = readdirSync(dir)
    .filter((n) => n.endsWith('.zip') || n.includes('.tmp-'))
    .map((n) => ({ path: join(dir, n), at: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const f of old.slice(KEEP_PER_FUNCTION - 1)) rmSync(f.path, { force: true });
}
