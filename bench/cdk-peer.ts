// projet1 next to the AWS CDK, same emulator, same run, alternating: cold deploy of the whole
// stack, a deploy with nothing to do, and a deploy after one handler's code changed. The CDK
// (aws-cdk-lib, constructs, the aws-cdk CLI) is installed on demand into a temporary folder,
// never a project dependency. Medians of BENCH_RUNS (default 3) and the ratios CDK / projet1.
// Run: npm run bench:cdk   (BENCH_NODE=/path/to/node runs both sides on another Node)
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install, start } from '../src/emulator/ministack.js';
import { copyProject } from '../test/helpers/project-copy.js';
import { cdkApp } from './cdk-app.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NODE = process.env.BENCH_NODE ?? process.execPath;
const PEER = join(tmpdir(), 'projet1-cdk-peer');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function installCdk(): void {
  if (existsSync(join(PEER, 'node_modules', 'aws-cdk', 'bin', 'cdk'))) return;
  mkdirSync(PEER, { recursive: true });
  writeFileSync(join(PEER, 'package.json'), '{"private":true}');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', 'aws-cdk-lib', 'constructs', 'aws-cdk'], {
    cwd: PEER,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('installing the AWS CDK failed');
}

function timed(cmd: string[], cwd: string, env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(NODE, cmd, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}:\n${r.stderr.slice(-3000)}`);
  return ms;
}

async function main(): Promise<void> {
  installCdk();
  install();
  const em = await start({ extraServices: ['cloudformation'] });
  const root = copyProject();
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-cdk-'));
  writeFileSync(join(cwd, 'projet1.config.json'), '{}');
  const quiet = { CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const ours = { ...quiet, PROJET1_CACHE_DIR: join(root, '.cache') };
  const theirs = {
    ...quiet,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-3',
    AWS_ENDPOINT_URL: em.endpoint,
    CDK_DISABLE_VERSION_CHECK: '1',
  };
  const up = [join(root, 'bin', 'projet1.js'), 'up', '--yes', '--json', '--endpoint-url', em.endpoint];
  const deploy = [
    join(PEER, 'node_modules', 'aws-cdk', 'bin', 'cdk'),
    'deploy',
    '--app',
    'node app.js',
    '--require-approval',
    'never',
    '--no-notices',
    '--no-path-metadata',
    '--no-version-reporting',
    '--no-asset-metadata',
  ];
  const rows: Record<string, number[]> = {};
  const record = (name: string, ms: number): void => {
    rows[name] = [...(rows[name] ?? []), Math.round(ms)];
  };
  try {
    // One untimed round each: the bundle cache and the CDK's own first-run work are not what we compare.
    timed(up, cwd, ours);
    writeFileSync(join(PEER, 'app.js'), cdkApp(0));
    timed(deploy, PEER, theirs);
    for (let i = 1; i <= RUNS; i++) {
      await em.reset();
      record('projet1 cold up', timed(up, cwd, ours));
      record('projet1 no-op up', timed(up, cwd, ours));
      appendFileSync(join(root, 'handlers', 'get-product-by-id.ts'), `\nexport const edit${i} = ${i};\n`);
      record('projet1 up after one handler edit', timed(up, cwd, ours));
      await em.reset();
      writeFileSync(join(PEER, 'app.js'), cdkApp(i * 10));
      record('cdk cold deploy', timed(deploy, PEER, theirs));
      record('cdk no-op deploy', timed(deploy, PEER, theirs));
      writeFileSync(join(PEER, 'app.js'), cdkApp(i * 10 + 1));
      record('cdk deploy after one handler edit', timed(deploy, PEER, theirs));
    }
    const m = (k: string) => median(rows[k] ?? []);
    const ratio = (cdk: string, ours: string) => Math.round((m(cdk) / m(ours)) * 10) / 10;
    console.log(
      JSON.stringify(
        {
          node: spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim(),
          medianMs: Object.fromEntries(Object.keys(rows).map((k) => [k, m(k)])),
          cdkOverProjet1: {
            cold: ratio('cdk cold deploy', 'projet1 cold up'),
            noOp: ratio('cdk no-op deploy', 'projet1 no-op up'),
            oneHandlerEdit: ratio('cdk deploy after one handler edit', 'projet1 up after one handler edit'),
          },
          runs: rows,
        },
        null,
        2,
      ),
    );
  } finally {
    await em.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
