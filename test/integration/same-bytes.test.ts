// One projet1 version deploys the same bytes wherever it is installed, and a damaged bundle
// cache entry is rebuilt rather than uploaded.
// - Two installs of the npm tarball: one global (production dependencies only), one as a project's
//   dependency whose `overrides` resolve a bundled dependency to another version (as a team's own
//   lockfile or a later install would). `up` from one, `plan --exit-code` from the other and from
//   the clone all find nothing to do, and every function's CodeSha256 is what the clone builds.
// - A cached zip cut short (the writer renamed before the data reached the disk) is rebuilt and
//   `up` succeeds; reused, Lambda refused it ("Could not unzip uploaded file").
// Needs the build (`npm test` builds first): the tarball is packed from dist/ without scripts.
// The two installs come from the npm cache (--prefer-offline); the second fetches one small
// package the cache may lack. About 40-90 s on a busy machine, most of it npm.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ListFunctionsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { bundleHandlers } from '../../src/build/bundle.js';
import { FUNCTIONS } from '../../src/config/functions.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { type CliResult, cleanEnv, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
const ids = FUNCTIONS.map((f) => f.id);
/** An older release of a dependency the handlers bundle (the clone locks 4.14.2). */
const OTHER_HTTP_HANDLER = '4.14.1';

/** Each deployed function's CodeSha256, by handler id. */
async function deployedSha(): Promise<Map<string, string>> {
  const aws = emulatorClients(emulator.get().endpoint);
  const fns = (await aws.client(LambdaClient).send(new ListFunctionsCommand({}))).Functions ?? [];
  const sha = new Map<string, string>();
  for (const id of ids) {
    const fn = fns.find((f) => f.FunctionName?.endsWith(`-${id}`));
    if (fn?.CodeSha256) sha.set(id, fn.CodeSha256);
  }
  return sha;
}

/** What deploying from this clone gives: its own build, in a cache of its own. */
async function cloneSha(): Promise<Map<string, string>> {
  const packages = await bundleHandlers(PACKAGE_ROOT, ids, mkdtempSync(join(tmpdir(), 'projet1-cache-')));
  return new Map([...packages].map(([id, p]) => [id, p.sha256]));
}

function npm(args: string[], cwd: string): void {
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: 'pipe',
  });
}

/** Runs an installed projet1 against the emulator, from an empty folder, with a HOME of its own. */
function installedCli(bin: string): (...args: string[]) => CliResult {
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-empty-'));
  const env = cleanEnv();
  return (...args) => {
    try {
      const stdout = execFileSync(bin, [...args, '--endpoint-url', emulator.get().endpoint], {
        cwd,
        env,
        encoding: 'utf8',
        stdio: 'pipe',
      });
      return { code: 0, stdout, stderr: '', json: <T>() => JSON.parse(stdout) as T };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { code: e.status, stdout: e.stdout, stderr: e.stderr, json: <T>() => JSON.parse(e.stdout) as T };
    }
  };
}

describe('the same bytes from every install', () => {
  it('a cached zip cut short is rebuilt, and up succeeds', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'projet1-cachedir-'));
    const build = join(cache, 'build');
    await bundleHandlers(PACKAGE_ROOT, ids, build);
    let cut = 0;
    for (const id of ids) {
      for (const f of readdirSync(join(build, id)).filter((n) => n.endsWith('.zip'))) {
        const path = join(build, id, f);
        truncateSync(path, Math.floor(statSync(path).size / 2));
        cut++;
      }
    }
    assert.equal(cut, ids.length);
    const cwd = mkdtempSync(join(tmpdir(), 'projet1-empty-'));
    const env = cleanEnv({ PROJET1_CACHE_DIR: cache });
    const endpoint = ['--endpoint-url', emulator.get().endpoint];
    const up = await runCli(['up', '--yes', ...endpoint], { cwd, env });
    assert.equal(up.code, 0, up.stderr + up.stdout);
    assert.deepEqual(await deployedSha(), await cloneSha());
    assert.equal((await runCli(['down', '--yes', ...endpoint], { cwd, env })).code, 0);
  });

  it('two installs of the tarball, one resolving other dependency versions, deploy the bytes the clone deploys', async () => {
    const work = mkdtempSync(join(tmpdir(), 'projet1-bytes-'));
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    assert.ok(info);
    assert.ok(
      info.files.some((f) => f.path === 'dist/handlers/manifest.json'),
      'the zips ship',
    );
    const tarball = join(work, info.filename);

    const global = join(work, 'global');
    npm(['install', '--global', '--prefix', global, '--omit=dev', tarball], work);
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'team-repo',
        private: true,
        dependencies: { projet1: `file:${tarball}` },
        overrides: { '@smithy/node-http-handler': OTHER_HTTP_HANDLER },
      }),
    );
    npm(['install', '--omit=dev'], project);
    const resolved = createRequire(join(project, 'node_modules', 'projet1', 'package.json')).resolve(
      '@smithy/node-http-handler/package.json',
    );
    assert.equal((JSON.parse(readFileSync(resolved, 'utf8')) as { version: string }).version, OTHER_HTTP_HANDLER);

    const first = installedCli(join(global, 'bin', 'projet1'));
    const second = installedCli(join(project, 'node_modules', '.bin', 'projet1'));
    const up = first('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const plan = second('plan', '--exit-code');
    assert.equal(plan.code, 0, `the other install sees no drift:\n${plan.stdout}${plan.stderr}`);
    const fromClone = await runCli(['plan', '--exit-code', '--endpoint-url', emulator.get().endpoint], {
      cwd: mkdtempSync(join(tmpdir(), 'projet1-empty-')),
    });
    assert.equal(fromClone.code, 0, `the clone sees no drift:\n${fromClone.stdout}${fromClone.stderr}`);
    const deployed = await deployedSha();
    assert.equal(deployed.size, ids.length);
    assert.deepEqual(deployed, await cloneSha());
    assert.equal(second('down', '--yes').code, 0);
    assert.ok(
      !existsSync(join(global, 'lib', 'node_modules', 'projet1', '.projet1')),
      'nothing written in the package',
    );
  });
});
