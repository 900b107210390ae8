// The stack lock when things go wrong between two runs: a taker killed in the middle of a takeover,
// a renewal held up on the network while another run takes the lock over, a run that loses its lock
// half-way through an `up`, and two hosts whose clocks disagree. The emulator plays AWS; the fault
// proxy only holds one call at a chosen point (a slow or cut network), which the emulator cannot.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DescribeParametersCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { silentIo } from '../../src/core/io.js';
import { acquireLock } from '../../src/core/lock.js';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { gate, only } from '../helpers/held-call.js';

const emulator = useEmulator(undefined, { ownProxy: true });
const endpoint = () => emulator.get().endpoint;
const aws = () => emulatorClients(endpoint());
const SKEWED_CLOCK = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../helpers/skewed-clock.js')).href;

interface Running {
  child: ChildProcess;
  /** Resolves when stderr has matched. */
  saw(pattern: RegExp): Promise<void>;
  /** Ends with the exit code, or null when the run was killed (by a test, or after `timeoutMs`). */
  done: Promise<{ code: number | null; stderr: string; stdout: string }>;
}

interface StartOptions {
  timeoutMs?: number;
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

function startCli(args: string[], cwd: string, opts: StartOptions = {}): Running {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
    cwd,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) if (w.pattern.test(stderr)) w.resolve();
  });
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  return {
    child,
    saw: (pattern) => new Promise((resolve) => waiters.push({ pattern, resolve })),
    done: new Promise((r) =>
      child.on('close', (code) => {
        clearTimeout(timer);
        r({ code, stderr, stdout });
      }),
    ),
  };
}

async function lockId(name: string): Promise<string | undefined> {
  try {
    const res = await aws()
      .client(SSMClient)
      .send(new GetParameterCommand({ Name: name }));
    return (JSON.parse(res.Parameter?.Value ?? '') as { id: string }).id;
  } catch (err) {
    if ((err as Error).name === 'ParameterNotFound') return undefined;
    throw err;
  }
}

async function takeoverMarkers(project: string): Promise<string[]> {
  const res = await aws()
    .client(SSMClient)
    .send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: [`/${project}/development/lock-takeover`] }],
      }),
    );
  return (res.Parameters ?? []).map((p) => p.Name ?? '');
}

const stackOf = (project: string) => ({ project, environment: 'development', region: 'eu-west-3' });

/**
 * A stale lock (a holder with a 1 s lease, gone), then an `up` killed (SIGKILL) right after it
 * created its takeover marker: the next SSM call it makes is held, and the run killed there.
 */
async function markerOfKilledTaker(project: string): Promise<string> {
  const dir = projectDir({ project, table: { name: `${project}-table` }, lock: { leaseSeconds: 3 } });
  const gone = { id: 'gone', holder: 'x@y', pid: 1, command: 'up', acquiredAt: new Date().toISOString() };
  const value = JSON.stringify({ ...gone, expiresAt: new Date(Date.now() + 1000).toISOString(), leaseSeconds: 1 });
  await aws()
    .client(SSMClient)
    .send(new PutParameterCommand({ Name: `/${project}/development/lock`, Value: value, Type: 'String' }));
  await eventually(
    'the lease runs out',
    async () =>
      (await runCli(['status', '--json', '--endpoint-url', endpoint()], { cwd: dir })).json<{
        lock: { stale: boolean } | null;
      }>().lock?.stale === true,
  );
  let markerMade = false;
  const afterMarker = gate((call, body) => {
    if (call.service !== 'ssm') return false;
    if (call.operation === 'PutParameter' && String(body.Name).includes('-takeover')) {
      markerMade = true;
      return false;
    }
    return markerMade;
  });
  const proxy = await startFaultProxy(endpoint(), only([afterMarker.behaviour]));
  const taker = startCli(['up', '--yes', '--endpoint-url', proxy.url], dir);
  await afterMarker.held;
  taker.child.kill('SIGKILL');
  await taker.done;
  await proxy.close();
  assert.equal((await takeoverMarkers(project)).length, 1, 'the killed taker left its marker');
  return dir;
}

