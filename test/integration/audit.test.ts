// The audit trail on the emulator: every write through the API and the `products` commands records who
// made it (`updated_by`) and appends to the product's history in the same transaction; `products history`
// reads it back newest first; history items never show up as products; a refused write leaves no trace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Product } from '../../runtime/catalog/product.js';
import { type HistoryEntry, historyKey } from '../../runtime/catalog/history.js';
import { call, type Deployed, deploy, tableSnapshot } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const RETENTION_DAYS = 7;
let stack: Deployed | undefined;
const emulator = useEmulator(async (h) => {
  stack = await deploy(h.endpoint, { audit: { retentionDays: RETENTION_DAYS } });
});
const s = (): Deployed => {
  if (!stack) throw new Error('not deployed');
  return stack;
};
const aws = () => emulatorClients(emulator.get().endpoint);
const doc = () => DynamoDBDocumentClient.from(aws().client(DynamoDBClient));
const item = async (key: string) =>
  (await doc().send(new GetCommand({ TableName: 'products-catalog', Key: { product_id: key } }))).Item;
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: s().dir });

interface HistoryDoc {
  productId: string;
  exists: boolean;
  entries: HistoryEntry[];
  count: number;
}
async function history(id: string, ...extra: string[]): Promise<HistoryDoc> {
  const run = await cli('products', 'history', id, '--json', ...extra);
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return run.json<HistoryDoc>();
}

async function apiCreate(body: Record<string, unknown>): Promise<Product> {
  const made = await call(`${s().url}/products`, 'POST', { body, token: s().token });
  assert.equal(made.status, 201, made.text);
  return made.body as unknown as Product;
}

describe('audit trail through the API (machine token)', () => {
  it('create, update, delete: three entries by machine-token, newest first; updated_by on the item', async () => {
    const created = await apiCreate({ name: 'Audited mug', category: 'audit', price: 9.5, stock: 3 });
    const id = created.product_id;
    assert.equal((await item(id))?.updated_by, 'machine-token');
    const updated = await call(`${s().url}/products/${id}`, 'PUT', {
      body: { price: 11, description: 'now bigger', version: 1 },
      token: s().token,
    });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.version, 2);
    assert.equal(updated.body.price, 11);
    assert.equal(updated.body.description, 'now bigger');
    // The API never names who wrote (its reads are public); the stored item does.
    assert.equal(updated.body.updated_by, undefined);
    const read = await call(`${s().url}/products/${id}`, 'GET');
    assert.equal(read.status, 200);
    assert.equal(read.body.updated_by, undefined);
    assert.deepEqual(read.body, updated.body, 'the answer is the stored item');
    assert.equal((await item(id))?.updated_by, 'machine-token');
    const deleted = await call(`${s().url}/products/${id}`, 'DELETE', { token: s().token });
    assert.deepEqual([deleted.status, deleted.body], [200, { deleted: id }]);

    const h = await history(id);
    assert.equal(h.exists, false);
    assert.deepEqual(
      h.entries.map((e) => [e.action, e.by, e.version]),
      [
        ['delete', 'machine-token', 2],
        ['update', 'machine-token', 2],
        ['create', 'machine-token', 1],
      ],
    );
    assert.deepEqual(h.entries[1]?.fields, ['price', 'description']);
    assert.deepEqual(h.entries[1]?.values, { price: 11 }, 'the description is named, not copied');
    assert.deepEqual(h.entries[2]?.values, { name: 'Audited mug', category: 'audit', price: 9.5, stock: 3 });
    const times = h.entries.map((e) => Date.parse(e.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    );

    const text = await cli('products', 'history', id);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^WHEN\s+WHO\s+ACTION\s+VERSION\s+CHANGES\n/);
    assert.match(text.stdout, /machine-token\s+update\s+2\s+price=11, description\n/);
    assert.match(text.stderr, /no longer exists; its last changes are kept 7 day\(s\)/);
    assert.equal((await history(id, '--limit', '1')).entries[0]?.action, 'delete');

    // The request's JSON log line names who wrote; a public read's names no one.
    const logs = await cli('logs', 'update-product', 'get-product-by-id', '--since', '10m', '--json');
    assert.equal(logs.code, 0, logs.stderr);
    const lines = logs.json<{ events: { fields?: Record<string, unknown> }[] }>().events.map((e) => e.fields ?? {});
    const put = lines.find((f) => f.route === 'PUT /products/{product_id}' && f.productId === id);
    assert.equal(put?.actor, 'machine-token');
    const get = lines.find((f) => f.route === 'GET /products/{product_id}' && f.productId === id);
    assert.ok(get && !('actor' in get), JSON.stringify(get));
  });

  it('the history item expires retentionDays after the last write (the table TTL attribute)', async () => {
    const created = await apiCreate({ name: 'Expiring', category: 'audit', price: 1, stock: 1 });
    const raw = await item(historyKey(created.product_id));
    const expected = Math.floor(Date.parse(created.created_at) / 1000) + RETENTION_DAYS * 86_400;
    const ttl = Number(raw?.expires_at);
    assert.ok(Math.abs(ttl - expected) <= 5, `expires_at ${ttl}, expected about ${expected}`);
    assert.equal(raw?.history_of, created.product_id);
    assert.equal(raw?.category, undefined, 'never in the category index');
  });

  it('a refused write (missing product, stale version) answers as before and records nothing', async () => {
    const kept = await apiCreate({ name: 'Kept', category: 'audit', price: 2, stock: 2 });
    const before = await tableSnapshot(aws());
    const missing = await call(`${s().url}/products/no-such-product`, 'PUT', {
      body: { stock: 1, version: 1 },
      token: s().token,
    });
    assert.deepEqual([missing.status, missing.body.error], [404, 'not_found']);
    const stale = await call(`${s().url}/products/${kept.product_id}`, 'PUT', {
      body: { stock: 1, version: 7 },
      token: s().token,
    });
    assert.deepEqual([stale.status, stale.body.error], [409, 'version_conflict']);
    assert.deepEqual(stale.body.details, { currentVersion: 1 });
    const gone = await call(`${s().url}/products/no-such-product`, 'DELETE', { token: s().token });
    assert.deepEqual([gone.status, gone.body.error], [404, 'not_found']);
    assert.equal(await tableSnapshot(aws()), before, 'no product and no history written');
    assert.equal(await item(historyKey('no-such-product')), undefined);

    const unknown = await cli('products', 'history', 'no-such-product');
    assert.equal(unknown.code, 3);
    assert.equal(
      unknown.stderr.split('\n')[0],
      'Error: Product no-such-product does not exist and has no recorded changes.',
    );
    const asJson = await cli('products', 'history', 'no-such-product', '--json');
    assert.equal(asJson.stderr, '');
    assert.deepEqual(
      [
        asJson.json<{ ok: boolean; error: { exitCode: number } }>().ok,
        asJson.json<{ error: { exitCode: number } }>().error.exitCode,
      ],
      [false, 3],
    );
    for (const bad of [['bad id!'], ['x', '--limit', '0'], ['x', '--limit', '11']])
      assert.equal((await cli('products', 'history', ...bad)).code, 2, bad.join(' '));
  });
});

