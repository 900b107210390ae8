// `projet1 permissions --out-dir`: one file per managed policy, readable by its owner only (they name
// the account and every resource of the stack). Existing files are kept unless `--force`, as npm's
// commands refuse to clobber without it; the check comes before any write, so a refusal writes nothing.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import { fileError } from './files.js';
import type { NamedPolicy, Scope } from './permissions.js';

export interface WrittenPolicies {
  /** The files written, in the policies' order. */
  files: string[];
  /** `<scope>-….json` files in the folder this run did not write: an earlier run's, to remove by hand. */
  stale: string[];
}

function folderReady(dir: string): void {
  try {
    if (!statSync(dir).isDirectory())
      throw new UserError(`--out-dir ${dir} is a file, not a folder.`, {
        exitCode: EXIT.usage,
        hint: 'Give a folder (it is created if missing), e.g. --out-dir iam-policies.',
      });
    return;
  } catch (err) {
    if (err instanceof UserError || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw toUserError(err, dir);
  }
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw toUserError(err, dir);
  }
}

const toUserError = (err: unknown, path: string): UserError =>
  err instanceof UserError ? err : fileError(err, path, 'policy folder');

/** Writes each policy's document as `<dir>/<file>` (mode 0600), all or nothing when files exist. */
export function writePolicyFiles(dir: string, scope: Scope, policies: NamedPolicy[], force: boolean): WrittenPolicies {
  folderReady(dir);
  const files = policies.map((p) => join(dir, p.file));
  const existing = files.filter((f) => existsSync(f));
  if (existing.length > 0 && !force)
    throw new UserError(
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written.`,
      {
        exitCode: EXIT.usage,
        hint: 'Pass --force to overwrite them, or choose another --out-dir.',
      },
    );
  policies.forEach((p, i) => {
    const file = files[i] ?? '';
    const text = `${JSON.stringify(p.document, null, 2)}\n`;
    // Written beside it then renamed: an overwritten file is replaced whole, with this mode, or not at all.
    const temp = `${file}.partial-${process.pid}`;
    try {
      writeFileSync(temp, text, { flag: 'wx', mode: 0o600 });
      if (!force && existsSync(file)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      renameSync(temp, file);
    } catch (err) {
      rmSync(temp, { force: true });
      throw fileError(err, file, 'policy file');
    }
  });
  const written = new Set(policies.map((p) => p.file));
  const pattern = new RegExp(`^${scope}(-[a-z0-9]+)*\\.json$`);
  const stale = readdirSync(dir)
    .filter((name) => pattern.test(name) && !written.has(name))
    .sort()
    .map((name) => join(dir, name));
  return { files, stale };
}
