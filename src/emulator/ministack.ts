// Local emulator harness: installs a pinned MiniStack into a project-local virtualenv
// and runs it on loopback, on a free port. Used by `projet1 emulator`, `npm run local`
// and the integration tests (which start their own and stop it even on failure).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { PROJECT_ROOT } from '../paths.js';

export const MINISTACK_VERSION = '1.5.33';
export const SERVICES = 'iam,sts,dynamodb,lambda,apigateway,s3,cloudfront,cloudwatch,logs,ssm,secretsmanager';

export { PROJECT_ROOT };
const VENV = join(PROJECT_ROOT, '.venv');
const STATE_DIR = join(PROJECT_ROOT, '.projet1');
const STATE_FILE = join(STATE_DIR, 'emulator.json');
const BIN = join(VENV, 'bin', 'ministack');
const MARKER = join(VENV, `.ministack-${MINISTACK_VERSION}`);

export interface EmulatorHandle {
  endpoint: string;
  port: number;
  pid: number;
  /** Wipes all emulator state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function isInstalled(): boolean {
  return existsSync(MARKER) && existsSync(BIN);
}

/** Idempotent: creates .venv and installs the pinned MiniStack unless already there. */
export function install(log: (line: string) => void = () => undefined): void {
  if (isInstalled()) return;
  const python = process.env.PYTHON ?? 'python3';
  const version = spawnSync(python, ['-c', 'import sys; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
  if (version.status !== 0 || version.stdout.trim() !== 'True') {
    throw new UserError(`The local emulator needs Python 3.10 or later ("${python}" ${version.status !== 0 ? 'was not found' : 'is older'}).`, {
      hint: 'Install Python 3.10+ or point the PYTHON environment variable at one.',
    });
  }
  const run = (cmd: string, args: string[]): void => {
    log(`$ ${cmd} ${args.join(' ')}`);
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new UserError(`Installing MiniStack failed: \`${cmd} ${args.join(' ')}\` exited with ${r.status ?? r.signal}.`);
  };
  if (!existsSync(join(VENV, 'bin', 'pip'))) run(python, ['-m', 'venv', VENV]);
  run(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `ministack==${MINISTACK_VERSION}`]);
  writeFileSync(MARKER, `${MINISTACK_VERSION}\n`);
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export async function isHealthy(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/_ministack/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

function handle(endpoint: string, port: number, pid: number, child?: ChildProcess): EmulatorHandle {
  return {
    endpoint,
    port,
    pid,
    async reset() {
      const res = await fetch(`${endpoint}/_ministack/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`emulator reset failed: HTTP ${res.status}`);
    },
    async stop() {
      killGroup(pid);
      if (child && child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * Starts MiniStack on 127.0.0.1. `detached` runs survive this process (the `emulator start`
 * command); otherwise the emulator is killed when this process exits, however it exits.
 */
export async function start(opts: { port?: number; detached?: boolean; logFile?: string } = {}): Promise<EmulatorHandle> {
  if (!isInstalled()) throw new UserError('MiniStack is not installed.', { hint: 'Run `npm run emulator:install` (or `projet1 emulator install`).' });
  const port = opts.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  mkdirSync(STATE_DIR, { recursive: true });
  const log = openSync(opts.logFile ?? join(STATE_DIR, `ministack-${port}.log`), 'w');
  const child = spawn(BIN, [], {
    cwd: STATE_DIR,
    detached: true, // own process group, so stop() also ends the Lambda workers it forks
    stdio: ['ignore', log, log],
    env: { ...process.env, BIND_HOST: '127.0.0.1', GATEWAY_PORT: String(port), IOT_MTLS_ENABLED: '0', SERVICES },
  });
  const pid = child.pid;
  if (pid === undefined) throw new UserError(`Could not start ${BIN}.`);
  if (opts.detached) child.unref();
  else process.once('exit', () => killGroup(pid));
  const deadline = Date.now() + 30000;
  while (!(await isHealthy(endpoint))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(pid);
      throw new UserError(`MiniStack did not become healthy on ${endpoint}; see ${join(STATE_DIR, `ministack-${port}.log`)}.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle(endpoint, port, pid, opts.detached ? undefined : child);
}

export interface RunningEmulator {
  endpoint: string;
  port: number;
  pid: number;
}

/** The emulator started by `projet1 emulator start`, if it is still answering. */
export async function running(): Promise<RunningEmulator | undefined> {
  if (!existsSync(STATE_FILE)) return undefined;
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as RunningEmulator;
  return (await isHealthy(state.endpoint)) ? state : undefined;
}

export async function startDetached(port?: number): Promise<RunningEmulator> {
  const existing = await running();
  if (existing) return existing;
  const h = await start({ detached: true, ...(port === undefined ? {} : { port }) });
  const state: RunningEmulator = { endpoint: h.endpoint, port: h.port, pid: h.pid };
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

export async function stopDetached(): Promise<RunningEmulator | undefined> {
  const existing = await running();
  if (existing) killGroup(existing.pid);
  rmSync(STATE_FILE, { force: true });
  return existing;
}
