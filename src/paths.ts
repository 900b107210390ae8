// Where projet1 lives and where it keeps what it writes.
//
// The package (handlers/, src/, website/) is found from this compiled file, so the CLI works
// from any directory. It never writes inside an installed package (a global install may be
// read-only and is replaced on upgrade):
// - cache (the emulator's virtualenv, handler bundles): $PROJET1_CACHE_DIR, else, run from a
//   clone, the clone's .projet1/ (with .venv/), else $XDG_CACHE_HOME/projet1 (~/.cache/projet1);
// - state (the running emulator's record, its logs and saved data): $PROJET1_STATE_DIR, else
//   $XDG_STATE_HOME/projet1 (~/.local/state/projet1), for a clone too, so that a clone's CLI
//   and an installed CLI find the same running emulator.
// privateDir/privateFile make what they hold this user's alone (folders 0700, secrets 0600): the
// state folder holds the emulator's TLS key and its saved data (the local admin token among them).
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from './errors.js';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A source checkout (it has the TypeScript project file, which the package does not ship). */
export function isClone(root = PACKAGE_ROOT): boolean {
  return existsSync(join(root, 'tsconfig.json'));
}

function xdg(env: NodeJS.ProcessEnv, variable: string, fallback: string[]): string {
  const set = env[variable];
  const base = set?.startsWith('/') ? set : join(env.HOME || homedir(), ...fallback);
  return join(base, 'projet1');
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PROJET1_CACHE_DIR) return resolve(env.PROJET1_CACHE_DIR);
  return isClone() ? join(PACKAGE_ROOT, '.projet1') : xdg(env, 'XDG_CACHE_HOME', ['.cache']);
}

/** The emulator's Python virtualenv: the clone's .venv/, or under the cache directory. */
export function venvDir(env: NodeJS.ProcessEnv = process.env): string {
  if (!env.PROJET1_CACHE_DIR && isClone()) return join(PACKAGE_ROOT, '.venv');
  return join(cacheDir(env), 'venv');
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PROJET1_STATE_DIR) return resolve(env.PROJET1_STATE_DIR);
  return xdg(env, 'XDG_STATE_HOME', ['.local', 'state']);
}

/**
 * Makes `dir` exist and this user's alone (0700), tightening it when it already exists with looser
 * modes (made by an older projet1, or by hand). Missing parents get the usual modes: only our own
 * folder is ours to restrict. Refuses a folder it cannot tighten (another user's).
 */
export function privateDir(dir: string): string {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return restrict(dir, 0o700);
}

/** Makes an existing file (a private key, a token) readable by this user only (0600). */
export function privateFile(file: string): string {
  return restrict(file, 0o600);
}

function restrict(path: string, mode: number): string {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return path;
  try {
    chmodSync(path, mode);
  } catch (err) {
    throw new UserError(
      `${path} is open to other users (mode ${current.toString(8).padStart(4, '0')}) and could not be restricted to ${mode.toString(8).padStart(4, '0')}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
      {
        hint: 'Fix its owner or mode (chmod), or point PROJET1_STATE_DIR / PROJET1_CACHE_DIR at a folder of your own.',
      },
    );
  }
  return path;
}
