// Runs the real CLI (bin/projet1.js) as a subprocess, like a user would.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../src/emulator/ministack.js';

export const BIN = resolve(PACKAGE_ROOT, 'bin', 'projet1.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

/** A clean environment: no AWS settings from the developer's machine leak into tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'projet1-home-'));
  return {
    PATH: process.env.PATH,
    HOME: home,
    CI: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; input?: string; bin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.bin ?? BIN, ...args], {
      cwd: opts.cwd ?? PACKAGE_ROOT,
      env: opts.env ?? cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(opts.input ?? '');
    child.on('error', reject);
    child.on('close', (code) =>
      resolveRun({
        code: code ?? -1,
        stdout,
        stderr,
        json: <T>() => {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code ?? '?'}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
  });
}

/** A temporary working directory holding the given projet1.config.json. */
export function projectDir(config: Record<string, unknown> | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'projet1-proj-'));
  writeFileSync(
    join(dir, 'projet1.config.json'),
    typeof config === 'string' ? config : JSON.stringify(config, null, 2),
  );
  return dir;
}
