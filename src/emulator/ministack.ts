// Local emulator harness: runs the MiniStack install.ts installed, on loopback, with only the
// environment it needs (child-env.ts). Used by `projet1 emulator`, `npm run local` and the
// integration tests (which start their own and stop it even on failure).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { PACKAGE_ROOT, privateDir, stateDir } from '../paths.js';
import { emulatorEnv } from './child-env.js';
import { BIN, isInstalled } from './install.js';
import { diesWithThisProcess, killGroup } from './process-group.js';
import { ensureCertificate } from './tls-cert.js';

// tagging: the Resource Groups Tagging API, with which plan, up and down find what the stack tagged (src/stack/tagged.ts).
// wafv2: the web ACL of `waf.enabled` (src/resources/wafv2-web-acl.ts).
// acm, route53: the site's own domain (website.domain), its certificate and DNS records.
export const SERVICES =
  'iam,sts,dynamodb,lambda,apigateway,s3,cloudfront,cloudwatch,logs,ssm,secretsmanager,sns,tagging,wafv2,acm,route53,cognito-idp';

export { PACKAGE_ROOT };
export { install, isInstalled, MINISTACK_VERSION, pipInstallArgs } from './install.js';
const STATE_DIR = stateDir();
/** The emulator `emulator start` runs: endpoint, port, pid. Shared by every projet1 on this machine. */
const STATE_FILE = join(STATE_DIR, 'emulator.json');

export interface EmulatorHandle {
  endpoint: string;
  port: number;
  pid: number;
  /** Wipes all emulator state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
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

/** Answers on its health route; `ca` trusts a TLS emulator's own certificate. */
export async function isHealthy(endpoint: string, ca?: string): Promise<boolean> {
  if (!ca) {
    try {
      const res = await fetch(`${endpoint}/_ministack/health`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    } catch {
      return false;
    }
  }
  const pem = existsSync(ca) ? readFileSync(ca) : undefined;
  if (!pem) return false;
  return new Promise((resolveHealth) => {
    const req = httpsGet(`${endpoint}/_ministack/health`, { ca: pem, timeout: 1000 }, (res) => {
      res.resume();
      resolveHealth(res.statusCode === 200);
    });
    req.on('error', () => resolveHealth(false));
    req.on('timeout', () => req.destroy());
  });
}

/** `owned`: an emulator this process started, whose log is removed when it stops (tests start hundreds). */
function handle(
  endpoint: string,
  port: number,
  pid: number,
  owned?: { child: ChildProcess; log: string; release: () => void },
): EmulatorHandle {
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
      if (!owned) return;
      owned.release();
      const { child } = owned;
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
      rmSync(owned.log, { force: true });
    },
  };
}

/**
 * Starts MiniStack on 127.0.0.1. `detached` runs survive this process (the `emulator start`
 * command); otherwise the emulator is killed when this process exits, however it exits.
 */
