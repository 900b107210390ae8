// Seed, import and export. Import is all or nothing: the whole file is validated first
// (every bad row reported with its line), and only a clean file is written. Export streams
// page by page to a temporary file renamed at the end, so a failure leaves no half file.
import { randomInt } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { writeAll, type BatchProgress } from '../catalog/batch-writer.js';
import { csvHeader, formatOf, productLine, readRows, write, type FileFormat } from '../catalog/files.js';
import { generateProducts } from '../catalog/generate.js';
import { validateStored, type Product } from '../../runtime/catalog/product.js';
import type { Reporter } from '../engine/events.js';
import { EXIT, UserError } from '../errors.js';
import { guardedWrite, listAll, type Catalog } from './catalog.js';
import { checkReadableFile, checkWritableTarget, fileError } from './files.js';
import type { IoHost } from './io.js';

export interface BulkResult {
  written: number;
  ms: number;
  perSecond: number;
  retries: number;
  /** Stopped by the user (Ctrl-C) before every item was written. */
  interrupted: boolean;
}

const MAX_LISTED = 50;

function progressReporter(reporter: Reporter, label: string, total: number | undefined): (p: BatchProgress) => void {
  const t0 = Date.now();
  return (p) =>
    reporter.event({
      type: 'progress',
      id: label,
      label,
      done: p.written,
      total,
      perSecond: p.written / Math.max(0.001, (Date.now() - t0) / 1000),
    });
}

/**
 * Bulk writes record who wrote (`updated_by`) but add no history entry: BatchWriteItem is not a
 * transaction, and an entry per row would double a load's writes for what its own summary says.
 */
async function* signed(items: Iterable<Product> | AsyncIterable<Product>, actor: string): AsyncGenerator<Product> {
  for await (const p of items) yield { ...p, updated_by: actor };
}

async function bulkWrite(
  catalog: Catalog,
  items: Iterable<Product> | AsyncIterable<Product>,
  io: IoHost,
  label: string,
  total: number | undefined,
  concurrency: number,
): Promise<BulkResult> {
  const t0 = Date.now();
  const p = await guardedWrite(catalog, (who) =>
    writeAll(catalog.doc, catalog.table, signed(items, who.actor), {
      concurrency,
      onProgress: progressReporter(io, label, total),
      signal: io.signal,
    }),
  );
  const ms = Date.now() - t0;
  return {
    written: p.written,
    ms,
    perSecond: Math.round(p.written / Math.max(0.001, ms / 1000)),
    retries: p.retries,
    interrupted: p.stopped,
  };
}

export async function seedProducts(
  catalog: Catalog,
  opts: { count: number; seed?: number; concurrency: number },
  io: IoHost,
): Promise<BulkResult & { seed: number }> {
  // Without --seed, pick one and report it, so any run can be reproduced.
  const seed = opts.seed ?? randomInt(1, 2 ** 31 - 1);
  const result = await bulkWrite(
    catalog,
    generateProducts(opts.count, seed),
    io,
    'seeding',
    opts.count,
    opts.concurrency,
  );
  return { ...result, seed };
}

function fileFormat(file: string): FileFormat {
  const format = formatOf(file);
  if (!format)
    throw new UserError(`Cannot tell the format of ${file}.`, {
      exitCode: EXIT.usage,
      hint: 'Use a .jsonl (one product per line), .csv (with a header row) or .json (an array) file.',
    });
  checkReadableFile(file, 'product file');
  return format;
}

/** Pass 1: every problem of the file, with line numbers; duplicated ids are problems too. */
async function checkFile(
  file: string,
  format: FileFormat,
  now: Date,
): Promise<{ rows: number; problems: string[]; withoutId: number }> {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let rows = 0;
  let withoutId = 0;
  for await (const row of readRows(file, format)) {
    rows++;
    if ('parseError' in row.record) {
      problems.push(`line ${row.line}: ${String(row.record.parseError)}`);
      continue;
    }
    const v = validateStored(row.record, now);
    if (!v.ok) {
      for (const p of v.problems) problems.push(`line ${row.line}: ${p.field} ${p.message}`);
      continue;
    }
    if (typeof row.record.product_id === 'string') {
      const first = seen.get(row.record.product_id);
      if (first !== undefined)
        problems.push(`line ${row.line}: product_id ${row.record.product_id} already appears on line ${first}`);
      else seen.set(row.record.product_id, row.line);
    } else withoutId++;
  }
  return { rows, problems, withoutId };
}

