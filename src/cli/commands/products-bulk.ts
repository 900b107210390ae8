// products seed | import
import { type BulkResult, importProducts, seedProducts } from '../../core/catalog-bulk.js';
import { InterruptedError } from '../../core/io.js';
import { EXIT, UserError } from '../../errors.js';
import type { PRODUCTS_IMPORT, PRODUCTS_SEED } from '../options.js';
import type { ContextOf, Handler } from '../spec.js';

const summary = (verb: string, r: BulkResult): string =>
  `${verb} ${r.written.toLocaleString('en-US')} product(s) in ${(r.ms / 1000).toFixed(1)}s (${r.perSecond.toLocaleString('en-US')} items/s${r.retries ? `, ${r.retries} throttled batch(es) resent` : ''}).`;

/** A bulk write stopped by Ctrl-C: what was written, and that the same command finishes it (writes are idempotent). */
function stoppedEarly(r: BulkResult, again: string): void {
  if (r.interrupted)
    throw new InterruptedError(`${r.written.toLocaleString('en-US')} product(s) were written before stopping.`, again);
}

export const seed: Handler<'catalog', typeof PRODUCTS_SEED> = async (ctx) => {
  const { catalog, io, opts } = ctx;
  const { concurrency } = opts;
  if (opts.file !== undefined) {
    if (opts.count !== undefined || opts.seed !== undefined)
      throw new UserError('--file seeds the products of the file; --count and --seed do not apply.', {
        exitCode: EXIT.usage,
      });
    return importPath(ctx, opts.file, concurrency, `projet1 products seed --file ${opts.file}`);
  }
  const count = opts.count ?? 100;
  const seedValue = opts.seed;
  const r = await seedProducts(
    catalog,
    { count, concurrency, ...(seedValue === undefined ? {} : { seed: seedValue }) },
    io,
  );
  stoppedEarly(r, `projet1 products seed --count ${count} --seed ${r.seed}`);
  io.info(`${summary('Seeded', r)} Seed ${r.seed} (pass --seed ${r.seed} to write the same products again).`);
  io.result({ ...r });
  return 0;
};

async function importPath(
  ctx: ContextOf['catalog'],
  file: string,
  concurrency: number,
  again: string,
): Promise<number> {
  const { catalog, io } = ctx;
  const r = await importProducts(catalog, file, { concurrency }, io);
  stoppedEarly(r, again);
  io.info(summary(`Imported (${r.format})`, r));
  io.result({ ...r });
  return 0;
}

export const importFile: Handler<'catalog', typeof PRODUCTS_IMPORT> = async (ctx) =>
  importPath(ctx, ctx.args[0] ?? '', ctx.opts.concurrency, `projet1 products import ${ctx.args[0] ?? ''}`);
