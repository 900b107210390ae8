// The product as users get it: the npm tarball, installed with production dependencies
// only into a temporary prefix, run from an empty directory against the emulator. Proves
// that everything `up`, `plan` and `status` need at run time ships and is a dependency.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { type CliResult, cleanEnv } from '../helpers/cli.js';
import { originHeader } from '../helpers/api.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const emulator = useEmulator();
const work = mkdtempSync(join(tmpdir(), 'projet1-package-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', 'projet1');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('the npm package', () => {
  let tarball = '';

  it('packs what a user needs and nothing else', () => {
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    assert.ok(info);
    tarball = join(work, info.filename);
    const paths = info.files.map((f) => f.path);
    for (const needed of [
      'bin/projet1.js',
      'dist/cli/main.js',
      'handlers/authorizer.ts',
      'dist/handlers/manifest.json',
      'dist/handlers/authorizer.zip',
      'src/emulator/ministack-requirements.txt',
      'runtime/catalog/product.ts',
      'package.json',
      'README.md',
    ]) {
      assert.ok(paths.includes(needed), `ships ${needed}`);
    }
    assert.deepEqual(
      paths.filter((p) => /^(dist\/(test|bench)|test|bench|\.ci|scripts)\//.test(p)),
      [],
      'no tests, benches or CI files',
    );
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist', 'handlers', 'manifest.json'), 'utf8')) as {
      functions: Record<string, { sources: Record<string, string> }>;
    };
    const sources = new Set(Object.values(manifest.functions).flatMap((f) => Object.keys(f.sources)));
    assert.deepEqual(
      [...sources].filter((s) => !paths.includes(s)),
      [],
      'every source a shipped zip was built from ships (dev bundles them)',
    );
    assert.deepEqual(
      paths.filter((p) => /^(dist\/)?src\//.test(p)),
      ['src/emulator/ministack-requirements.txt'],
      'the CLI ships bundled (dist/cli/), not as sources',
    );
  });

  it('installs with production dependencies only and runs up, plan, the API and down from an empty directory', async () => {
    execFileSync(
      'npm',
      ['install', '--global', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball],
      { encoding: 'utf8', stdio: 'pipe' },
    );
    const before = files(installed);
    const cwd = mkdtempSync(join(tmpdir(), 'projet1-empty-'));
    const env = cleanEnv();
    const cli = (...args: string[]): CliResult => {
      try {
        const stdout = execFileSync(
          join(prefix, 'bin', 'projet1'),
          [...args, '--endpoint-url', emulator.get().endpoint],
          { cwd, env, encoding: 'utf8', stdio: 'pipe' },
        );
        return { code: 0, stdout, stderr: '', json: <T>() => JSON.parse(stdout) as T };
      } catch (err) {
        const e = err as { status: number; stdout: string; stderr: string };
        return { code: e.status, stdout: e.stdout, stderr: e.stderr, json: <T>() => JSON.parse(e.stdout) as T };
      }
    };
    const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(cli('--version').stdout.trim(), own.version);

    const up = cli('up', '--yes', '--json');
    assert.equal(up.code, 0, up.stderr + up.stdout);
    const url = up.json<{ outputs: Record<string, string> }>().outputs.apiUrl;
    assert.equal(cli('plan', '--exit-code').code, 0, 'nothing left to do');
    const res = await fetch(`${url}/products`, {
      headers: await originHeader(emulatorClients(emulator.get().endpoint)),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { items: unknown[] }).items, []);
    assert.equal(cli('down', '--yes').code, 0);

    assert.deepEqual(files(installed), before, 'nothing is written inside the installed package');
    assert.deepEqual(
      files(join(env.HOME ?? '', '.cache', 'projet1', 'build')),
      [],
      'the shipped handler zips are deployed: nothing is bundled',
    );
  });
});