async function* validRows(file: string, format: FileFormat, now: Date): AsyncGenerator<Product> {
  for await (const row of readRows(file, format)) {
    if ('parseError' in row.record) continue;
    const v = validateStored(row.record, now);
    if (v.ok) yield v.value;
  }
}

/** Restores products from a file, keeping their ids and versions; an existing product with the same id is replaced. */
export async function importProducts(
  catalog: Catalog,
  file: string,
  opts: { concurrency: number },
  io: IoHost,
): Promise<BulkResult & { rows: number; format: FileFormat; newIds: number }> {
  const format = fileFormat(file);
  const now = new Date();
  const { rows, problems, withoutId } = await checkFile(file, format, now);
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `  - ${p}`);
    if (problems.length > MAX_LISTED) listed.push(`  … and ${problems.length - MAX_LISTED} more`);
    throw new UserError(`${file} has ${problems.length} problem(s); nothing was imported:\n${listed.join('\n')}`, {
      exitCode: EXIT.usage,
      hint: 'Fix the listed lines and run the import again.',
    });
  }
  if (rows === 0) throw new UserError(`${file} holds no products; nothing was imported.`, { exitCode: EXIT.usage });
  if (withoutId > 0) {
    // Nothing in such a row says which product it is: a second import of the same file adds them again.
    io.notify({
      level: 'warn',
      code: 'P1_IMPORT_NEW_IDS',
      message: `${withoutId} row(s) of ${file} have no product_id: each becomes a new product, so importing this file again adds them again. Add a product_id column (\`projet1 products export\` writes one) to update instead.`,
    });
  }
  const result = await bulkWrite(catalog, validRows(file, format, now), io, 'importing', rows, opts.concurrency);
  return { ...result, rows, format, newIds: withoutId };
}

/** Streams every product to `write` (stdout), or to a temporary file renamed to `out` at the end. */
export async function exportProducts(
  catalog: Catalog,
  opts: { format: 'jsonl' | 'csv'; out?: string; write: (text: string) => Promise<void> },
  reporter: Reporter,
): Promise<{ exported: number; file: string | null }> {
  if (opts.out) checkWritableTarget(opts.out, 'export file');
  const temp = opts.out ? `${opts.out}.partial-${process.pid}` : undefined;
  let stream: Writable | undefined;
  if (temp) {
    stream = createWriteStream(temp, { flags: 'wx' });
    await new Promise<void>((resolve, reject) => {
      stream?.once('open', () => resolve());
      stream?.once('error', (err) => reject(fileError(err, opts.out ?? temp, 'export file')));
    });
  }
  const emit = stream ? (text: string) => write(stream, text) : opts.write;
  let exported = 0;
  const t0 = Date.now();
  try {
    if (opts.format === 'csv') await emit(csvHeader());
    for await (const product of listAll(catalog, { pageSize: 1000 })) {
      await emit(productLine(product, opts.format));
      if (++exported % 1000 === 0)
        reporter.event({
          type: 'progress',
          id: 'exporting',
          label: 'exporting',
          done: exported,
          total: undefined,
          perSecond: exported / Math.max(0.001, (Date.now() - t0) / 1000),
        });
    }
    if (stream && temp && opts.out) {
      const s = stream;
      await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
      try {
        renameSync(temp, opts.out);
      } catch (err) {
        throw fileError(err, opts.out, 'export file');
      }
    }
  } catch (err) {
    if (temp) {
      stream?.destroy();
      rmSync(temp, { force: true });
    }
    throw err;
  }
  return { exported, file: opts.out ?? null };
}
