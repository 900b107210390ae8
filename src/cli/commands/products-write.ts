// products create | update | delete
import { createProduct, deleteProduct, updateProduct } from '../../core/catalog.js';
import { readProductFile } from '../../core/files.js';
import { EXIT, UserError } from '../../errors.js';
import type { PRODUCT_FIELDS, PRODUCTS_CREATE, PRODUCTS_UPDATE } from '../options.js';
import type { Handler, OptionsOf } from '../spec.js';

/** Numbers from flags: a numeric-looking value becomes a number; anything else stays text for validation to reject. */
const num = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

function fieldsFrom(opts: OptionsOf<typeof PRODUCT_FIELDS>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.name !== undefined) out.name = opts.name;
  if (opts.category !== undefined) out.category = opts.category;
  if (opts.price !== undefined) out.price = num(opts.price);
  if (opts.stock !== undefined) out.stock = num(opts.stock);
  if (opts.description !== undefined) out.description = opts.description === '' ? null : opts.description;
  if (opts.expiresAt !== undefined) out.expires_at = opts.expiresAt === '' ? null : num(opts.expiresAt);
  return out;
}

export const create: Handler<'catalog', typeof PRODUCTS_CREATE> = async ({ catalog, io, opts }) => {
  const flags = fieldsFrom(opts);
  let input: unknown = flags;
  if (opts.file !== undefined) {
    if (Object.keys(flags).length > 0)
      throw new UserError('Give the product either with --file or with field flags, not both.', {
        exitCode: EXIT.usage,
      });
    input = readProductFile(opts.file);
  }
  const product = await createProduct(catalog, input, opts.file);
  io.result({ product }, JSON.stringify(product, null, 2));
  io.info(`Created ${product.product_id}.`);
  return 0;
};

export const update: Handler<'catalog', typeof PRODUCTS_UPDATE> = async ({ catalog, io, opts, args }) => {
  const product = await updateProduct(catalog, args[0] ?? '', fieldsFrom(opts), opts.expectedVersion);
  io.result({ product }, JSON.stringify(product, null, 2));
  io.info(`Updated ${product.product_id} to version ${product.version}.`);
  return 0;
};

export const remove: Handler<'catalog'> = async ({ catalog, io, args }) => {
  const p = await deleteProduct(catalog, args[0] ?? '');
  io.info(`Deleted ${p.product_id} (${p.name}).`);
  io.result({ deleted: p.product_id });
  return 0;
};
