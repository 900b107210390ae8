// products create | update | delete
import { readFileSync } from 'node:fs';
import { createProduct, deleteProduct, updateProduct } from '../../core/catalog.js';
import { parseJson } from '../../config/load.js';
import { EXIT, UserError } from '../../errors.js';
import { intOption, type GlobalOptions } from '../options.js';
import { info, json, withCatalog } from '../run.js';

/** Numbers from flags: a numeric-looking value becomes a number; anything else stays text for validation to reject. */
const num = (v: string): number | string => (/^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

function fieldsFrom(opts: GlobalOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opts.name !== undefined) out.name = opts.name;
  if (opts.category !== undefined) out.category = opts.category;
  if (opts.price !== undefined) out.price = num(opts.price);
  if (opts.stock !== undefined) out.stock = num(opts.stock);
  if (opts.description !== undefined) out.description = opts.description === '' ? null : opts.description;
  if (opts.expiresAt !== undefined) out.expires_at = opts.expiresAt === '' ? null : num(opts.expiresAt);
  return out;
}

export async function create(opts: GlobalOptions): Promise<number> {
  const flags = fieldsFrom(opts);
  let input: unknown = flags;
  if (opts.file !== undefined) {
    if (Object.keys(flags).length > 0) throw new UserError('Give the product either with --file or with field flags, not both.', { exitCode: EXIT.usage });
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new UserError(`Cannot read ${opts.file} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`, { exitCode: EXIT.usage });
    }
    input = parseJson(text, opts.file);
  }
  return withCatalog(opts, async (catalog) => {
    const p = await createProduct(catalog, input);
    json(p);
    info(`Created ${p.product_id}.`);
    return 0;
  });
}

export async function update(opts: GlobalOptions, args: string[]): Promise<number> {
  const expected = intOption(opts.expectedVersion, '--expected-version', 1, 1_000_000_000);
  return withCatalog(opts, async (catalog) => {
    const p = await updateProduct(catalog, args[0] ?? '', fieldsFrom(opts), expected);
    json(p);
    info(`Updated ${p.product_id} to version ${p.version}.`);
    return 0;
  });
}

export async function remove(opts: GlobalOptions, args: string[]): Promise<number> {
  return withCatalog(opts, async (catalog) => {
    const p = await deleteProduct(catalog, args[0] ?? '');
    if (opts.json) json({ deleted: p.product_id });
    else info(`Deleted ${p.product_id} (${p.name}).`);
    return 0;
  });
}
