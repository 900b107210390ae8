// The per-function bundle cache: <cache>/<function>/<key>.zip holds the zipped bundle, and
// <cache>/<function>/inputs.json the inputs of the last build (which give the key to look for)
// with that zip's SHA-256. A zip that does not hash to it (cut short by a power loss, damaged on
// disk, edited) is a miss and gets rebuilt: a cached bundle reaches Lambda only as it was built.
// Entries are written to a temporary file, flushed to disk (fsync) and renamed, so a crash leaves
// either the old entry or the new one; inputs.json is written last and names the zip's hash.
import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { privateDir } from '../paths.js';

const KEEP_PER_FUNCTION = 5;

export interface Entry {
  zip: Buffer;
}

/** inputs.json: what the last build read, the key it gave, and its zip's SHA-256 (hex). */
interface Index {
  inputs: string[];
  key: string;
  sha256: string;
}

function readIndex(dir: string): Index | undefined {
  const index = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as Partial<Index> | null;
  const { inputs, key, sha256 } = index ?? {};
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) return undefined;
  if (typeof key !== 'string' || typeof sha256 !== 'string') return undefined;
  return { inputs, key, sha256 };
}

const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export function readEntry(cache: string, id: string, keyOf: (inputs: string[]) => string): Entry | undefined {
  try {
    const dir = join(cache, id);
    const index = readIndex(dir);
    if (!index) return undefined;
    const key = keyOf(index.inputs);
    if (key !== index.key) return undefined;
    const archive = readFileSync(join(dir, `${key}.zip`));
    return sha256Hex(archive) === index.sha256 ? { zip: archive } : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: the data reaches the disk before the rename makes it visible. */
function writeAtomically(path: string, data: string | Buffer): void {
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** The rename itself reaches the disk once the folder is flushed (Linux; elsewhere a no-op or refused). */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here: the checksum still catches a damaged entry */
  }
}

export function writeEntry(cache: string, id: string, key: string, inputs: string[], archive: Buffer): void {
  try {
    const dir = join(cache, id);
    privateDir(cache);
    mkdirSync(dir, { recursive: true });
    prune(dir);
    // The zip first: inputs.json only ever leads to a complete entry.
    writeAtomically(join(dir, `${key}.zip`), archive);
    syncFolder(dir);
    const index: Index = { inputs, key, sha256: sha256Hex(archive) };
    writeAtomically(join(dir, 'inputs.json'), JSON.stringify(index));
    syncFolder(dir);
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
