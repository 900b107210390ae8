// The audit trail's key scheme and history items (runtime/catalog/history.ts): a history key is never a
// product id, a cursor may stop on one, and a history item stays bounded, within its retention, with its TTL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asHistoryItem,
  HISTORY_KEEP,
  HISTORY_OF,
  type HistoryEntry,
  historyEntry,
  historyKey,
  isHistoryKey,
  nextHistory,
  VALUE_MAX,
} from '../../runtime/catalog/history.js';
import { PRODUCT_ID, validateProductId } from '../../runtime/catalog/product.js';
import { BadCursor, decodeCursor, encodeCursor, withoutWriter } from '../../runtime/catalog/repository.js';

const now = new Date('2026-11-29T12:00:00.000Z');
const retention = { ttlAttribute: 'expires_at', retentionDays: 90 };
const entry = (at: Date, version = 1): HistoryEntry => historyEntry('update', 'me', at, version, { stock: version });

describe('history keys', () => {
  it('never collide with a product id, and name their product', () => {
    for (const id of ['a', 'abc-123_X', 'f'.repeat(64), '0b0e0d6a-5f0e-4c39-9a3a-1f3d5d1c2b3a']) {
      const key = historyKey(id);
      assert.ok(isHistoryKey(key));
      assert.ok(!PRODUCT_ID.test(key), `${key} is not a product id`);
      assert.ok(validateProductId(key).length > 0, 'GET /products/{id} and `products get` refuse it');
      assert.ok(!isHistoryKey(id));
    }
  });

  it('a Scan cursor may stop on a history key; a forged one is refused', () => {
    const onHistory = encodeCursor({ product_id: historyKey('abc') });
    assert.deepEqual(decodeCursor(onHistory ?? '', ['product_id']), { product_id: 'history#abc' });
    for (const forged of ['history#', 'history#a b', 'history#../x', 'other#abc'])
      assert.throws(() => decodeCursor(encodeCursor({ product_id: forged }) ?? '', ['product_id']), BadCursor);
  });
});

describe('history entries', () => {
  it('record the fields written, with the small values; the description by name; long text cut', () => {
    const e = historyEntry('update', 'machine-token', now, 3, {
      name: 'x'.repeat(150),
      description: 'long text',
      expires_at: null,
      price: 12.5,
    });
    assert.deepEqual(e.fields, ['name', 'price', 'description', 'expires_at']);
    assert.equal([...String(e.values.name)].length, VALUE_MAX);
    assert.ok(String(e.values.name).endsWith('…'));
    assert.equal(e.values.price, 12.5);
    assert.equal(e.values.expires_at, null, 'removed');
    assert.ok(!('description' in e.values));
    assert.deepEqual(historyEntry('delete', 'me', now, 4, { name: 'gone' }).fields, []);
  });
});

describe('history items', () => {
  it('the first write makes the item: marked, keyed, TTL at now + retention', () => {
    const item = nextHistory('p1', undefined, entry(now), retention, now);
    assert.equal(item.product_id, 'history#p1');
    assert.equal(item[HISTORY_OF], 'p1');
    assert.equal(item.seq, 1);
    assert.equal(item.expires_at, Date.parse('2026-11-29T12:00:00Z') / 1000 + 90 * 86_400);
    assert.ok(!('category' in item), 'never in the category index');
    assert.equal(asHistoryItem(item), item);
    assert.equal(asHistoryItem({ product_id: 'p1', name: 'x' }), undefined, 'a product is no history item');
  });

  it(`keeps the newest ${HISTORY_KEEP} entries, newest first, and drops those past the retention`, () => {
    let item = nextHistory('p1', undefined, entry(new Date(now.getTime() - 100 * 86_400_000), 1), retention, now);
    for (let v = 2; v <= HISTORY_KEEP + 5; v++) item = nextHistory('p1', item, entry(now, v), retention, now);
    assert.equal(item.entries.length, HISTORY_KEEP);
    assert.deepEqual(
      item.entries.map((e) => e.version),
      Array.from({ length: HISTORY_KEEP }, (_, i) => HISTORY_KEEP + 5 - i),
    );
    assert.equal(item.seq, HISTORY_KEEP + 5);
    const old = nextHistory('p2', undefined, entry(new Date(now.getTime() - 91 * 86_400_000)), retention, now);
    assert.deepEqual(
      nextHistory('p2', old, entry(now, 2), retention, now).entries.map((e) => e.version),
      [2],
    );
  });

  it('without a TTL attribute, no expiry is written', () => {
    const item = nextHistory('p1', undefined, entry(now), { ttlAttribute: null, retentionDays: 90 }, now);
    assert.deepEqual(Object.keys(item).sort(), ['entries', 'history_of', 'product_id', 'seq']);
  });
});

describe('public reads', () => {
  it('never carry who wrote', () => {
    const p = {
      product_id: 'a',
      name: 'n',
      category: 'c',
      price: 1,
      stock: 1,
      created_at: 'x',
      updated_at: 'x',
      version: 1,
    };
    assert.deepEqual(withoutWriter({ ...p, updated_by: 'arn:aws:iam::123456789012:user/alice' }), p);
  });
});
