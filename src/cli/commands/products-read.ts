// products list | get | export
import { exportProducts } from '../../core/catalog-bulk.js';
import { getProduct, listAll, listPage } from '../../core/catalog.js';
import type { Product } from '../../../runtime/catalog/product.js';
import { EXIT, UserError } from '../../errors.js';
import type { PRODUCTS_EXPORT, PRODUCTS_LIST } from '../options.js';
import type { Handler } from '../spec.js';
import { formatRow } from '../table.js';

const COLUMNS = [
  { title: 'NAME', width: 32, value: (p: Product) => p.name },
  { title: 'CATEGORY', width: 14, value: (p: Product) => p.category },
  { title: 'PRICE', width: 11, value: (p: Product) => p.price.toFixed(2), right: true },
  { title: 'STOCK', width: 7, value: (p: Product) => String(p.stock), right: true },
  { title: 'ID', width: 36, value: (p: Product) => p.product_id },
];
const WIDTHS = COLUMNS.map((c) => c.width);
const RIGHT = COLUMNS.map((c) => c.right === true);

/** Fixed widths, so a streamed listing lines up without knowing what comes next. */
const row = (cells: string[]): string => `${formatRow(cells, WIDTHS, RIGHT)}\n`;
const header = (): string => row(COLUMNS.map((c) => c.title));
const renderRow = (p: Product): string => row(COLUMNS.map((c) => c.value(p)));

export const list: Handler<'catalog', typeof PRODUCTS_LIST> = async ({ catalog, io, opts }) => {
  const { limit, category } = opts;
  if (opts.all) {
    // Streams: each page is written before the next is read, whatever the table's size.
    // With --json the one document is written piece by piece: {"ok":true,...,"items":[...],"count":n}.
    let n = 0;
    if (io.json) await io.out('{"ok":true,"command":"products list","items":[');
    else await io.out(header());
    // Large pages: fewer round trips (DynamoDB still caps a page at 1 MB).
    for await (const p of listAll(catalog, { pageSize: 1000, ...(category ? { category } : {}) })) {
      await io.out(io.json ? `${n === 0 ? '\n' : ',\n'}${JSON.stringify(p)}` : renderRow(p));
      n++;
    }
    if (io.json) await io.out(`\n],"count":${n}}\n`);
    io.info(`${n} product(s)${category ? ` in category "${category}"` : ''}.`);
    return 0;
  }
  const page = await listPage(catalog, {
    limit,
    ...(category ? { category } : {}),
    ...(opts.cursor ? { cursor: opts.cursor } : {}),
  });
  io.result(
    { items: page.items, count: page.items.length, cursor: page.cursor },
    header() + page.items.map(renderRow).join(''),
  );
  io.info(
    page.cursor ? `More products: add --cursor ${page.cursor} (or use --all).` : `${page.items.length} product(s).`,
  );
  return 0;
};

export const get: Handler<'catalog'> = async ({ catalog, io, args }) => {
  const product = await getProduct(catalog, args[0] ?? '');
  io.result({ product }, JSON.stringify(product, null, 2));
  return 0;
};

export const exportFile: Handler<'catalog', typeof PRODUCTS_EXPORT> = async ({ catalog, io, opts }) => {
  const { format } = opts;
  if (io.json && !opts.out) {
    throw new UserError('With --json, stdout holds the result document, so the products need a file.', {
      exitCode: EXIT.usage,
      hint: 'Add --out products.jsonl.',
    });
  }
  const res = await exportProducts(
    catalog,
    { format, write: (text) => io.out(text), ...(opts.out ? { out: opts.out } : {}) },
    io,
  );
  io.info(`Exported ${res.exported} product(s)${res.file ? ` to ${res.file}` : ''} as ${format}.`);
  io.result({ exported: res.exported, file: res.file, format });
  return 0;
};