describe('audit trail through the CLI', () => {
  it('products create and update record the caller ARN', async () => {
    const me = await aws().client(STSClient).send(new GetCallerIdentityCommand({}));
    assert.ok(me.Arn);
    const made = await cli(
      'products',
      'create',
      '--name',
      'CLI lamp',
      '--category',
      'audit',
      '--price',
      '5',
      '--stock',
      '1',
      '--json',
    );
    assert.equal(made.code, 0, made.stderr);
    const id = made.json<{ product: Product }>().product.product_id;
    const changed = await cli('products', 'update', id, '--stock', '4');
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal((await item(id))?.updated_by, me.Arn);
    const h = await history(id);
    assert.equal(h.exists, true);
    assert.deepEqual(
      h.entries.map((e) => [e.action, e.by, e.fields]),
      [
        ['update', me.Arn, ['stock']],
        ['create', me.Arn, ['name', 'category', 'price', 'stock']],
      ],
    );
  });
});

describe('history items are never products', () => {
  it('not in GET /products (full pages), the category query, GET by id of a history key, products list', async () => {
    for (let i = 0; i < 6; i++) await apiCreate({ name: `Paged ${i}`, category: 'paged', price: i, stock: i });
    const isHistory = (p: Record<string, unknown>) => 'history_of' in p || String(p.product_id).startsWith('history#');

    // Page through the whole table a few products at a time: every page full, no history item, no repeat.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(`${s().url}/products?limit=3${cursor ? `&cursor=${cursor}` : ''}`, 'GET');
      assert.equal(page.status, 200, page.text);
      const items = page.body.items as Record<string, unknown>[];
      assert.ok(!items.some(isHistory), page.text);
      cursor = page.body.cursor as string | null;
      if (cursor) assert.equal(items.length, 3, 'a page is filled past the history items it meets');
      seen.push(...items.map((p) => String(p.product_id)));
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length);
    const listed = await cli('products', 'list', '--all', '--json');
    const products = listed.json<{ items: Record<string, unknown>[] }>().items;
    assert.ok(!products.some(isHistory));
    assert.deepEqual([...seen].sort(), products.map((p) => String(p.product_id)).sort());
    assert.ok(products.filter((p) => p.category === 'paged').length === 6);

    const byCategory = await call(`${s().url}/products?category=paged&limit=100`, 'GET');
    assert.equal((byCategory.body.items as unknown[]).length, 6);
    const some = String(products.find((p) => p.category === 'paged')?.product_id);
    const key = encodeURIComponent(historyKey(some));
    const direct = await call(`${s().url}/products/${key}`, 'GET');
    assert.ok(direct.status === 400 || direct.status === 404, `${direct.status} ${direct.text}`);
    assert.equal((await cli('products', 'get', historyKey(some))).code, 2);
    const exported = await cli('products', 'export');
    assert.ok(!exported.stdout.includes('history'), 'export writes products only');
  });
});
