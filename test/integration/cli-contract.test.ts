// The CLI contract as a user and a script meet it: one JSON document for every outcome,
// help that shows the options that apply, clear errors for every mistake a user can make,
// and the user's own emulator (HTTPS, one per user, state kept across restarts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { useEmulator } from '../helpers/emulator.js';
import { viaCloudFront } from '../helpers/site.js';

const emulator = useEmulator();
const endpoint = () => emulator.get().endpoint;

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

/**
 * GET `url` over TLS trusting only `caPath`, with hostname verification on. Node's resolver does not
 * map *.localhost to loopback (curl and browsers do), so the lookup is pointed at 127.0.0.1.
 */
function httpsGetVerified(url: string, caPath: string): Promise<{ status: number; text: string; error?: string }> {
  return new Promise((resolve) => {
    const req = httpsGet(
      url,
      {
        ca: readFileSync(caPath),
        lookup: (_host, opts, cb) =>
          opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4),
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
    req.on('error', (e) => resolve({ status: 0, text: '', error: e.message }));
  });
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
    assert.match(
      run.stderr,
      /needs an action: one of list, get, create, update, delete, history, seed, import, export\./,
    );
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
    const first = started.json<{ port: number; endpoint: string; ca: string }>();
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
      const printed = (await user('outputs', 'websiteUrl')).stdout.trim();
      assert.equal(printed, websiteUrl, '`outputs websiteUrl` prints the URL alone');
      // The certificate names *.cloudfront.localhost: the URL works as printed, verified, no -k.
      const home = await httpsGetVerified(printed, first.ca);
      assert.equal(home.status, 200, `the website answers over verified TLS: ${home.error ?? ''}`);
      assert.match(home.text, /<html/i);
      const curl = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', first.ca, printed], {
        encoding: 'utf8',
      });
      if (!curl.error) assert.equal(curl.stdout, '200', `curl --cacert on the printed URL: ${curl.stderr}`);
      const api = await viaCloudFront(websiteUrl, '/products?limit=5');
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
