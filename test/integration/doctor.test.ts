// `projet1 doctor` on the emulator (fresh, after `up`, unreachable), `up`'s early refusal of a bucket
// name owned by another account (through the AWS behaviour profile), and a silent endpoint failing fast.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { resourceNames } from '../../src/config/names.js';
import { loadConfig } from '../../src/config/load.js';
import { TAKEN_BUCKETS } from '../helpers/aws-behaviour/s3.js';
import { awsLike } from '../helpers/aws-behaviour/index.js';
import { cleanEnv, projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';

interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}
interface DoctorDoc {
  ok: boolean;
  command: string;
  checks: Check[];
}

const NAMES = [
  'identity',
  'region',
  'endpoint',
  'site bucket',
  'log bucket',
  'API Gateway logging role',
  'Lambda concurrency',
  'Node',
];
const emulator = useEmulator(undefined, { ownProxy: true });
const dir = projectDir({});
const byName = (doc: DoctorDoc) => new Map(doc.checks.map((c) => [c.name, c]));
const doctor = (endpoint: string, ...args: string[]) =>
  runCli(['doctor', '--endpoint-url', endpoint, ...args], { cwd: dir });

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('projet1 doctor', () => {
  it('on a fresh emulator: every check passes but the unset logging role; the JSON document has every check', async () => {
    const run = await doctor(emulator.get().endpoint, '--json');
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stderr, '');
    const doc = run.json<DoctorDoc>();
    assert.equal(doc.ok, true);
    assert.equal(doc.command, 'doctor');
    assert.deepEqual(
      doc.checks.map((c) => c.name),
      NAMES,
    );
    for (const c of doc.checks) {
      assert.ok(['ok', 'warn', 'fail'].includes(c.status) && c.detail.length > 0, JSON.stringify(c));
      if (c.status !== 'ok') assert.ok(c.fix, `${c.name} says how to fix it`);
    }
    const checks = byName(doc);
    assert.match(checks.get('identity')?.detail ?? '', /account 000000000000 \(aws\), arn:aws:.*emulator convention/);
    assert.equal(checks.get('region')?.detail, 'eu-west-3 (from built-in default)');
    assert.equal(checks.get('site bucket')?.status, 'ok');
    assert.match(checks.get('site bucket')?.detail ?? '', /-site-000000000000-euw3 is free/);
    assert.equal(checks.get('API Gateway logging role')?.status, 'warn');
    assert.match(checks.get('API Gateway logging role')?.detail ?? '', /not set/);
    assert.equal(checks.get('endpoint')?.status, 'ok');
  });

  it("after up: the buckets are this stack's and the logging role is the one the account names", async () => {
    const up = await runCli(['up', '--yes', '--endpoint-url', emulator.get().endpoint], { cwd: dir });
    assert.equal(up.code, 0, up.stderr);
    const run = await doctor(emulator.get().endpoint);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.split('\n').filter((l) => /^[✓!✗] /.test(l));
    assert.equal(lines.length, NAMES.length, run.stdout);
    assert.match(run.stdout, /^✓ site bucket: .* is this stack's \(website\.bucketName\)$/m);
    assert.match(run.stdout, /^✓ log bucket: .* is this stack's \(website\.logBucketName\)$/m);
    const gw = emulatorClients(emulator.get().endpoint).client(APIGatewayClient);
    const role = (await gw.send(new GetAccountCommand({}))).cloudwatchRoleArn?.split('/').at(-1) ?? 'none';
    assert.match(run.stdout, new RegExp(`^[✓!] API Gateway logging role: ${role} `, 'm'));
    assert.match(run.stderr, /Ready for `projet1 up`/);
  });

  it('exits 2 on an unreachable endpoint, with one line per check', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const run = await doctor(endpoint);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const lines = run.stdout.split('\n').filter((l) => /^[✓!✗] /.test(l));
    assert.deepEqual(
      lines.map((l) => /^[✓!✗] ([^:]+):/.exec(l)?.[1]),
      NAMES,
    );
    assert.match(run.stdout, /^✗ identity: Cannot reach the AWS endpoint .* \(ECONNREFUSED\)/m);
    assert.match(run.stdout, /^✗ endpoint: .* cannot be reached \(ECONNREFUSED\)/m);
    assert.match(run.stdout, /^✓ region: /m);
    assert.match(run.stderr, /check\(s\) failed/);
  });
});

