// What projet1 keeps from other people: real credentials never go over plain HTTP to another
// machine, and the user's emulator keeps its state (TLS key, saved data with the admin token)
// in folders only its user can read.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanEnv, projectDir, runCli } from '../helpers/cli.js';

/** This machine's address on a network (not loopback), where a server listening on every address answers. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i?.family === 'IPv4' && !i.internal)?.address;

describe('real credentials and an endpoint', () => {
  // Stands for any endpoint: records who signed each request, answers like AWS refusing it.
  const seen: { credential: string; url: string }[] = [];
  let connections = 0;
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({
      credential: /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '',
      url: req.url ?? '',
    });
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end('<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>');
  });
  server.on('connection', () => connections++);
  let port = 0;
  before(async () => {
    await new Promise<void>((ready) => server.listen(0, '0.0.0.0', ready));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const dir = projectDir({});
  const realKeys = { AWS_ACCESS_KEY_ID: 'AKIAREALKEYEXAMPLE01', AWS_SECRET_ACCESS_KEY: 'real-secret' };
  const run = (endpoint: string, env: NodeJS.ProcessEnv) =>
    runCli(['outputs', '--endpoint-url', endpoint], { cwd: dir, env: cleanEnv({ AWS_REGION: 'eu-west-3', ...env }) });
  const remote = (scheme = 'http') => `${scheme}://${lanAddress ?? '192.0.2.1'}:${port}`;

  it('refuses real keys from the environment to another machine over plain HTTP, before any request', async () => {
    seen.length = 0;
    connections = 0;
    const refused = await run(remote(), realKeys);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `^Error: Refusing to sign requests to http://\\S+:${port} over plain HTTP with real AWS credentials \\(AWS_ACCESS_KEY_ID in the environment; real means any but the emulator's test/test\\)\\.\\nHint: Use an https:// endpoint, an emulator on this machine`,
        'm',
      ),
    );
    assert.doesNotMatch(refused.stderr, /\n\s+at /);
    assert.doesNotMatch(refused.stderr, /real-secret/);
    if (lanAddress) assert.equal(connections, 0, 'nothing was sent');
  });

  it("refuses a profile's keys the same way, naming the profile", async () => {
    const home = mkdtempSync(join(tmpdir(), 'projet1-home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '[work]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = profile-secret\n',
    );
    connections = 0;
    const refused = await run(remote(), { HOME: home, AWS_PROFILE: 'work' });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Refusing to sign .* real AWS credentials \(profile "work"; /);
    if (lanAddress) assert.equal(connections, 0, 'nothing was sent');
  });

  it('sends real keys to loopback over HTTP, and the emulator keys test/test anywhere', async () => {
    seen.length = 0;
    const local = await run(`http://127.0.0.1:${port}`, realKeys);
    assert.doesNotMatch(local.stderr, /Refusing/);
    assert.ok(
      seen.some((s) => s.credential === realKeys.AWS_ACCESS_KEY_ID),
      `signed with the real key on loopback: ${JSON.stringify(seen)}`,
    );
    assert.equal((await run(`http://localhost:${port}`, realKeys)).stderr.includes('Refusing'), false);
    if (!lanAddress) return;
    seen.length = 0;
    const emulatorKeys = await run(remote(), { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    assert.doesNotMatch(emulatorKeys.stderr, /Refusing/);
    assert.ok(
      seen.some((s) => s.credential === 'test'),
      `test/test goes over the network: ${JSON.stringify(seen)}`,
    );
  });

  it('lets real keys go to another machine over HTTPS', async (t) => {
    if (!lanAddress) return t.skip('no network address on this machine');
    connections = 0;
    // This server speaks no TLS: the handshake fails, but only after the CLI chose to connect.
    const run1 = await run(remote('https'), realKeys);
    assert.doesNotMatch(run1.stderr, /Refusing/);
    assert.ok(connections > 0, 'the CLI connected');
  });
});

describe("the user's emulator keeps its state private", () => {
  it('folders 0700 and the TLS key 0600, tightened when they were made looser', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'projet1-state-')), 'state');
    // As an older projet1 (or a umask of 000) left them.
    mkdirSync(join(state, 'ministack-tls'), { recursive: true, mode: 0o777 });
    chmodSync(state, 0o777);
    chmodSync(join(state, 'ministack-tls'), 0o777);
    const env = cleanEnv({ PROJET1_STATE_DIR: state });
    const started = await runCli(['emulator', 'start', '--json'], { env });
    try {
      assert.equal(started.code, 0, started.stderr);
      const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
      assert.equal(mode(state), '700', 'the state folder');
      assert.equal(mode(join(state, 'ministack-tls')), '700');
      assert.equal(mode(join(state, 'ministack-tls', 'server.key')), '600', 'the TLS key');
    } finally {
      assert.equal((await runCli(['emulator', 'stop'], { env })).code, 0);
    }
  });
});
