// The benches run the real CLI as a user would: one process per command, timed from outside.
import { spawnSync } from 'node:child_process';
import { BIN } from '../test/helpers/cli.js';

const env = { ...process.env, CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export interface Run {
  stdout: string;
  stderr: string;
  /** Whole-process wall time, start-up included. */
  ms: number;
}

/** Runs `projet1 <args>` in `cwd` (with `extraEnv`); a failure stops the bench with its stderr. */
export function projet1(args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`projet1 ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, ms };
}
