import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError, MAX_BODY_BYTES, Request, apiHandler, corsHeaders } from '../../runtime/api/http.js';
import {
  newProduct,
  textProblem,
  validateCreate,
  validatePatch,
  validateProductId,
} from '../../runtime/catalog/product.js';
import { BadCursor, NotFound, VersionConflict, decodeCursor, encodeCursor } from '../../runtime/catalog/repository.js';

const good = { name: 'Lamp', category: 'home', price: 19.99, stock: 3 };

describe('validateCreate', () => {
  const rejects: [string, unknown, string[]][] = [
    ['not an object', 'lamp', ['(body)']],
    ['null', null, ['(body)']],
    ['missing everything', {}, ['category', 'name', 'price', 'stock']],
    ['wrong types', { name: 1, category: [], price: '1', stock: '2' }, ['category', 'name', 'price', 'stock']],
    ['negative', { ...good, price: -0.01, stock: -1 }, ['price', 'stock']],
    ['fractional stock', { ...good, stock: 1.5 }, ['stock']],
    ['three decimals', { ...good, price: 0.001 }, ['price']],
    ['infinite', { ...good, price: Infinity }, ['price']],
    ['too long', { ...good, name: 'n'.repeat(201) }, ['name']],
    ['control characters', { ...good, name: 'a\u0000b' }, ['name']],
    ['server fields', { ...good, product_id: 'x', created_at: 'now' }, ['created_at', 'product_id']],
    ['unknown field', { ...good, colour: 'red' }, ['colour']],
    ['expiry out of range', { ...good, expires_at: 1e13 }, ['expires_at']],
  ];
  for (const [name, body, fields] of rejects) {
    it(`rejects ${name}, naming every bad field`, () => {
      const r = validateCreate(body);
      assert.equal(r.ok, false);
      if (!r.ok) assert.deepEqual(r.problems.map((p) => p.field).sort(), fields);
    });
  }
  it('accepts a valid product, with optional fields, and keeps money exact', () => {
    const r = validateCreate({ ...good, price: 1234567.89, description: 'd', expires_at: 4102444000 });
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.value.price, 1234567.89);
  });
  it('counts characters, not bytes, for length limits', () => {
    assert.ok(validateCreate({ ...good, name: '茶'.repeat(200) }).ok);
  });
});

describe('validatePatch', () => {
  it('accepts a partial change with a version, and null to remove optional fields', () => {
    const r = validatePatch({ stock: 0, description: null, version: 3 });
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(r.value, { patch: { stock: 0, description: null }, version: 3 });
  });
  it('rejects nulls on required fields, empty changes and bad versions', () => {
    const a = validatePatch({ name: null });
    assert.ok(!a.ok && a.problems[0]?.field === 'name');
    const b = validatePatch({ version: 1 });
    assert.ok(!b.ok && b.problems[0]?.field === '(body)');
    const c = validatePatch({ stock: 1, version: 0 });
    assert.ok(!c.ok && c.problems[0]?.field === 'version');
  });
});

