// Catalog figures on the emulator: seeding 10,000 products with batches vs a plain
// sequential PutItem loop (same run), and peak RSS of `products export` and
// `products list --all` over 100,000 products. Run: npm run bench:catalog
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { generateProducts } from '../src/catalog/generate.js';
import { seedProducts } from '../src/core/catalog-bulk.js';
import { openCatalog } from '../src/core/catalog.js';
import { install, start } from '../src/emulator/ministack.js';
import { silentIo } from '../src/core/io.js';
import { BIN } from '../test/helpers/cli.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const SEED_N = Number(process.env.BENCH_SEED ?? 10_000);
const BIG_N = Number(process.env.BENCH_BIG ?? 100_000);
const env = { ...process.env, CI: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** Runs the CLI, sampling the child's peak resident memory (VmHWM) until it exits. */
function measure(args: string[], cwd: string): Promise<{ ms: number; peakRssMB: number; code: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'ignore'] });
    let peak = 0;
    const sample = (): void => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        if (kb) peak = Math.max(peak, Number(kb));
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ ms: Date.now() - t0, peakRssMB: Math.round(peak / 1024), code: code ?? -1 });
    });
  });
}

async function main(): Promise<void> {
  install();
  const em = await start();
  const cwd = mkdtempSync(join(tmpdir(), 'projet1-bench-catalog-'));
  writeFileSync(join(cwd, 'projet1.config.json'), JSON.stringify({ endpointUrl: em.endpoint }));
  const out: Record<string, unknown> = { node: process.version };
  try {
    const up = await measure(['up'], cwd);
    if (up.code !== 0) throw new Error('up failed');
    const catalog = await openCatalog({ flags: { endpointUrl: em.endpoint }, cwd });

    // Baseline: one PutItem at a time, awaited, as a naive script would.
    let t0 = Date.now();
    for (const p of generateProducts(SEED_N, 1))
      await catalog.doc.send(new PutCommand({ TableName: catalog.table, Item: p }));
    const sequentialMs = Date.now() - t0;

    t0 = Date.now();
    const seeded = await seedProducts(catalog, { count: SEED_N, seed: 2, concurrency: 8 }, silentIo);
    const batchedMs = Date.now() - t0;
    out.seed = {
      items: SEED_N,
      sequentialPutItemMs: sequentialMs,
      batchedMs,
      speedup: Math.round((sequentialMs / batchedMs) * 10) / 10,
      itemsPerSecond: seeded.perSecond,
    };

    await em.reset();
    if ((await measure(['up'], cwd)).code !== 0) throw new Error('up failed');
    t0 = Date.now();
    await seedProducts(catalog, { count: BIG_N, seed: 3, concurrency: 8 }, silentIo);
    const seedBigMs = Date.now() - t0;
    const file = join(cwd, 'export.jsonl');
    const exported = await measure(['products', 'export', '--out', file], cwd);
    const listed = await measure(['products', 'list', '--all', '--json'], cwd);
    out.big = {
      items: BIG_N,
      seedMs: seedBigMs,
      export: { ...exported, fileMB: Math.round(statSync(file).size / 1e6) },
      listAll: listed,
    };
    catalog.aws.destroy();
  } finally {
    await em.stop();
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await main();
