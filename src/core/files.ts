// Files a command reads or writes, with one clear line for every way the path can be wrong
// (missing, a directory, under a regular file, no permission) instead of a Node stack trace.
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseJsonText } from '../config/json-text.js';
import { EXIT, UserError } from '../errors.js';

const WHY: Record<string, string> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'is not a valid path (a part of it is a file, not a folder)',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the disk is full',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'has a name that is too long',
};

/** A user error for a failed file operation on `path`; `what` names the file's role ("product file"). */
export function fileError(err: unknown, path: string, what: string): UserError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new UserError(`The ${what} ${path} ${WHY[code] ?? `cannot be used (${code || String(err)})`}.`, {
    exitCode: EXIT.usage,
    cause: err,
  });
}

/** Fails unless `path` is an existing, readable regular file. */
export function checkReadableFile(path: string, what: string): void {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    // Opening proves it can be read without reading it (an import file may be large).
    closeSync(openSync(path, 'r'));
  } catch (err) {
    throw fileError(err, path, what);
  }
}

/** Fails unless a file can be created at `path`: its folder exists and it is not itself a directory. */
export function checkWritableTarget(path: string, what: string): void {
  const folder = dirname(resolve(path));
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(folder);
  } catch (err) {
    throw new UserError(
      `Cannot write the ${what} ${path}: its folder ${folder} ${WHY[(err as NodeJS.ErrnoException).code ?? ''] ?? 'cannot be used'}.`,
      { exitCode: EXIT.usage },
    );
  }
  if (!stat.isDirectory())
    throw new UserError(`Cannot write the ${what} ${path}: ${folder} is a file, not a folder.`, {
      exitCode: EXIT.usage,
    });
  try {
    if (statSync(path).isDirectory())
      throw new UserError(`Cannot write the ${what} ${path}: it is a directory.`, {
        exitCode: EXIT.usage,
        hint: 'Give a file name, e.g. products.jsonl.',
      });
  } catch (err) {
    if (err instanceof UserError) throw err;
  }
}

/** A JSON file holding one product (products create --file): errors name the product file. */
export function readProductFile(path: string): unknown {
  checkReadableFile(path, 'product file');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw fileError(err, path, 'product file');
  }
  const parsed = parseJsonText(text, { comments: false });
  if (!parsed.ok)
    throw new UserError(`Invalid product file ${path}: ${parsed.problem}.`, {
      exitCode: EXIT.usage,
      hint: 'The file must hold one JSON object with the product fields.',
    });
  return parsed.value;
}
