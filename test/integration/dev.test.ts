// `projet1 dev` in a temporary copy of the project on the emulator: a handler edit goes live
// (only that function updated), a syntax error keeps the old code answering and is reported
// with file and line, the next good save recovers, a website edit is served through the
// distribution, `plan` finds no drift afterwards, and Ctrl-C exits 0 leaving no process behind.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { call, originHeader } from '../helpers/api.js';
import { cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';
import { copyProject } from '../helpers/project-copy.js';
import { viaCloudFront } from '../helpers/site.js';

const emulator = useEmulator();

interface Running {
  child: ChildProcess;
  stderr: () => string;
  /** Until stderr holds `times` matches of `pattern` (a log line said again counts again). */
  waitFor(pattern: RegExp, times?: number): Promise<void>;
  done: Promise<number | null>;
}

function startDev(root: string, cwd: string, endpoint: string): Running {
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'projet1.js'), 'dev', '--yes', '--verbose', '--no-logs', '--endpoint-url', endpoint],
    { cwd, env: cleanEnv({ PROJET1_CACHE_DIR: join(root, '.cache') }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout?.resume();
  return {
    child,
    stderr: () => err,
    waitFor: (pattern, times = 1) =>
      eventually(`stderr shows ${pattern}${times > 1 ? ` ${times} times` : ''}`, async () => {
        await new Promise((r) => setTimeout(r, 50));
        return (err.match(new RegExp(pattern.source, 'g')) ?? []).length >= times;
      }),
    done: new Promise((r) => child.on('close', (code) => r(code))),
  };
}

describe('projet1 dev', () => {
  it('puts saved changes live, keeps the old code on a build error, and leaves no drift', async (t) => {
    const root = copyProject();
    const cwd = projectDir({ project: 'devloop', table: { name: 'devloop-table' } });
    const endpoint = emulator.get().endpoint;
    const page = join(root, 'website', 'index.html');
    let children: string[] = [];
    const dev = startDev(root, cwd, endpoint);
    try {
      await dev.waitFor(/Watching handlers/);
      // It says what it does before watching: its first up, then the publish (the storefront's 7 files).
      assert.match(
        dev.stderr(),
        /First `up` \(the stack as configured\), then publishing \S+, then watching…\n[\s\S]*up: \d+ created, 0 updated, 0 deleted\.\n[\s\S]*website: 7 file\(s\) uploaded, 0 deleted, 0 unchanged \(http/,
      );
      const out = (await runCli(['outputs', '--json', '--endpoint-url', endpoint], { cwd })).json<{
        outputs: Record<string, string>;
      }>().outputs;
      const edge = await originHeader(emulatorClients(endpoint), 'devloop');
      const byId = () => call(`${out.apiUrl}/products/nothing-here`, 'GET', { headers: edge });
      assert.equal((await byId()).status, 404);

      const handler = join(root, 'handlers', 'get-product-by-id.ts');
      const version = (v: string) =>
        writeFileSync(
          handler,
          `export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ dev: '${v}' }) });\n`,
        );
      // The API is called once dev says the code is live, not during the update: MiniStack 1.5.33 can keep
      // a worker started by a call that raced UpdateFunctionCode, with the old code (AWS runs the new code
      // once LastUpdateStatus is Successful, which dev waits for).
      const live = /devloop-development-get-product-by-id live \d+ ms after save/;
      version('v2');
      await dev.waitFor(live);
      await eventually('the edit answers', async () => (await byId()).body.dev === 'v2');

      writeFileSync(handler, 'export const handler = (;\n');
      await dev.waitFor(/Bundling the Lambda handlers failed:\n\s+handlers\/get-product-by-id\.ts:1:/);
      await dev.waitFor(/The deployed code is unchanged\. Still watching: fix it and save/);
      assert.doesNotMatch(dev.stderr(), /and run again/, 'a save is enough: dev keeps watching');
      assert.equal((await byId()).body.dev, 'v2', 'the old code keeps answering');
      version('v3');
      await dev.waitFor(live, 2);
      await eventually('the next good save recovers', async () => (await byId()).body.dev === 'v3');
      appendFileSync(page, '\n<!-- dev edit -->\n');
      await eventually('the website edit is served', async () =>
        (await viaCloudFront(out.websiteUrl ?? '', '/index.html')).text.includes('<!-- dev edit -->'),
      );

      // A safe config change (memory) is applied at once, without a question.
      writeFileSync(
        join(cwd, 'projet1.config.json'),
        JSON.stringify({ project: 'devloop', table: { name: 'devloop-table' }, lambda: { memoryMb: 512 } }),
      );
      await dev.waitFor(/config applied: 0 created, 6 updated, 0 deleted/);

      children = execFileSync('pgrep', ['-P', String(dev.child.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
      dev.child.kill('SIGINT');
      assert.equal(await dev.done, 0, dev.stderr());
      assert.match(
        dev.stderr(),
        /Stopped watching after 2 function update\(s\), 1 website publish\(es\) and 1 config change\(s\) applied\./,
      );
      for (const line of dev
        .stderr()
        .split('\n')
        .filter((l) => / live \d+ ms after save/.test(l)))
        t.diagnostic(line);
    } catch (err) {
      // A failure must not leave dev running (the test file would never end); its output says why.
      dev.child.kill('SIGKILL');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- dev's stderr ---\n${dev.stderr()}`);
    }
    const updates = (dev.stderr().match(/Lambda\.UpdateFunctionCode/g) ?? []).length;
    assert.equal(updates, 2, 'two saves that changed one function: two updates of that function only');
    const alive = (pid: string): boolean => {
      try {
        process.kill(Number(pid), 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(
      'its child processes (esbuild) end with it',
      async () => {
        await new Promise((r) => setTimeout(r, 50));
        return !children.some(alive);
      },
      5000,
    );

    // A fresh cache: `up` builds the same bytes from the same sources as dev did.
    const plan = await runCli(['plan', '--exit-code', '--endpoint-url', endpoint], {
      cwd,
      env: cleanEnv({ PROJET1_CACHE_DIR: join(root, '.fresh-cache') }),
      bin: join(root, 'bin', 'projet1.js'),
    });
    assert.equal(plan.code, 0, `no drift after dev:\n${plan.stdout}${plan.stderr}`);
    assert.ok(readFileSync(page, 'utf8').includes('dev edit'));
  });

  it('refuses a production environment unless forced, before changing anything', async () => {
    const cwd = projectDir({ project: 'devprod', environment: 'prod', table: { name: 'devprod-table' } });
    const run = await runCli(['dev', '--yes', '--no-logs', '--endpoint-url', emulator.get().endpoint], { cwd });
    assert.equal(run.code, 4, run.stderr);
    assert.match(run.stderr, /devprod\/prod is a production environment: `projet1 dev` refuses to hot-update it\./);
    assert.match(run.stderr, /projet1 dev --force/);
    const plan = await runCli(['plan', '--json', '--endpoint-url', emulator.get().endpoint], { cwd });
    const changes = plan.json<{ changes: { id: string; action: string }[] }>().changes;
    // Every resource of the stack is still to create (the account's API Gateway logging role and setting are shared).
    const shared = ['apigateway-account', 'role:apigw-logs'];
    const made = changes.filter((c) => c.action !== 'create' && !shared.includes(c.id));
    assert.deepEqual(made, [], 'nothing was created');
  });
});
