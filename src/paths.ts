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
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
