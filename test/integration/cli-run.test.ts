// The CLI as a person drives it: `up` showing its plan and asking on a terminal, Ctrl-C that
// stops cleanly and says how to resume, and files a command reads or writes named clearly.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Change } from '../../src/engine/types.js';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { eventually } from '../helpers/eventually.js';

const emulator = useEmulator();
const endpoint = () => emulator.get().endpoint;
const ESC = '\x1b[';

/** Runs the CLI and resolves once `pattern` shows on stderr, handing over the running child. */
function startCli(
  args: string[],
  cwd: string,
  pattern: RegExp,
): {
  child: ChildProcess;
  seen: Promise<void>;
  done: Promise<{ code: number | null; stderr: string; stdout: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  let resolveSeen: () => void = () => undefined;
  const seen = new Promise<void>((resolve, reject) => {
    resolveSeen = resolve;
    // Ended without printing it: fail with what it printed instead of hanging the test.
    child.on('close', (code) => reject(new Error(`exited ${code} before printing ${pattern}:\n${stderr}`)));
  });
  // Not every caller waits for it: only those that do see the rejection.
  seen.catch(() => undefined);
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (pattern.test(stderr)) resolveSeen();
  });
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const done = new Promise<{ code: number | null; stderr: string; stdout: string }>((r) =>
    child.on('close', (code) => r({ code, stderr, stdout })),
  );
  return { child, seen, done };
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), answering `answer` when asked. */
function onTerminal(args: string[], cwd: string, answer: string): Promise<{ code: number | null; screen: string }> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {
    cwd,
    env: cleanEnv({ CI: '', TERM: 'xterm' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let answered = false;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString();
    if (!answered && screen.includes('Type "yes" to confirm: ')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  return new Promise((r) => child.on('close', (code) => r({ code, screen })));
}

describe('up shows what it will do', () => {
  const dir = projectDir({ project: 'approve', table: { name: 'approve-table' } });

  it('on a terminal, asks before permission changes; "no" changes nothing, "yes" applies', async () => {
    const no = await onTerminal(['up', '--endpoint-url', endpoint()], dir, 'no');
    assert.equal(no.code, 1, no.screen);
    assert.match(no.screen, /These changes need your approval:/);
    assert.match(no.screen, /create iam-role approve-development-get-products-euw3: grants permissions/);
    assert.match(no.screen, /Cancelled; nothing was changed\./);
    const tables =
      (await emulatorClients(endpoint()).client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
    assert.ok(!tables.includes('approve-table'));
    const yes = await onTerminal(['up', '--endpoint-url', endpoint()], dir, 'yes');
    assert.equal(yes.code, 0, yes.screen);
    assert.match(yes.screen, /Up complete: \d+ created/);
    // The API only through the site (api.edgeOnly): the address a person calls is the site's.
    assert.match(yes.screen, /API\s+http:\/\/\w+\.cloudfront\.localhost:\d+\/products/);
    assert.match(yes.screen, /Admin token\s+projet1 admin-token show/);
  });

  it('a no-op up prints one line and the key outputs; outputs --json stays complete', async () => {
    const run = await runCli(['up', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    // This stack's website is not published: after the one line, up says so (and nothing else).
    assert.match(
      run.stderr,
      /^Up: no changes, \d+ resource\(s\) match the configuration \(\d+\.\ds\)\.\nWarning: The site bucket \S+ is empty, so the website answers 403: publish it with `projet1 deploy-website`\.\n$/,
    );
    assert.match(run.stdout, /^API\s+http/m);
    const all = await runCli(['outputs', '--json', '--endpoint-url', endpoint()], { cwd: dir });
    const doc = all.json<{ ok: boolean; outputs: Record<string, string> }>();
    assert.equal(doc.ok, true);
    assert.ok(Object.keys(doc.outputs).length > 20 && doc.outputs.apiUrl && doc.outputs['table.arn']);
  });

  it('outputs: the URLs first, one value by key, the closest keys for an unknown one', async () => {
    const cli = (...args: string[]) => runCli([...args, '--endpoint-url', endpoint()], { cwd: dir });
    const all = await cli('outputs');
    assert.match(all.stdout, /^websiteUrl\s+= http:\/\/\w+\.cloudfront\.localhost:\d+\napiUrl\s+= http/);
    const api = await cli('outputs', 'apiUrl');
    assert.equal(api.code, 0, api.stderr);
    assert.match(api.stdout, /^http:\/\/127\.0\.0\.1:\d+\/restapis\/\w+\/development\/_user_request_\n$/);
    const typo = await cli('outputs', 'apiUlr');
    assert.equal(typo.code, 2);
    assert.equal(
      typo.stderr,
      'Error: No output named "apiUlr".\nHint: Did you mean `apiUrl`? `projet1 outputs` lists them all.\n',
    );
    const doc = (await cli('outputs', 'table.name', '--json')).json<{
      value: string;
      outputs: Record<string, string>;
    }>();
    assert.deepEqual([doc.value, doc.outputs], ['approve-table', { 'table.name': 'approve-table' }]);
  });

  it('status: the verdict first, then only what needs attention; --all shows every row; --json keeps every row', async () => {
    const cli = (...args: string[]) => runCli([...args, '--endpoint-url', endpoint()], { cwd: dir });
    const run = await cli('status');
    assert.equal(run.code, 2, 'the site is not published');
    assert.match(run.stderr.split('\n')[1] ?? '', /^Needs attention: the site bucket \S+ is empty/);
    assert.doesNotMatch(run.stdout, /lambda-function|INSUFFICIENT_DATA\s+Initial/, 'no healthy rows');
    assert.match(run.stdout, /^Resources: (\d+) of \1 ok\.$/m);
    assert.match(run.stdout, /^Alarms: \d+ INSUFFICIENT_DATA\.$/m);
    assert.ok(run.stdout.split('\n').length < 12, run.stdout);
    const every = await cli('status', '--all');
    assert.match(every.stdout, /lambda-function\s+approve-development-get-products\s+ok/);
    const doc = (await cli('status', '--json')).json<{ resources: unknown[]; alarms: unknown[] }>();
    assert.ok(doc.resources.length > 50 && doc.alarms.length > 20, 'the JSON document keeps every row');
  });

  it('colours the plan only where wanted', async () => {
    const env = (extra: NodeJS.ProcessEnv) => cleanEnv(extra);
    const edited = projectDir({
      project: 'approve',
      table: { name: 'approve-table', billingMode: 'PROVISIONED', readCapacity: 3 },
    });
    const args = ['plan', '--endpoint-url', endpoint()];
    const piped = await runCli(args, { cwd: edited, env: env({}) });
    assert.match(piped.stdout, /~\s+update\s+dynamodb-table/);
    assert.ok(!piped.stdout.includes(ESC) && !piped.stderr.includes(ESC), 'a pipe gets no escape codes');
    assert.ok((await runCli(args, { cwd: edited, env: env({ FORCE_COLOR: '1' }) })).stdout.includes(`${ESC}33m~`));
    assert.ok(
      !(await runCli(args, { cwd: edited, env: env({ FORCE_COLOR: '1', NO_COLOR: '1' }) })).stdout.includes(ESC),
    );
  });

  it('plan --destroy lists resources in the order down deletes them', async () => {
    const plan = (await runCli(['plan', '--destroy', '--json', '--endpoint-url', endpoint()], { cwd: dir })).json<{
      changes: Change[];
    }>();
    const at = (id: string) => plan.changes.findIndex((c) => c.id === id);
    assert.ok(at('stage') < at('api') && at('api') < at('function:get-products'));
    assert.ok(at('function:get-products') < at('role:get-products') && at('role:get-products') < at('table'));
  });

  it('down without --yes in a pipe: the plan once, then one line with the count and the command to review', async () => {
    const run = await runCli(['down', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(run.code, 2, run.stderr);
    const rows = run.stderr.split('\n').filter((l) => /^-\s+delete\s/.test(l)).length;
    assert.ok(rows > 20, `the plan is shown (${rows} rows)`);
    const after = run.stderr.slice(run.stderr.indexOf('Error:')).trimEnd().split('\n');
    assert.deepEqual(after, [
      `Error: Confirmation needed and this session cannot ask (no terminal): ${rows} deletions need --yes.`,
      'Hint: Pass --yes to approve, after reviewing `projet1 plan --destroy`.',
    ]);
    assert.doesNotMatch(run.stderr, /deletes a resource/, 'no second list of the same deletions');
  });
});

describe('Ctrl-C', () => {
  it('during up: in-flight work finishes, the rest is left for a re-run, exit 130', async () => {
    const dir = projectDir({ project: 'sigint', table: { name: 'sigint-table' } });
    const run = startCli(['up', '--yes', '--endpoint-url', endpoint()], dir, /✓ created/);
    await run.seen;
    run.child.kill('SIGINT');
    const out = await run.done;
    assert.equal(out.code, 130, out.stderr);
    assert.match(out.stderr, /Stopping: no new work starts/);
    assert.match(
      out.stderr,
      /Error: Interrupted\. \d+ created, 0 updated, 0 deleted before stopping; \d+ change\(s\) not started\./,
    );
    assert.match(out.stderr, /run `projet1 up` again to resume/);
    const ssm = emulatorClients(endpoint()).client(SSMClient);
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/sigint/development/lock' })), {
      name: 'ParameterNotFound',
    });
    const again = await runCli(['up', '--yes', '--json', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.ok(
      (again.json<{ summary: { counts: { created: number } } }>().summary.counts.created ?? 0) > 0,
      'the re-run finishes the job',
    );
    assert.equal((await runCli(['plan', '--exit-code', '--endpoint-url', endpoint()], { cwd: dir })).code, 0);
  });

  it('during seed: what is written is reported, and the same seed finishes it', async () => {
    const dir = projectDir({ project: 'sigint', table: { name: 'sigint-table' } });
    assert.equal((await runCli(['up', '--yes', '--endpoint-url', endpoint()], { cwd: dir })).code, 0);
    const run = startCli(
      ['products', 'seed', '--count', '20000', '--seed', '7', '--endpoint-url', endpoint()],
      dir,
      /$^/,
    );
    // A pipe gets no progress counter: interrupt once the table shows the first products.
    const ddb = emulatorClients(endpoint()).client(DynamoDBClient);
    await eventually('the seed has written products', async () => {
      await new Promise((r) => setTimeout(r, 50));
      const scan = await ddb.send(new ScanCommand({ TableName: 'sigint-table', Limit: 1, Select: 'COUNT' }));
      return (scan.Count ?? 0) > 0;
    });
    run.child.kill('SIGINT');
    const out = await run.done;
    assert.equal(out.code, 130, out.stderr);
    const written = Number(
      /Interrupted\. ([\d,]+) product\(s\) were written/.exec(out.stderr)?.[1]?.replaceAll(',', ''),
    );
    assert.ok(written > 0 && written < 20000, out.stderr);
    const listed = (
      await runCli(['products', 'list', '--all', '--json', '--endpoint-url', endpoint()], { cwd: dir })
    ).json<{ count: number }>();
    assert.equal(listed.count, written, 'exactly what was reported');
    assert.match(out.stderr, /run `projet1 products seed --count 20000 --seed 7` again/);
  });
});

describe('files a command reads or writes', () => {
  it('export and import name the bad path in one line, exit 2, and leave no partial file', async () => {
    const dir = projectDir({ project: 'sigint', table: { name: 'sigint-table' } });
    const scratch = mkdtempSync(join(tmpdir(), 'projet1-paths-'));
    writeFileSync(join(scratch, 'plain-file'), 'x');
    mkdirSync(join(scratch, 'a-dir'));
    const cases: [string[], RegExp][] = [
      [
        ['products', 'export', '--out', join(scratch, 'missing', 'out.jsonl')],
        /Cannot write the export file .*: its folder .*missing does not exist\./,
      ],
      [
        ['products', 'export', '--out', join(scratch, 'plain-file', 'out.jsonl')],
        /Cannot write the export file .*: .*plain-file is a file, not a folder\./,
      ],
      [
        ['products', 'export', '--out', join(scratch, 'a-dir')],
        /Cannot write the export file .*a-dir: it is a directory\./,
      ],
      [['products', 'import', join(scratch, 'a-dir.jsonl')], /The product file .*a-dir\.jsonl does not exist\./],
    ];
    mkdirSync(join(scratch, 'dir.jsonl'));
    cases.push([
      ['products', 'import', join(scratch, 'dir.jsonl')],
      /The product file .*dir\.jsonl is a directory, not a file\./,
    ]);
    for (const [args, message] of cases) {
      const run = await runCli([...args, '--endpoint-url', endpoint()], { cwd: dir });
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(
        run.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('Hint:')).length,
        1,
        run.stderr,
      );
    }
    const json = await runCli(['products', 'export', '--json', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(json.code, 2);
    assert.match(
      json.json<{ error: { message: string } }>().error.message,
      /With --json, stdout holds the result document/,
    );
    const { readdirSync } = await import('node:fs');
    assert.deepEqual(readdirSync(scratch).sort(), ['a-dir', 'dir.jsonl', 'plain-file'], 'no partial file anywhere');
  });
});