describe('an https endpoint', () => {
  // A self-signed certificate for 127.0.0.1, as an emulator or a corporate proxy presents.
  const certDir = mkdtempSync(join(tmpdir(), 'projet1-tls-'));
  const [key, cert] = [join(certDir, 'key.pem'), join(certDir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('{}'));
  let endpoint = '';
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    endpoint = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('with an untrusted certificate: says so and how to trust it; with AWS_CA_BUNDLE: trusted', async () => {
    const untrusted = byName((await doctor(endpoint, '--json')).json<DoctorDoc>()).get('endpoint');
    assert.equal(untrusted?.status, 'fail');
    assert.match(untrusted?.detail ?? '', /its TLS certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    assert.match(untrusted?.fix ?? '', /AWS_CA_BUNDLE.*projet1 emulator start/);
    const run = await runCli(['doctor', '--json', '--endpoint-url', endpoint], {
      cwd: dir,
      env: cleanEnv({ AWS_CA_BUNDLE: cert }),
    });
    const trusted = byName(run.json<DoctorDoc>()).get('endpoint');
    assert.equal(trusted?.status, 'ok', JSON.stringify(trusted));
    assert.match(trusted?.detail ?? '', /answers \(HTTP 200\), its TLS certificate is trusted/);
  });
});

// Both wait out the same bounds (~13 s): run side by side.
describe('a silent endpoint (accepts connections, never answers)', { concurrency: true }, () => {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  let endpoint = '';
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('fails the first call of a run within ~15 s with one clear line, not after a minute', async () => {
    const t0 = Date.now();
    const run = await runCli(['plan', '--endpoint-url', endpoint], { cwd: dir });
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(run.code, 1, run.stderr);
    assert.ok(seconds < 25, `failed after ${seconds.toFixed(1)} s`);
    assert.match(
      run.stderr.split('\n')[0] ?? '',
      /^Error: The AWS endpoint .* did not answer in time \(no reply within 6s, after retries\)\. It takes connections but never answers STS GetCallerIdentity: a wrong port\?$/,
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  });

  it('doctor says so for every check and exits 2 within its bound', async () => {
    const t0 = Date.now();
    const run = await doctor(endpoint, '--json');
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(run.code, 2, run.stderr);
    assert.ok(seconds < 25, `doctor took ${seconds.toFixed(1)} s`);
    const checks = byName(run.json<DoctorDoc>());
    assert.equal(checks.get('identity')?.status, 'fail');
    assert.match(checks.get('endpoint')?.detail ?? '', /accepts connections but did not answer/);
  });
});

describe('a bucket name owned by another AWS account', () => {
  let proxy: FaultProxy;
  const project = projectDir({ environment: 'foreign' });
  const { config } = loadConfig({}, {}, project);
  const site = resourceNames(config, '000000000000').siteBucket;
  before(async () => {
    proxy = await startFaultProxy(emulator.get().endpoint, awsLike(0.02));
    TAKEN_BUCKETS.add(site);
  });
  after(async () => {
    TAKEN_BUCKETS.delete(site);
    await proxy.close();
  });

  it('up refuses it up front, naming the setting, and changes nothing (exit 4)', async () => {
    const run = await runCli(['up', '--yes', '--endpoint-url', proxy.url], { cwd: project });
    assert.equal(run.code, 4, run.stdout + run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `The bucket name ${site} is owned by another AWS account \\(bucket names are global across all of AWS\\); it is website\\.bucketName\\. Nothing was changed\\.`,
      ),
    );
    assert.match(run.stderr, /"website\.bucketName" in projet1\.config\.json/);
    assert.ok((proxy.injected.get('s3-bucket-of-another-account') ?? 0) > 0, 'the behaviour played');
    const changed = [...proxy.forwarded.keys()].filter((k) => !k.startsWith('ssm.'));
    assert.deepEqual(changed, [], 'no change but the stack lock');
  });

  it('doctor reports it as a failure with the way out', async () => {
    const run = await runCli(['doctor', '--json', '--endpoint-url', proxy.url], { cwd: project });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const doc = run.json<DoctorDoc>();
    assert.equal(doc.ok, false);
    const line = byName(doc).get('site bucket');
    assert.equal(line?.status, 'fail');
    assert.match(line?.detail ?? '', /owned by another AWS account/);
    assert.match(line?.fix ?? '', /website\.bucketName/);
    assert.equal(byName(doc).get('log bucket')?.status, 'ok');
  });
});
