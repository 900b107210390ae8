// Two operators at once: a run that changes the stack holds a lock (an SSM parameter created
// without overwrite) from before its plan until it ends. Another run is refused while it is held,
// sees it in `status`, takes it over once a killed holder's lease ran out, or breaks it with
// --force-unlock. Two `up`s started together never duplicate anything.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { CreateBackupCommand, CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { acquireLock, readLock } from '../../src/core/lock.js';
import { silentIo } from '../../src/core/io.js';
import { GetRestApisCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';

const emulator = useEmulator();
const endpoint = () => emulator.get().endpoint;
const aws = () => emulatorClients(endpoint());

interface Waiting {
  /** Resolves once the run asks for approval (it holds the lock by then). */
  asking: Promise<void>;
  answer(text: string): void;
  /** Keys as typed, e.g. Ctrl-C. */
  type(keys: string): void;
  done: Promise<{ code: number | null; screen: string }>;
}

/** `up` (or `args`) on a pseudo-terminal (util-linux `script`), stopped at its approval question. */
function waitingForApproval(cwd: string, args = ['up']): Waiting {
  const cmd = [process.execPath, BIN, ...args, '--endpoint-url', endpoint()].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    cwd,
    env: cleanEnv({ CI: '', TERM: 'xterm' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let resolveAsking: () => void = () => undefined;
  let screen = '';
  const asking = new Promise<void>((resolve, reject) => {
    resolveAsking = resolve;
    // A run that ends without asking fails the test with what it printed (instead of hanging it).
    child.on('close', (code) => reject(new Error(`${args[0]} ended (exit ${code}) before asking:\n${screen}`)));
  });
  // Not every caller waits for it: only those that do see the rejection.
  asking.catch(() => undefined);
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    if (screen.includes('Type "yes" to confirm: ')) resolveAsking();
  });
  return {
    asking,
    answer: (text) => child.stdin.write(`${text}\n`),
    type: (keys) => child.stdin.write(keys),
    done: new Promise((r) => child.on('close', (code) => r({ code, screen }))),
  };
}

async function lockValue(name: string): Promise<{ pid: number; command: string } | undefined> {
  try {
    const res = await aws()
      .client(SSMClient)
      .send(new GetParameterCommand({ Name: name }));
    return JSON.parse(res.Parameter?.Value ?? '') as { pid: number; command: string };
  } catch (err) {
    if ((err as Error).name === 'ParameterNotFound') return undefined;
    throw err;
  }
}

/** A project whose `up` took the lock, then was killed (SIGKILL: no chance to release it). */
async function killedHolder(config: { project: string } & Record<string, unknown>): Promise<string> {
  const dir = projectDir(config);
  const run = waitingForApproval(dir);
  await run.asking;
  const held = await lockValue(`/${config.project}/development/lock`);
  assert.ok(held);
  process.kill(held.pid, 'SIGKILL');
  await run.done;
  return dir;
}

interface StatusDoc {
  lock: { holder: string; command: string; stale: boolean } | null;
}

describe('the stack lock', () => {
  it('refuses a second run while the first holds it, shows it in status, and is released at the end', async () => {
    const dir = projectDir({ project: 'lockone', table: { name: 'lockone-table' } });
    const first = waitingForApproval(dir);
    await first.asking;
    const second = await runCli(['up', '--yes', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(second.code, 4, second.stderr);
    assert.match(
      second.stderr,
      /The stack lockone\/development in eu-west-3 is locked: held by .+ \(pid \d+, `projet1 up`\)/,
    );
    assert.match(second.stderr, /--force-unlock/);
    const status = await runCli(['status', '--json', '--endpoint-url', endpoint()], { cwd: dir });
    const doc = status.json<StatusDoc>();
    assert.equal(doc.lock?.command, 'up');
    assert.equal(doc.lock?.stale, false);
    // A dry run changes nothing and is not blocked.
    const dry = await runCli(['deploy-website', '--dry-run', '--endpoint-url', endpoint()], { cwd: dir });
    assert.notEqual(dry.code, 4, dry.stderr);
    first.answer('yes');
    const out = await first.done;
    assert.equal(out.code, 0, out.screen);
    assert.equal(await lockValue('/lockone/development/lock'), undefined, 'released when the run ends');
    assert.equal((await runCli(['up', '--yes', '--endpoint-url', endpoint()], { cwd: dir })).code, 0);
  });

  it('is released when the run is cancelled', async () => {
    const dir = projectDir({ project: 'lockno', table: { name: 'lockno-table' } });
    const run = waitingForApproval(dir);
    await run.asking;
    assert.equal((await lockValue('/lockno/development/lock'))?.command, 'up');
    run.answer('no');
    assert.equal((await run.done).code, 1);
    assert.equal(await lockValue('/lockno/development/lock'), undefined);
  });

  it('is released, and the question cancelled, by Ctrl-C or SIGTERM at the question', async () => {
    for (const [project, stop] of [
      ['lockkey', (run: Waiting) => run.type('\x03')],
      ['lockterm', async () => process.kill((await lockValue('/lockterm/development/lock'))?.pid ?? 0, 'SIGTERM')],
    ] as const) {
      const run = waitingForApproval(projectDir({ project, table: { name: `${project}-table` } }));
      await run.asking;
      await stop(run);
      const out = await run.done;
      assert.equal(out.code, 130, out.screen);
      assert.match(out.screen, /Cancelled at the question; nothing was changed\./);
      assert.doesNotMatch(out.screen, /Internal error/);
      assert.equal(await lockValue(`/${project}/development/lock`), undefined, project);
    }
  });

  it('is released when SIGTERM ends a command that cannot stop half-way (restore)', async () => {
    // A real backup: restore checks it exists (DescribeBackup) before it asks.
    const ddb = aws().client(DynamoDBClient);
    await ddb.send(
      new CreateTableCommand({
        TableName: 'lockrest-table',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const backup = await ddb.send(new CreateBackupCommand({ TableName: 'lockrest-table', BackupName: 'lock-test' }));
    const arn = backup.BackupDetails?.BackupArn ?? '';
    const run = waitingForApproval(projectDir({ project: 'lockrest', table: { name: 'lockrest-table' } }), [
      'restore',
      '--backup',
      arn,
    ]);
    await run.asking;
    const held = await lockValue('/lockrest/development/lock');
    assert.equal(held?.command, 'restore');
    process.kill(held?.pid ?? 0, 'SIGTERM');
    const out = await run.done;
    assert.equal(out.code, 143, out.screen);
    assert.equal(await lockValue('/lockrest/development/lock'), undefined);
  });

  it('of a killed holder: refused until --force-unlock breaks it', async () => {
    const dir = await killedHolder({ project: 'lockkill', table: { name: 'lockkill-table' } });
    const refused = await runCli(['up', '--yes', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(refused.code, 4, refused.stderr);
    const forced = await runCli(['up', '--yes', '--force-unlock', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /Took over the lock \(--force-unlock\) held by .+ \(pid \d+/);
    assert.equal(await lockValue('/lockkill/development/lock'), undefined);
  });

  it('of a killed holder: taken over once its lease ran out', async () => {
    const dir = await killedHolder({
      project: 'lockstale',
      table: { name: 'lockstale-table' },
      lock: { leaseSeconds: 3 },
    });
    // Nobody renews a dead run's lease: status shows it run out.
    await eventually(
      'the lease runs out',
      async () =>
        (await runCli(['status', '--json', '--endpoint-url', endpoint()], { cwd: dir })).json<StatusDoc>().lock
          ?.stale === true,
      15_000,
    );
    const up = await runCli(['up', '--yes', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stderr, /Took over the stale lock held by/);
  });

  it('two ups started together: one runs at a time, nothing is duplicated', async () => {
    const dir = projectDir({ project: 'locktwo', table: { name: 'locktwo-table' } });
    const args = ['up', '--yes', '--json', '--endpoint-url', endpoint()];
    const runs = await Promise.all([runCli(args, { cwd: dir }), runCli(args, { cwd: dir })]);
    const codes = runs.map((r) => r.code).sort();
    assert.ok(
      JSON.stringify(codes) === '[0,4]' || JSON.stringify(codes) === '[0,0]',
      `exit codes ${codes}: ${runs.map((r) => r.stdout).join('\n')}`,
    );
    const refused = runs.find((r) => r.code === 4);
    if (refused) assert.match(refused.json<{ error: { message: string } }>().error.message, /is locked/);
    const apis = await aws()
      .client(APIGatewayClient)
      .send(new GetRestApisCommand({ limit: 500 }));
    assert.equal(apis.items?.filter((a) => a.name === 'locktwo-development-api').length, 1, 'one REST API');
    const plan = await runCli(['plan', '--exit-code', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(plan.code, 0, plan.stdout);
  });

  it('two runs finding the same stale lock: exactly one takes it over', async () => {
    const config = { project: 'lockrace', environment: 'development', region: 'eu-west-3' };
    // A holder with a 1 s lease that never renews: stale 1 s + the 2 s tolerance later, by AWS's clock.
    const stale = { id: 'old', holder: 'x@y', pid: 1, command: 'up', acquiredAt: '2020-01-01T00:00:00Z' };
    const value = JSON.stringify({ ...stale, leaseSeconds: 1 });
    await aws()
      .client(SSMClient)
      .send(new PutParameterCommand({ Name: '/lockrace/development/lock', Value: value, Type: 'String' }));
    await eventually(
      'the lease runs out',
      async () => (await readLock(aws(), '/lockrace/development/lock', 60))?.stale === true,
    );
    const opts = { command: 'up', leaseSeconds: 60, force: false };
    const tries = await Promise.allSettled([
      acquireLock(aws(), config, silentIo, opts),
      acquireLock(aws(), config, silentIo, opts),
    ]);
    const won = tries.filter((t) => t.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(tries));
    const lost = tries.find((t) => t.status === 'rejected');
    assert.match(String(lost?.reason), /is locked: held by/);
    const held = await lockValue('/lockrace/development/lock');
    assert.equal(held?.pid, process.pid);
    await won[0]?.value.release();
    assert.equal(await lockValue('/lockrace/development/lock'), undefined);
  });
});
