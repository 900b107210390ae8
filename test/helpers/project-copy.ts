// The project as a developer has it, in a temporary folder: sources, website and the built CLI,
// with the dependencies shared (a symlink). For `projet1 dev`, which edits and watches them.
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/paths.js';

export function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'projet1-dev-'));
  for (const entry of [
    'bin',
    'dist',
    'handlers',
    'runtime',
    'src',
    'website',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
  ])
    cpSync(join(PACKAGE_ROOT, entry), join(root, entry), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}
