// products list | get | export
import { exportProducts } from '../../core/catalog-bulk.js';
import { getProduct, listAll, listPage } from '../../core/catalog.js';
import type { Product } from '../../catalog/product.js';
import { write } from '../../catalog/files.js';
import { EXIT, UserError } from '../../errors.js';
import { intOption, type GlobalOptions } from '../options.js';
import { info, json, result, withCatalog } from '../run.js';

const COLUMNS = [
  { title: 'NAME', width: 32, value: (p: Product) => p.name },
  { title: 'CATEGORY', width: 14, value: (p: Product) => p.category },
  { title: 'PRICE', width: 11, value: (p: Product) => p.price.toFixed(2), right: true },
  { title: 'STOCK', width: 7, value: (p: Product) => String(p.stock), right: true },
  { title: 'ID', width: 36, value: (p: Product) => p.product_id },
];

/** Fixed-width rows, so a streamed listing lines up without knowing what comes next. */
function row(cells: string[]): string {
  return `${cells
    .map((c, i) => {
      const col = COLUMNS[i];
      if (!col) return c;
      const text = [...c].length > col.width ? `${[...c].slice(0, col.width - 1).join('')}…` : c;
      return col.right ? text.padStart(col.width) : text.padEnd(col.width);
    })
    .join('  ')
    .trimEnd()}\n`;
}
const renderRow = (p: Product): string => row(COLUMNS.map((c) => c.value(p)));

export async function list(opts: GlobalOptions): Promise<number> {
  const limit = intOption(opts.limit, '--limit', 1, 1000, 25);
  const category = opts.category;
  return withCatalog(opts, async (catalog) => {
    if (opts.all) {
      // Streams: each page is written before the next is read, whatever the table's size.
      let n = 0;
      if (opts.json) await write(process.stdout, '[');
      else await write(process.stdout, row(COLUMNS.map((c) => c.title)));
      // Large pages: fewer round trips (DynamoDB still caps a page at 1 MB).
      for await (const p of listAll(catalog, { pageSize: 1000, ...(category ? { category } : {}) })) {
        await write(process.stdout, opts.json ? `${n === 0 ? '\n' : ',\n'}${JSON.stringify(p)}` : renderRow(p));
        n++;
      }
      if (opts.json) await write(process.stdout, '\n]\n');
      else info(`${n} product(s)${category ? ` in category "${category}"` : ''}.`);
      return 0;
    }
    const page = await listPage(catalog, { limit, ...(category ? { category } : {}), ...(opts.cursor ? { cursor: opts.cursor } : {}) });
    if (opts.json) json({ items: page.items, count: page.items.length, cursor: page.cursor });
    else {
      result(row(COLUMNS.map((c) => c.title)) + page.items.map(renderRow).join(''));
      info(page.cursor ? `More products: add --cursor ${page.cursor} (or use --all).` : `${page.items.length} product(s).`);
    }
    return 0;
  });
}

export async function get(opts: GlobalOptions, args: string[]): Promise<number> {
  return withCatalog(opts, async (catalog) => {
    json(await getProduct(catalog, args[0] ?? ''));
    return 0;
  });
}

export async function exportFile(opts: GlobalOptions): Promise<number> {
  const format = opts.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UserError(`--format must be jsonl or csv, found "${format}".`, { exitCode: EXIT.usage });
  return withCatalog(opts, async (catalog, reporter) => {
    const res = await exportProducts(catalog, { format, stdout: process.stdout, ...(opts.out ? { out: opts.out } : {}) }, reporter);
    reporter.close();
    info(`Exported ${res.exported} product(s)${res.file ? ` to ${res.file}` : ''} as ${format}.`);
    return 0;
  });
}