describe('ids and cursors', () => {
  it('accepts only safe product ids', () => {
    for (const id of ['abc', 'A-b_9', newProduct(good).product_id]) assert.deepEqual(validateProductId(id), [], id);
    for (const id of ['', '../x', 'a/b', 'a b', '\u0000', 'x'.repeat(65), undefined])
      assert.equal(validateProductId(id).length, 1, String(id));
  });
  it('one text rule: well-formed Unicode, characters not UTF-16 units', () => {
    assert.equal(textProblem('🛒'.repeat(100), 100), undefined);
    assert.match(textProblem('🛒'.repeat(101), 100) ?? '', /at most 100 characters/);
    assert.match(textProblem('Lamp \ud800', 100) ?? '', /unpaired surrogate/);
    assert.match(textProblem('\udc00 x', 100) ?? '', /unpaired surrogate/);
    const bad = validateCreate({ ...good, name: 'x\ud83d' });
    assert.ok(!bad.ok && bad.problems[0]?.field === 'name');
  });

  it('refuses characters that spoof a terminal or a page: DEL, C1 (CSI), bidi controls, line breaks in one-line fields', () => {
    for (const [text, why] of [
      ['Lamp\u007f', /control characters \(U\+007F\)/],
      ['Lamp \u009b31m red', /control characters \(U\+009B\)/],
      ['Lamp \u0085', /control characters \(U\+0085\)/],
      ['Lamp\u2028two', /control characters \(U\+2028\)/],
      ['abc\u202egpj.exe', /bidirectional-text controls \(U\+202E\)/],
      ['x\u202ay', /bidirectional-text controls \(U\+202A\)/],
      ['x\u2066y\u2069', /bidirectional-text controls \(U\+2066\)/],
      ['Lamp\nSale: 0.01', /one line, without line breaks or tabs \(U\+000A\)/],
      ['Lamp\rFree', /one line, without line breaks or tabs \(U\+000D\)/],
      ['Lamp\tx', /one line, without line breaks or tabs \(U\+0009\)/],
    ] as const) {
      assert.match(textProblem(text, 100) ?? '', why, JSON.stringify(text));
      const create = validateCreate({ ...good, name: text });
      assert.ok(!create.ok && create.problems[0]?.field === 'name', JSON.stringify(text));
      const patch = validatePatch({ category: text });
      assert.ok(!patch.ok && patch.problems[0]?.field === 'category', JSON.stringify(text));
    }
    // The description is multi-line: tabs, LF and CRLF stay; a lone CR (overwrites a terminal line) does not.
    assert.ok(validateCreate({ ...good, description: 'line one\r\nline two\n\tindented' }).ok);
    const cr = validateCreate({ ...good, description: 'Safe\rEvil' });
    assert.ok(!cr.ok && /lone CR/.test(cr.problems[0]?.message ?? ''));
    for (const bad of ['a\u009bb', 'a\u202eb', 'a\u007fb'])
      assert.equal(validateCreate({ ...good, description: bad }).ok, false, JSON.stringify(bad));
    // Text that merely looks foreign is fine: accents, CJK, emoji, right-to-left scripts.
    for (const fine of ['Lampe à huile', '玩具', '🛒 cart', 'مصباح', 'שולחן', 'a\u00a0b'])
      assert.equal(textProblem(fine, 100), undefined, fine);
  });

  it('round-trips cursors and rejects forged ones', () => {
    const c = encodeCursor({ product_id: 'p1', category: 'toys' });
    assert.deepEqual(decodeCursor(c ?? undefined, ['product_id', 'category']), { product_id: 'p1', category: 'toys' });
    const emptyCategory = Buffer.from('{"product_id":"p1","category":" "}').toString('base64url');
    assert.throws(() => decodeCursor(emptyCategory, ['product_id', 'category']), BadCursor);
    const bidiCategory = Buffer.from('{"product_id":"p1","category":"toys\\u202e"}').toString('base64url');
    assert.throws(() => decodeCursor(bidiCategory, ['product_id', 'category']), BadCursor);
    assert.equal(decodeCursor(undefined, ['product_id']), undefined);
    for (const bad of [
      '%%%',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"product_id":1}').toString('base64url'),
      Buffer.from('{"product_id":""}').toString('base64url'),
      Buffer.from('{"product_id":"../x"}').toString('base64url'),
      Buffer.from('{"product_id":"a\\u0001"}').toString('base64url'),
      c ?? '',
    ]) {
      assert.throws(() => decodeCursor(bad, ['product_id']), BadCursor);
    }
  });
});

describe('HTTP kit', () => {
  const event = (over: Record<string, unknown> = {}) => ({
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
    body: '{"a":1}',
    ...over,
  });

  it('parses JSON bodies and enforces type, size and syntax', () => {
    assert.deepEqual(new Request(event()).json(), { a: 1 });
    assert.deepEqual(
      new Request(event({ body: Buffer.from('{"b":2}').toString('base64'), isBase64Encoded: true })).json(),
      { b: 2 },
    );
    const status = (e: Record<string, unknown>) => {
      try {
        new Request(event(e)).json();
        return 0;
      } catch (err) {
        return err instanceof HttpError ? err.status : -1;
      }
    };
    assert.equal(status({ headers: { 'content-type': 'text/plain' } }), 415);
    assert.equal(status({ headers: {} }), 415);
    assert.equal(status({ body: 'x'.repeat(MAX_BODY_BYTES + 1) }), 413);
    assert.equal(status({ body: '' }), 400);
    assert.equal(status({ body: '{oops' }), 400);
  });

  it('maps repository errors to statuses and hides internal errors', async () => {
    const run = async (err: Error) =>
      apiHandler(async () => Promise.reject(err))({ httpMethod: 'GET', requestContext: { requestId: 'r1' } });
    assert.equal((await run(new NotFound('p'))).statusCode, 404);
    assert.equal((await run(new VersionConflict('p', 1, 2))).statusCode, 409);
    const original = process.stderr.write;
    const logged: string[] = [];
    process.stderr.write = ((line: string) => {
      logged.push(line);
      return true;
    }) as typeof process.stderr.write;
    try {
      const internal = await run(new Error('connect ECONNREFUSED 10.0.0.1:443 secret-ish detail'));
      assert.equal(internal.statusCode, 500);
      assert.deepEqual(JSON.parse(internal.body), {
        error: 'internal_error',
        message: 'Something went wrong on our side. Try again later.',
      });
      assert.equal(logged.length, 1, 'one line per request');
      const line = JSON.parse(logged[0] ?? '{}') as Record<string, unknown>;
      assert.deepEqual([line.level, line.requestId, line.status, line.route], ['error', 'r1', 500, 'GET ']);
      assert.match(String(line.message), /ECONNREFUSED/, 'the log keeps what the client does not see');
    } finally {
      process.stderr.write = original;
    }
  });

  it('sends CORS headers for allowed origins only', () => {
    assert.equal(corsHeaders('https://a.example', ['*'])['Access-Control-Allow-Origin'], '*');
    assert.equal(
      corsHeaders('https://a.example', ['https://a.example'])['Access-Control-Allow-Origin'],
      'https://a.example',
    );
    assert.equal(corsHeaders('https://evil.example', ['https://a.example'])['Access-Control-Allow-Origin'], undefined);
  });
});
