// Installs the pinned MiniStack into a virtualenv (see paths.ts for where), by hash: pip gets
// ministack-requirements.txt with --require-hashes, which names MiniStack and every package it
// installs by version and SHA-256 (scripts/pin-ministack.mjs writes it from PyPI). A package
// changed on the index, a mirror serving other bytes or a dependency not pinned makes pip refuse,
// instead of running unknown code with the user's rights.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { PACKAGE_ROOT, venvDir } from '../paths.js';

export const MINISTACK_VERSION = '1.5.33';

/** Shipped with the package (src/ is), beside this file's source. */
export const REQUIREMENTS = join(PACKAGE_ROOT, 'src', 'emulator', 'ministack-requirements.txt');

const VENV = venvDir();
export const BIN = join(VENV, 'bin', 'ministack');

/**
 * Names what was installed: the version and the requirements file's digest, so a virtualenv
 * installed before hashes (or with other pins) goes through a hash-checked install once more.
 */
function marker(): string {
  const digest = existsSync(REQUIREMENTS)
    ? createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12)
    : 'none';
  return join(VENV, `.ministack-${MINISTACK_VERSION}-${digest}`);
}

export function isInstalled(): boolean {
  return existsSync(marker()) && existsSync(BIN);
}

/** pip's arguments: every package by hash, nothing resolved from the index by name alone. */
export function pipInstallArgs(requirements = REQUIREMENTS): string[] {
  return ['install', '--quiet', '--disable-pip-version-check', '--require-hashes', '-r', requirements];
}

/** Idempotent: creates the virtualenv and installs the pinned MiniStack unless already there. */
export function install(log: (line: string) => void = () => undefined): void {
  if (isInstalled()) return;
  const python = process.env.PYTHON ?? 'python3';
  const version = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
  if (version.status !== 0 || version.stdout.trim() !== 'True') {
    throw new UserError(
      `The local emulator needs Python 3.10 or later ("${python}" ${version.status !== 0 ? 'was not found' : 'is older'}).`,
      {
        hint: 'Install Python 3.10+ or point the PYTHON environment variable at one.',
      },
    );
  }
  const run = (cmd: string, args: string[]): void => {
    log(`$ ${cmd} ${args.join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0)
      throw new UserError(
        `Installing MiniStack failed: \`${cmd} ${args.join(' ')}\` exited with ${r.status ?? r.signal}.`,
        {
          hint: 'A hash mismatch means pip was served other bytes than PyPI published for these versions: check the index or proxy pip uses (PIP_INDEX_URL, pip.conf).',
        },
      );
  };
  mkdirSync(dirname(VENV), { recursive: true });
  if (!existsSync(join(VENV, 'bin', 'pip'))) run(python, ['-m', 'venv', VENV]);
  run(join(VENV, 'bin', 'pip'), pipInstallArgs());
  writeFileSync(marker(), `${MINISTACK_VERSION}\n`);
}
