// Recovery time of the catalog on the emulator: a backup restored under the table's name
// after a `down`, and the same backup restored over a live table (temporary table, then
// replace), for 10,000 and 100,000 products. Run: npm run bench:restore
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { install, start } from '../src/emulator/ministack.js';
import { projet1 } from './projet1.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);

async function main(): Promise<void> {
  install();
  const results: Record<string, unknown> = {};
  for (const n of SIZES) {
    const em = await start();
    const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-restore-'));
    writeFileSync(join(cwd, 'projet1.config.json'), JSON.stringify({ table: { billingMode: 'PAY_PER_REQUEST' } }));
    const e = ['--endpoint-url', em.endpoint];
    try {
      projet1(['up', '--yes', ...e], cwd);
      projet1(['products', 'seed', '--count', String(n), '--seed', '1', ...e], cwd);
      const down = projet1(['down', '--yes', ...e], cwd);
      const arn = /Backed up \S+ before deleting it: (\S+)/.exec(down.stderr)?.[1] ?? '';
      const recreated = projet1(['restore', '--backup', arn, '--yes', '--json', ...e], cwd);
      projet1(['up', '--yes', ...e], cwd);
      const over = projet1(['restore', '--backup', arn, '--yes', '--json', ...e], cwd);
      results[String(n)] = {
        downWithBackupMs: Math.round(down.ms),
        restoreAfterDownMs: Math.round(recreated.ms),
        restoreOverLiveTableMs: Math.round(over.ms),
        items: (JSON.parse(over.stdout) as { items: number }).items,
      };
    } finally {
      await em.stop();
    }
  }
  process.stdout.write(`${JSON.stringify({ node: process.version, rtoTargetMs: 300000, results }, null, 2)}\n`);
}

await main();
