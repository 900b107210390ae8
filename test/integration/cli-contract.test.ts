// The CLI contract as a user and a script meet it: one JSON document for every outcome,
// help that shows the options that apply, clear errors for every mistake a user can make,
// approval before deletions and permission changes, and Ctrl-C that stops cleanly.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Change } from '../../src/engine/types.js';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
const endpoint = () => emulator.get().endpoint;
const ESC = '\x1b[';

/** A fake endpoint answering every request with `status` and `body`. */
async function fakeEndpoint(status: number, body: string, type: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, server };
}

/** A viewer's HTTPS request to the TLS emulator's CloudFront (its certificate does not name *.cloudfront.localhost). */
function viaCloudFrontTls(websiteUrl: string, path: string): Promise<{ status: number; text: string }> {
  const url = new URL(path, websiteUrl);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers: { Host: url.host },
        rejectUnauthorized: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

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
  const seen = new Promise<void>((r) => {
    resolveSeen = r;
  });
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

describe('--json: exactly one JSON document for every outcome', () => {
  const usage = [
    ['up', '--colour', '--json'],
    ['deploy-everything', '--json'],
    ['products', '--json'],
    ['emulator', 'restart', '--json'],
    ['products', 'list', '--limit', 'many', '--json', '--endpoint-url', 'http://127.0.0.1:9'],
    ['plan', '--region', 'moon', '--json'],
  ];
  for (const args of usage) {
    it(`usage error: ${args.join(' ')}`, async () => {
      const run = await runCli(args);
      assert.equal(run.code, 2, run.stderr);
      const doc = run.json<{ ok: boolean; error: { kind: string; message: string; exitCode: number } }>();
      assert.equal(doc.ok, false);
      assert.equal(doc.error.exitCode, 2);
      assert.ok(doc.error.message.length > 0);
      assert.equal(run.stdout.trim().split('\n{').length, 1, 'one document');
    });
  }

  it('a missing action lists the valid ones', async () => {
    const run = await runCli(['products']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /needs an action: one of list, get, create, update, delete, seed, import, export\./);
  });

  it('<command> --help shows the global options that apply', async () => {
    const run = await runCli(['products', 'list', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Global Options:[\s\S]*--endpoint-url <url>/);
    assert.match(run.stdout, /--category <name>/);
  });

  it("--version is projet1's own, even inside another npm project's script", async () => {
    const run = await runCli(['--version'], { env: cleanEnv({ npm_package_version: '9.9.9' }) });
    const own = JSON.parse((await import('node:fs')).readFileSync(join(BIN, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(run.stdout.trim(), own.version);
  });
});

describe('clear errors', () => {
  it('an endpoint that answers but is not AWS is named, with how to check', async () => {
    const html = await fakeEndpoint(200, '<html><body>It works!</body></html>', 'text/html');
    try {
      for (const args of [['plan'], ['products', 'list']]) {
        const run = await runCli([...args, '--endpoint-url', html.url]);
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stderr, new RegExp(`Error: The endpoint ${html.url} did not answer like AWS`));
        assert.match(run.stderr, /Hint: Check --endpoint-url/);
        assert.doesNotMatch(run.stderr, /Internal error|bug in projet1/);
      }
    } finally {
      html.server.close();
    }
  });

  it('an error without a message names the service, operation, status and code', async () => {
    const fake = await fakeEndpoint(400, '{"__type":"UnknownOperationException"}', 'application/x-amz-json-1.0');
    try {
      const run = await runCli(['products', 'list', '--endpoint-url', fake.url]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /Error: DynamoDB DescribeTable failed: HTTP 400, error code UnknownOperationException, no message\. The endpoint .* probably does not implement this operation\./,
      );
    } finally {
      fake.server.close();
    }
  });

  it('a bad --environment blames the flag, not the config file', async () => {
    const run = await runCli(['plan', '--environment', 'Prod!', '--endpoint-url', 'http://127.0.0.1:9'], {
      cwd: projectDir({}),
    });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^Error: Invalid setting from the command line or the environment: 1 problem\n {2}- environment: .* \(from flag --environment\)/,
    );
    assert.doesNotMatch(run.stderr, /config\.json/);
  });

  it('a bad product file is named as the product file', async () => {
    const dir = projectDir({});
    writeFileSync(join(dir, 'bad.json'), '{ "name": "Lamp", }');
    const run = await runCli(['products', 'create', '--file', join(dir, 'bad.json'), '--endpoint-url', endpoint()], {
      cwd: dir,
    });
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /Error: Invalid product file .*bad\.json: malformed JSON at line 1, column 19: trailing comma/,
    );
    assert.doesNotMatch(run.stderr, /Invalid configuration/);
  });

  it("the user's emulator: HTTPS, one per user, same port and same state after a restart", async () => {
    const env = cleanEnv();
    const dir = projectDir({ project: 'mine', table: { name: 'mine-table' } });
    const started = await runCli(['emulator', 'start', '--json'], { env });
    assert.equal(started.code, 0, started.stderr);
    const first = started.json<{ port: number; endpoint: string }>();
    const user = (...args: string[]) => runCli([...args, '--endpoint-url', first.endpoint], { env, cwd: dir });
    try {
      assert.match(first.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      // The CLI trusts the emulator's own certificate (found from its record), and so do the functions.
      const up = await user('up', '--yes', '--json');
      assert.equal(up.code, 0, up.stderr + up.stdout);
      assert.equal((await user('products', 'seed', '--count', '3', '--seed', '5')).code, 0);
      const site = await user('deploy-website', '--json');
      assert.equal(site.code, 0, site.stderr + site.stdout);
      const websiteUrl = site.json<{ websiteUrl: string }>().websiteUrl;
      assert.match(websiteUrl, /^https:\/\/\w+\.cloudfront\.localhost:\d+$/);
      const home = await viaCloudFrontTls(websiteUrl, '/');
      assert.equal(home.status, 200, 'a browser on https:// reaches the site (after accepting the certificate)');
      const api = await viaCloudFrontTls(websiteUrl, '/products?limit=5');
      assert.equal((JSON.parse(api.text) as { count: number }).count, 3, 'the functions answer over HTTPS');

      const other = await runCli(['emulator', 'start', '--port', String(first.port === 65000 ? 65001 : 65000)], {
        env,
      });
      assert.equal(other.code, 2);
      assert.match(other.stderr, new RegExp(`already runs on ${first.endpoint}`));
      const same = await runCli(['emulator', 'start', '--json'], { env });
      assert.equal(same.json<{ alreadyRunning: boolean }>().alreadyRunning, true);
      assert.equal((await runCli(['emulator', 'stop'], { env })).code, 0);
      const again = await runCli(['emulator', 'start', '--json'], { env });
      assert.equal(again.json<{ port: number }>().port, first.port, 'same port, so AWS_ENDPOINT_URL stays valid');
      const kept = await user('products', 'list', '--json');
      assert.equal(kept.json<{ count: number }>().count, 3, 'the catalog survives stop and start');
      assert.equal((await user('plan', '--exit-code')).code, 0, 'and so does the stack');
    } finally {
      await runCli(['emulator', 'stop'], { env });
    }
  });
});

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
    assert.match(yes.screen, /API\s+http:\/\/127\.0\.0\.1:\d+\/restapis\/\w+\/development\/_user_request_/);
    assert.match(yes.screen, /Admin token\s+projet1 admin-token show/);
  });

  it('a no-op up prints one line and the key outputs; outputs --json stays complete', async () => {
    const run = await runCli(['up', '--endpoint-url', endpoint()], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^Up: no changes, \d+ resource\(s\) match the configuration \(\d+\.\ds\)\.\n$/);
    assert.match(run.stdout, /^API\s+http/m);
    const all = await runCli(['outputs', '--json', '--endpoint-url', endpoint()], { cwd: dir });
    const doc = all.json<{ ok: boolean; outputs: Record<string, string> }>();
    assert.equal(doc.ok, true);
    assert.ok(Object.keys(doc.outputs).length > 20 && doc.outputs.apiUrl && doc.outputs['table.arn']);
  });

  it('colours the plan only where wanted', async () => {
    const env = (extra: NodeJS.ProcessEnv) => cleanEnv(extra);
    const edited = projectDir({ project: 'approve', table: { name: 'approve-table', readCapacity: 3 } });
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
      /seeding [\d,]+\/20,000/,
    );
    await run.seen;
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
