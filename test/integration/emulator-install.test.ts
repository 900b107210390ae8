// The emulator as projet1 installs and starts it: installed by hash (pip --require-hashes) into a
// cache folder of this test's own (the clone's .venv and other clones' are left alone), and
// started with none of our credentials or tokens in its environment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { install, MINISTACK_VERSION, start } from '../../src/emulator/ministack.js';
import { runCli } from '../helpers/cli.js';

const SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'session-token-of-the-user',
  AWS_PROFILE: 'production',
  GITHUB_TOKEN: 'ghp_example',
  NPM_TOKEN: 'npm_example',
};

/** A process's environment as the kernel holds it. */
function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('the emulator', () => {
  it('starts without our AWS credentials or tokens in its environment', {
    skip: process.platform !== 'linux',
  }, async () => {
    install();
    const saved = Object.fromEntries(Object.keys(SECRETS).map((k) => [k, process.env[k]]));
    Object.assign(process.env, SECRETS);
    const handle = await start().finally(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    try {
      const env = environOf(handle.pid);
      for (const name of Object.keys(SECRETS)) assert.ok(!env.has(name), `${name} is not passed`);
      assert.ok(![...env.keys()].some((k) => k.startsWith('AWS_')), [...env.keys()].join(' '));
      assert.equal(env.get('GATEWAY_PORT'), String(handle.port), 'its own settings are');
      assert.equal(env.get('PATH'), process.env.PATH);
    } finally {
      await handle.stop();
    }
  });

  it('installs by hash into a fresh virtualenv', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'projet1-venv-'));
    const env = { ...process.env, PROJET1_CACHE_DIR: cache };
    const r = await runCli(['emulator', 'install'], { env });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout + r.stderr, /pip install .*--require-hashes -r \S+ministack-requirements\.txt/);
    const venv = join(cache, 'venv');
    assert.ok(existsSync(join(venv, 'bin', 'ministack')));
    const freeze = spawnSync(join(venv, 'bin', 'pip'), ['freeze'], { encoding: 'utf8' });
    assert.match(freeze.stdout, new RegExp(`^ministack==${MINISTACK_VERSION.replaceAll('.', '\\.')}$`, 'm'));
    const imports = spawnSync(join(venv, 'bin', 'python'), ['-c', 'import ministack, hypercorn, botocore'], {
      encoding: 'utf8',
    });
    assert.equal(imports.status, 0, imports.stderr);
  });
});
