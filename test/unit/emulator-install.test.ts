// The emulator is installed by hash, and started with only the environment it needs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { emulatorEnv } from '../../src/emulator/child-env.js';
import { MINISTACK_VERSION, pipInstallArgs, REQUIREMENTS } from '../../src/emulator/install.js';

/** The requirements file's entries: `name==version [; marker]` and their hashes. */
function requirements(): { pin: string; hashes: string[] }[] {
  const joined = readFileSync(REQUIREMENTS, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => ({
      pin: (l.split('--hash')[0] ?? '').trim(),
      hashes: [...l.matchAll(/--hash=sha256:([0-9a-f]{64})/g)].map((m) => m[1] ?? ''),
    }));
}

describe('emulator install', () => {
  it('runs pip with --require-hashes on the shipped requirements file', () => {
    const args = pipInstallArgs();
    assert.ok(args.includes('--require-hashes'), args.join(' '));
    assert.equal(args[args.indexOf('-r') + 1], REQUIREMENTS);
    assert.ok(!args.some((a) => a.startsWith('ministack==')), 'nothing by version alone');
  });

  it('pins MiniStack at the pinned version and every package by version and hash', () => {
    const entries = requirements();
    assert.ok(
      entries.some((e) => e.pin === `ministack==${MINISTACK_VERSION}`),
      'ministack at the pinned version',
    );
    for (const e of entries) {
      assert.match(e.pin, /^[A-Za-z0-9._-]+==[A-Za-z0-9.]+( ; .+)?$/, `${e.pin}: one exact version`);
      assert.ok(e.hashes.length > 0, `${e.pin}: a hash`);
    }
    // MiniStack's own dependencies (its wheel's metadata) are all there.
    for (const dep of ['hypercorn', 'pyyaml', 'defusedxml', 'botocore', 'jsonata-python', 'graphql-core'])
      assert.ok(
        entries.some((e) => e.pin.startsWith(`${dep}==`)),
        dep,
      );
  });
});

describe("the emulator's environment", () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LC_ALL: 'C.UTF-8',
    TMPDIR: '/tmp/x',
    MINISTACK_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'AKIAREAL',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_PROFILE: 'prod',
    GITHUB_TOKEN: 'ghp_x',
    NPM_TOKEN: 'npm_x',
    PROJET1_ADMIN_TOKEN: 'admin',
  };

  it('keeps what a process needs and MiniStack settings, nothing else', () => {
    const env = emulatorEnv(parent, { GATEWAY_PORT: '4566', TMPDIR: '/state' });
    assert.deepEqual(env, {
      PATH: '/usr/bin',
      HOME: '/home/u',
      LC_ALL: 'C.UTF-8',
      TMPDIR: '/state',
      MINISTACK_REGION: 'eu-west-3',
      GATEWAY_PORT: '4566',
    });
  });
});