describe('the stack lock, when runs are killed, delayed or skewed', () => {
  it('a marker left by a killed taker expires: the next up takes the stale lock over', async () => {
    const dir = await markerOfKilledTaker('lockmark');
    const next = startCli(['up', '--yes', '--endpoint-url', endpoint()], dir, { timeoutMs: 90_000 });
    const out = await next.done;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Took over the stale lock held by x@y/);
    assert.deepEqual(await takeoverMarkers('lockmark'), [], 'markers cleaned up');
    assert.equal(await lockId('/lockmark/development/lock'), undefined, 'released at the end');
  });

  it('a marker left by a killed taker: --force-unlock gets past it at once', async () => {
    const dir = await markerOfKilledTaker('lockmarkf');
    const t0 = Date.now();
    const forced = startCli(['up', '--yes', '--force-unlock', '--endpoint-url', endpoint()], dir, {
      timeoutMs: 60_000,
    });
    const out = await forced.done;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Took over the/);
    assert.deepEqual(await takeoverMarkers('lockmarkf'), []);
    assert.ok(Date.now() - t0 < 60_000);
  });

  it('a holder whose renewal is delayed past its lease never overwrites the run that took over', async () => {
    const renewal = gate((call, body) => call.operation === 'PutParameter' && body.Overwrite === true);
    const proxy = await startFaultProxy(endpoint(), only([renewal.behaviour]));
    try {
      const stack = stackOf('lockrenew');
      const lost: string[] = [];
      const holder = await acquireLock(emulatorClients(proxy.url), stack, silentIo, {
        command: 'up',
        leaseSeconds: 3,
        force: false,
        onLost: (e) => lost.push(e.message),
      });
      await renewal.held;
      // The holder's renewal is on the wire; its lease runs out (AWS's clock) and another run takes over.
      let taker: Awaited<ReturnType<typeof acquireLock>> | undefined;
      await eventually('the lease runs out and another run takes over', async () => {
        taker = await acquireLock(aws(), stack, silentIo, { command: 'up', leaseSeconds: 60, force: false }).catch(
          (err: Error) => {
            if (/is locked/.test(err.message)) return undefined;
            throw err;
          },
        );
        return taker !== undefined;
      });
      renewal.open();
      await renewal.passed;
      assert.equal(await lockId('/lockrenew/development/lock'), taker?.info.id, "the taker's lock stands");
      await eventually('the holder learns it lost the lock', async () => lost.length > 0);
      assert.match(lost[0] ?? '', /Lost the stack lock during `projet1 up`/);
      await holder.release();
      assert.equal(await lockId('/lockrenew/development/lock'), taker?.info.id, 'not released by the old holder');
      await taker?.release();
    } finally {
      await proxy.close();
    }
  });

  it('a run that loses its lock stops starting changes, finishes those in flight, and says so', async () => {
    const dir = projectDir({ project: 'locklost', table: { name: 'locklost-table' }, lock: { leaseSeconds: 3 } });
    const table = gate((call) => call.operation === 'CreateTable');
    const proxy = await startFaultProxy(endpoint(), only([table.behaviour]));
    try {
      const run = startCli(['up', '--yes', '--endpoint-url', proxy.url], dir);
      await table.held;
      const breaker = await acquireLock(aws(), stackOf('locklost'), silentIo, {
        command: 'up',
        leaseSeconds: 60,
        force: true,
      });
      await run.saw(/Lost the stack lock|stack lock was taken/);
      table.open();
      const out = await run.done;
      assert.equal(out.code, 4, out.stderr);
      assert.match(
        out.stderr,
        /Lost the stack lock during `projet1 up`: (.+ took it over at |it was removed \(by `--force-unlock`)/,
      );
      const stopped =
        /Stopped after the calls in flight: \d+ created, \d+ updated, \d+ deleted before stopping; (\d+) change\(s\) not started\./.exec(
          out.stderr,
        );
      assert.ok(stopped && Number(stopped[1]) > 0, out.stderr);
      assert.equal(await lockId('/locklost/development/lock'), breaker.info.id, "the other run's lock stands");
      const plan = await runCli(['plan', '--exit-code', '--endpoint-url', endpoint()], { cwd: dir });
      assert.equal(plan.code, 2, 'what was not started is still to do');
      await breaker.release();
    } finally {
      await proxy.close();
    }
  });

  it('a host whose clock runs 10 minutes ahead neither takes a live lock nor calls it stale', async () => {
    const dir = projectDir({ project: 'lockskew', table: { name: 'lockskew-table' } });
    const holder = await acquireLock(aws(), stackOf('lockskew'), silentIo, {
      command: 'up',
      leaseSeconds: 120,
      force: false,
    });
    try {
      const skewed = {
        nodeArgs: ['--import', SKEWED_CLOCK],
        env: { PROJET1_TEST_CLOCK_SKEW_MS: String(10 * 60_000) },
      };
      const up = startCli(['up', '--yes', '--endpoint-url', endpoint()], dir, skewed);
      const status = startCli(['status', '--json', '--endpoint-url', endpoint()], dir, skewed);
      const [upOut, statusOut] = await Promise.all([up.done, status.done]);
      assert.equal(upOut.code, 4, upOut.stderr);
      assert.match(upOut.stderr, /is locked: held by/);
      const doc = JSON.parse(statusOut.stdout) as { lock: { stale: boolean; id: string } | null };
      assert.equal(doc.lock?.stale, false, statusOut.stdout);
      assert.equal(await lockId('/lockskew/development/lock'), holder.info.id);
    } finally {
      await holder.release();
    }
  });
});
