// products seed | import
import { importProducts, seedProducts } from '../../core/catalog-bulk.js';
import { EXIT, UserError } from '../../errors.js';
import { intOption, type GlobalOptions } from '../options.js';
import { info, json, withCatalog } from '../run.js';

const summary = (verb: string, r: { written: number; ms: number; perSecond: number; retries: number }): string =>
  `${verb} ${r.written.toLocaleString('en-US')} product(s) in ${(r.ms / 1000).toFixed(1)}s (${r.perSecond.toLocaleString('en-US')} items/s${r.retries ? `, ${r.retries} throttled batch(es) resent` : ''}).`;

export async function seed(opts: GlobalOptions): Promise<number> {
  const concurrency = intOption(opts.concurrency, '--concurrency', 1, 64, 8);
  if (opts.file !== undefined) {
    if (opts.count !== undefined || opts.seed !== undefined) throw new UserError('--file seeds the products of the file; --count and --seed do not apply.', { exitCode: EXIT.usage });
    return importFile(opts, [opts.file]);
  }
  const count = intOption(opts.count, '--count', 1, 1_000_000, 100);
  const seedValue = intOption(opts.seed, '--seed', 1, 2 ** 31 - 1);
  return withCatalog(opts, async (catalog, reporter) => {
    const r = await seedProducts(catalog, { count, concurrency, ...(seedValue === undefined ? {} : { seed: seedValue }) }, reporter);
    reporter.close();
    if (opts.json) json({ ok: true, ...r });
    else info(`${summary('Seeded', r)} Seed ${r.seed} (pass --seed ${r.seed} to write the same products again).`);
    return 0;
  });
}

export async function importFile(opts: GlobalOptions, args: string[]): Promise<number> {
  const concurrency = intOption(opts.concurrency, '--concurrency', 1, 64, 8);
  return withCatalog(opts, async (catalog, reporter) => {
    const r = await importProducts(catalog, args[0] ?? '', { concurrency }, reporter);
    reporter.close();
    if (opts.json) json({ ok: true, ...r });
    else info(summary(`Imported (${r.format})`, r));
    return 0;
  });
}
