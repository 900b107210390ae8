// Recovery time of the catalog on the emulator: a backup restored under the table's name
// after a `down`, and the same backup restored over a live table (temporary table, then
// replace), for 10,000 and 100,000 products. Run: npm run bench:restore
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install, start } from '../src/emulator/ministack.js';
import { BIN } from '../test/helpers/cli.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const env = { ...process.env, CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function cli(args: string[], cwd: string): { stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`projet1 ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, ms: Math.round(performance.now() - t0) };
}

async function main(): Promise<void> {
  install();
  const results: Record<string, unknown> = {};
  for (const n of SIZES) {
    const em = await start();
    const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-restore-'));
    writeFileSync(join(cwd, 'projet1.config.json'), JSON.stringify({ table: { billingMode: 'PAY_PER_REQUEST' } }));
    const e = ['--endpoint-url', em.endpoint];
    try {
      cli(['up', '--yes', ...e], cwd);
      cli(['products', 'seed', '--count', String(n), '--seed', '1', ...e], cwd);
      const down = cli(['down', '--yes', ...e], cwd);
      const arn = /Backed up \S+ before deleting it: (\S+)/.exec(down.stderr)?.[1] ?? '';
      const recreated = cli(['restore', '--backup', arn, '--yes', '--json', ...e], cwd);
      cli(['up', '--yes', ...e], cwd);
      const over = cli(['restore', '--backup', arn, '--yes', '--json', ...e], cwd);
      results[String(n)] = {
        downWithBackupMs: down.ms,
        restoreAfterDownMs: recreated.ms,
        restoreOverLiveTableMs: over.ms,
        items: (JSON.parse(over.stdout) as { items: number }).items,
      };
    } finally {
      await em.stop();
    }
  }
  process.stdout.write(`${JSON.stringify({ node: process.version, rtoTargetMs: 300000, results }, null, 2)}\n`);
}

await main();
