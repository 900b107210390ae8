// Product files: JSON Lines and CSV (RFC 4180, header row, through csv-parse and
// csv-stringify), read as a stream of rows with their line numbers, and written with
// backpressure so memory stays flat.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import { type Info, parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import type { Product } from '../../runtime/catalog/product.js';

export type FileFormat = 'jsonl' | 'csv' | 'json';

export interface Row {
  line: number;
  /** The parsed record, or the reason the line could not be parsed. */
  record: Record<string, unknown> | { parseError: string };
}

export const CSV_COLUMNS = [
  'product_id',
  'name',
  'category',
  'price',
  'stock',
  'description',
  'expires_at',
  'created_at',
  'updated_at',
  'version',
] as const;
const NUMERIC = new Set(['price', 'stock', 'expires_at', 'version']);

export function formatOf(file: string): FileFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return undefined;
}

/**
 * Spreadsheet formula injection (OWASP "CSV Injection"; ASVS 1.2.10): a spreadsheet opening the
 * export runs a cell that starts with = + - or @ (or tab, CR, LF before one) as a formula, so a
 * product named `=HYPERLINK(...)` would act on the machine of whoever opens the file. Export writes
 * such a cell with a leading `'`, which spreadsheets show as "this is text" and hide.
 *
 * The rule, both ways: export adds one `'` before a text cell that matches FORMULA_LIKE (a trigger
 * after any number of `'`), and import removes one `'` from a cell that matches it with at least one
 * `'`. A value that already starts with `'` before a trigger (`'=x`) is exported as `''=x` and comes
 * back as `'=x`, so every exported value returns unchanged. A hand-written file's `'=x` is read as
 * `=x`, as a spreadsheet shows it; any other leading `'` is the user's and kept.
 */
const FORMULA_LIKE = /^'*[=+\-@\t\r\n]/;

export function escapeFormula(cell: string): string {
  return FORMULA_LIKE.test(cell) ? `'${cell}` : cell;
}

export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && FORMULA_LIKE.test(cell) ? cell.slice(1) : cell;
}

/** CSV cells are text: numeric columns become numbers when they look like one (validation reports the rest). */
function csvRecord(header: string[], cells: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  header.forEach((key, i) => {
    const v = unescapeFormula(cells[i] ?? '');
    if (v === '') return;
    out[key] = NUMERIC.has(key) && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v) ? Number(v) : v;
  });
  return out;
}

export async function* readRows(file: string, format: FileFormat): AsyncGenerator<Row> {
  if (format === 'json') {
    // A JSON array: read whole (meant for small seed files, not exports).
    let text = '';
    for await (const chunk of createReadStream(file, { encoding: 'utf8' })) text += chunk as string;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      yield { line: 1, record: { parseError: `not valid JSON (${(err as Error).message})` } };
      return;
    }
    if (!Array.isArray(parsed)) {
      yield {
        line: 1,
        record: { parseError: 'a .json file must hold an array of products (use .jsonl for one product per line)' },
      };
      return;
    }
    let i = 0;
    for (const item of parsed)
      yield {
        line: ++i,
        record:
          typeof item === 'object' && item !== null && !Array.isArray(item)
            ? (item as Record<string, unknown>)
            : { parseError: 'not an object' },
      };
    return;
  }
  if (format === 'jsonl') {
    let line = 0;
    for await (const text of createInterface({
      input: createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Number.POSITIVE_INFINITY,
    })) {
      line++;
      if (text.trim() === '') continue;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        yield { line, record: { parseError: 'not valid JSON' } };
        continue;
      }
      const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
      yield { line, record: isObject ? (v as Record<string, unknown>) : { parseError: 'not a JSON object' } };
    }
    return;
  }
  yield* csvRows(file);
}

/** CSV through csv-parse (RFC 4180: quoted commas, quotes and newlines), with each record's first line. */
async function* csvRows(file: string): AsyncGenerator<Row> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  let header: string[] | undefined;
  let end = 0; // line where the previous record ended
  let empty = 0; // empty lines skipped so far
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = end + 1 + (info.empty_lines - empty);
      end = info.lines;
      empty = info.empty_lines;
      if (!header) {
        header = record.map((c) => c.trim());
        const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
        if (unknown.length > 0) {
          const expected = CSV_COLUMNS.join(',');
          yield {
            line,
            record: { parseError: `unknown column(s) ${unknown.join(', ')}; expected a header row of: ${expected}` },
          };
          return;
        }
        continue;
      }
      if (record.length !== header.length) {
        yield { line, record: { parseError: `has ${record.length} cells, the header has ${header.length}` } };
      } else yield { line, record: csvRecord(header, record) };
    }
  } catch (err) {
    // A broken quote makes the rest unreadable: one problem, at the line the parser stopped.
    const e = err as { lines?: number; message?: string };
    yield { line: e.lines ?? end + 1, record: { parseError: `not valid CSV (${e.message ?? String(err)})` } };
  }
}

export function csvHeader(): string {
  return stringify([[...CSV_COLUMNS]], { record_delimiter: '\n' });
}

export function productLine(p: Product, format: 'jsonl' | 'csv'): string {
  if (format === 'csv') {
    // Numbers are written as numbers (never formula-like: every numeric field is 0 or more).
    const cells = CSV_COLUMNS.map((c) => {
      const v = p[c] ?? '';
      return typeof v === 'string' ? escapeFormula(v) : v;
    });
    return stringify([cells], { record_delimiter: '\n' });
  }
  // Fixed key order: exports of the same data are byte-identical.
  return `${JSON.stringify(Object.fromEntries(CSV_COLUMNS.filter((c) => p[c] !== undefined).map((c) => [c, p[c]])))}\n`;
}

/** Writes and waits for the stream to drain when its buffer is full. */
export async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text))
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      out.once('error', onError);
      out.once('drain', () => {
        out.off('error', onError);
        resolve();
      });
    });
}
