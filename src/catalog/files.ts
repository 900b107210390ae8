// Product files: JSON Lines and CSV (RFC 4180, header row), read as a stream of rows
// with their line numbers, and written with backpressure so memory stays flat.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import type { Writable } from 'node:stream';
import type { Product } from './product.js';

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

/** Records of a text stream (one per line; with `csv`, quoted newlines stay inside a record). */
async function* records(file: string, csv: boolean): AsyncGenerator<{ line: number; text: string }> {
  let pending = ''; // the record in progress, carried across chunks
  let line = 1; // current line number
  let start = 1; // line where the pending record began
  let quoted = false;
  for await (const chunk of createReadStream(file, { encoding: 'utf8' })) {
    const text = chunk as string;
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (csv && c === 34 /* " */) quoted = !quoted;
      else if (c === 10 /* \n */) {
        if (!quoted) {
          yield { line: start, text: (pending + text.slice(from, i)).replace(/\r$/, '') };
          pending = '';
          from = i + 1;
          start = line + 1;
        }
        line++;
      }
    }
    pending += text.slice(from);
  }
  if (pending.trim() !== '') yield { line: start, text: pending.replace(/\r$/, '') };
}

export function parseCsvLine(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** CSV cells are text: numeric columns become numbers when they look like one (validation reports the rest). */
function csvRecord(header: string[], cells: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  header.forEach((key, i) => {
    const v = cells[i] ?? '';
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
  let header: string[] | undefined;
  for await (const { line, text } of records(file, format === 'csv')) {
    if (text.trim() === '') continue;
    if (format === 'jsonl') {
      try {
        const v = JSON.parse(text) as unknown;
        yield {
          line,
          record:
            typeof v === 'object' && v !== null && !Array.isArray(v)
              ? (v as Record<string, unknown>)
              : { parseError: 'not a JSON object' },
        };
      } catch {
        yield { line, record: { parseError: 'not valid JSON' } };
      }
      continue;
    }
    const cells = parseCsvLine(text);
    if (!header) {
      header = cells.map((c) => c.trim());
      const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
      if (unknown.length > 0) {
        yield {
          line,
          record: {
            parseError: `unknown column(s) ${unknown.join(', ')}; expected a header row of: ${CSV_COLUMNS.join(',')}`,
          },
        };
        return;
      }
      continue;
    }
    if (cells.length !== header.length)
      yield { line, record: { parseError: `has ${cells.length} cells, the header has ${header.length}` } };
    else yield { line, record: csvRecord(header, cells) };
  }
}

const csvCell = (v: unknown): string => {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\n`;
}

export function productLine(p: Product, format: 'jsonl' | 'csv'): string {
  if (format === 'csv') return `${CSV_COLUMNS.map((c) => csvCell(p[c])).join(',')}\n`;
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