export async function start(
  opts: {
    port?: number;
    detached?: boolean;
    logFile?: string;
    tls?: boolean;
    persist?: boolean;
    /** Services to run besides the stack's (the CDK comparison needs cloudformation). */
    extraServices?: string[];
  } = {},
): Promise<EmulatorHandle> {
  if (!isInstalled())
    throw new UserError('MiniStack is not installed.', {
      hint: 'Run `npm run emulator:install` (or `projet1 emulator install`).',
    });
  const port = opts.port ?? (await freePort());
  const endpoint = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  privateDir(STATE_DIR); // its logs and saved data (the local admin token among them) are this user's alone
  // TLS: our own certificate (it names *.cloudfront.localhost, which MiniStack's does not), kept with our state.
  const tls = opts.tls ? ensureCertificate(STATE_DIR) : undefined;
  const tlsEnv = tls
    ? { USE_SSL: '1', TMPDIR: STATE_DIR, MINISTACK_SSL_CERT: tls.cert, MINISTACK_SSL_KEY: tls.key }
    : {};
  // Saved at shutdown, reloaded at start: `emulator stop` then `start` keeps the stack.
  const persistEnv = opts.persist ? { PERSIST_STATE: '1', STATE_DIR: join(STATE_DIR, 'data') } : {};
  const logPath = opts.logFile ?? join(STATE_DIR, `ministack-${port}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(BIN, [], {
    cwd: STATE_DIR,
    detached: true, // own process group, so stop() also ends the Lambda workers it forks
    stdio: ['ignore', log, log],
    env: emulatorEnv(process.env, {
      BIND_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      IOT_MTLS_ENABLED: '0',
      ...tlsEnv,
      ...persistEnv,
      AUTH: 'true',
      SERVICES: [SERVICES, ...(opts.extraServices ?? [])].join(','),
    }),
  });
  const pid = child.pid;
  if (pid === undefined) throw new UserError(`Could not start ${BIN}.`);
  if (opts.detached) child.unref();
  const release = opts.detached ? () => undefined : diesWithThisProcess(pid);
  const deadline = Date.now() + 30000;
  const ca = opts.tls ? emulatorCaPath() : undefined;
  while (!(await isHealthy(endpoint, ca))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(pid);
      release();
      throw new UserError(
        `MiniStack did not become healthy on ${endpoint}; see ${join(STATE_DIR, `ministack-${port}.log`)}.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle(endpoint, port, pid, opts.detached ? undefined : { child, log: logPath, release });
}

export interface RunningEmulator {
  endpoint: string;
  port: number;
  pid: number;
  /** The certificate of a TLS emulator, to trust (AWS_CA_BUNDLE, curl --cacert). */
  ca?: string;
}

/** Where a TLS emulator's self-signed certificate is (made by tls-cert.ts before a TLS start). */
export function emulatorCaPath(): string {
  return join(STATE_DIR, 'ministack-tls', 'server.crt');
}

/** The certificate to trust for `endpoint` when it is the shared TLS emulator; read synchronously (no call). */
export function caForEndpoint(endpoint: string | null): string | undefined {
  if (!endpoint?.startsWith('https:')) return undefined;
  const state = record();
  return state?.ca && state.endpoint.replace(/\/$/, '') === endpoint.replace(/\/$/, '') ? state.ca : undefined;
}

/** The emulator started by `projet1 emulator start`, if it is still answering. */
/** The last record written by `emulator start`, whether or not it still answers; a broken file is no record. */
function record(): RunningEmulator | undefined {
  try {
    const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as Partial<RunningEmulator>;
    return typeof state.endpoint === 'string' && typeof state.port === 'number' && typeof state.pid === 'number'
      ? (state as RunningEmulator)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The emulator started by `projet1 emulator start`, if it is still answering. */
export async function running(): Promise<RunningEmulator | undefined> {
  const state = record();
  return state && (await isHealthy(state.endpoint, state.ca)) ? state : undefined;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/**
 * Starts the shared emulator, or returns the one already running. Without --port it reuses
 * the last port when that is free, so an exported AWS_ENDPOINT_URL stays valid.
 */
export async function startDetached(port?: number): Promise<RunningEmulator & { alreadyRunning: boolean }> {
  const existing = await running();
  if (existing) {
    if (port !== undefined && port !== existing.port) {
      throw new UserError(
        `An emulator started by projet1 already runs on ${existing.endpoint} (pid ${existing.pid}), not on port ${port}.`,
        {
          exitCode: 2,
          hint: `Use it as it is, or stop it first with \`projet1 emulator stop\` and start again with --port ${port}.`,
        },
      );
    }
    return { ...existing, alreadyRunning: true };
  }
  const last = record()?.port;
  const chosen = port ?? (last !== undefined && (await portIsFree(last)) ? last : undefined);
  privateDir(STATE_DIR); // its logs and saved data (the local admin token among them) are this user's alone
  // The user's emulator serves HTTPS (so a browser can open the website through its CloudFront,
  // which redirects plain HTTP) and keeps its state across stop and start.
  const h = await start({
    detached: true,
    tls: true,
    persist: true,
    ...(chosen === undefined ? {} : { port: chosen }),
  });
  const state: RunningEmulator = { endpoint: h.endpoint, port: h.port, pid: h.pid, ca: emulatorCaPath() };
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  return { ...state, alreadyRunning: false };
}

/** Stops the shared emulator; its record keeps the port for the next start. */
export async function stopDetached(): Promise<RunningEmulator | undefined> {
  const existing = await running();
  if (existing) {
    killGroup(existing.pid);
    // Wait until it is gone, so a start right after can take the same port.
    for (const deadline = Date.now() + 10000; isAlive(existing.pid) && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 50));
  }
  return existing;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
