// The product API over real HTTP through API Gateway -> Lambda -> DynamoDB, on the emulator.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call, deploy, tableSnapshot, type Deployed } from '../helpers/api.js';
import { runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

let api: Deployed;
// The default token cache (30 s): a rotation must still take effect at once.
const emulator = useEmulator(async (h) => {
  api = await deploy(h.endpoint, { api: { corsOrigins: ['*'] } });
});
const aws = () => emulatorClients(emulator.get().endpoint);
const url = (path: string) => `${api.url}${path}`;
const product = (over: Record<string, unknown> = {}) => ({
  name: 'Lamp',
  category: 'home',
  price: 19.99,
  stock: 3,
  ...over,
});

describe('routes', () => {
  it('create, read, update (body version and If-Match), delete', async () => {
    const created = await call(url('/products'), 'POST', {
      body: product({ description: 'warm light', expires_at: 4102444000 }),
      token: api.token,
    });
    assert.equal(created.status, 201, created.text);
    const id = String(created.body.product_id);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(created.body.version, 1);
    assert.equal(created.body.price, 19.99);
    assert.match(String(created.body.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.equal(created.headers.get('location'), `/products/${id}`);

    const read = await call(url(`/products/${id}`), 'GET');
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);

    const updated = await call(url(`/products/${id}`), 'PUT', { body: { price: 24.5, version: 1 }, token: api.token });
    assert.equal(updated.status, 200, updated.text);
    assert.equal(updated.body.version, 2);
    assert.equal(updated.body.price, 24.5);
    assert.equal(updated.body.name, 'Lamp', 'fields not sent are kept');
    assert.notEqual(updated.body.updated_at, created.body.updated_at);

    const viaHeader = await call(url(`/products/${id}`), 'PUT', {
      body: { description: null, stock: 0 },
      token: api.token,
      headers: { 'If-Match': '"2"' },
    });
    assert.equal(viaHeader.status, 200, viaHeader.text);
    assert.equal(viaHeader.body.version, 3);
    assert.equal(viaHeader.body.description, undefined, 'null removes an optional field');

    const deleted = await call(url(`/products/${id}`), 'DELETE', { token: api.token });
    assert.equal(deleted.status, 200);
    assert.equal((await call(url(`/products/${id}`), 'GET')).status, 404);
  });

  it('counts a category in characters everywhere: 100 emoji are created and listed', async () => {
    const category = '🛒'.repeat(100);
    const made = await call(url('/products'), 'POST', { body: product({ category }), token: api.token });
    assert.equal(made.status, 201, made.text);
    const listed = await call(url(`/products?category=${encodeURIComponent(category)}`), 'GET');
    assert.equal(listed.status, 200, listed.text);
    assert.equal((listed.body.items as unknown[]).length, 1);
    const tooLong = await call(url(`/products?category=${encodeURIComponent('🛒'.repeat(101))}`), 'GET');
    assert.equal(tooLong.status, 400);
    const id = String(made.body.product_id);
    assert.equal((await call(url(`/products/${id}`), 'DELETE', { token: api.token })).status, 200);
  });

  it('paginates with an opaque cursor and filters by category', async () => {
    for (let i = 0; i < 4; i++)
      assert.equal(
        (
          await call(url('/products'), 'POST', {
            body: product({ name: `Book ${i}`, category: 'books' }),
            token: api.token,
          })
        ).status,
        201,
      );
    for (let i = 0; i < 3; i++)
      assert.equal(
        (
          await call(url('/products'), 'POST', {
            body: product({ name: `Toy ${i}`, category: 'toys' }),
            token: api.token,
          })
        ).status,
        201,
      );
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof call>> = await call(
        url(`/products?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        'GET',
      );
      assert.equal(page.status, 200);
      for (const item of page.body.items as { product_id: string }[]) seen.add(item.product_id);
      cursor = page.body.cursor as string | null;
      pages++;
    } while (cursor && pages < 10);
    assert.equal(seen.size, 7);
    assert.ok(pages >= 3);

    const books = await call(url('/products?category=books'), 'GET');
    assert.equal(books.status, 200);
    assert.deepEqual(
      (books.body.items as { category: string }[]).map((p) => p.category),
      ['books', 'books', 'books', 'books'],
    );
    const twoBooks = await call(url('/products?category=books&limit=2'), 'GET');
    assert.equal((twoBooks.body.items as unknown[]).length, 2);
    const rest = await call(
      url(`/products?category=books&limit=2&cursor=${encodeURIComponent(String(twoBooks.body.cursor))}`),
      'GET',
    );
    assert.equal((rest.body.items as unknown[]).length, 2);
  });

  it('answers 404 for missing products and unknown routes, as JSON with CORS', async () => {
    for (const [method, token] of [
      ['GET', undefined],
      ['PUT', api.token],
      ['DELETE', api.token],
    ] as const) {
      const res = await call(url('/products/does-not-exist'), method, {
        body: method === 'PUT' ? { stock: 1, version: 1 } : undefined,
        token,
      });
      assert.equal(res.status, 404, `${method}: ${res.text}`);
      assert.equal(res.body.error, 'not_found');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    }
    const route = await call(url('/orders'), 'GET');
    assert.equal(route.status, 404);
    assert.equal(route.body.error, 'not_found');
  });

  it('answers 409 on a stale version and writes nothing', async () => {
    const created = await call(url('/products'), 'POST', { body: product(), token: api.token });
    const id = String(created.body.product_id);
    assert.equal(
      (await call(url(`/products/${id}`), 'PUT', { body: { stock: 5, version: 1 }, token: api.token })).status,
      200,
    );
    const before = await tableSnapshot(aws());
    const stale = await call(url(`/products/${id}`), 'PUT', { body: { stock: 9, version: 1 }, token: api.token });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error, 'version_conflict');
    assert.deepEqual(stale.body.details, { currentVersion: 2 });
    assert.equal(await tableSnapshot(aws()), before);
    const missing = await call(url(`/products/${id}`), 'PUT', { body: { stock: 9 }, token: api.token });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'version_required');
  });

  it('serves the CORS preflight', async () => {
    const res = await fetch(url('/products/abc'), { method: 'OPTIONS' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /PUT/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });
});

describe('protected writes', () => {
  const attempts = async (token: string | undefined) => {
    const some = (await call(url('/products'), 'GET')).body.items as { product_id: string }[];
    const id = some[0]?.product_id ?? 'x';
    return [
      await call(url('/products'), 'POST', { body: product({ name: 'Intruder' }), token }),
      await call(url(`/products/${id}`), 'PUT', { body: { stock: 999, version: 1 }, token }),
      await call(url(`/products/${id}`), 'DELETE', { token }),
    ];
  };

  it('rejects a missing credential with 401 and writes nothing', async () => {
    const before = await tableSnapshot(aws());
    for (const res of await attempts(undefined)) {
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'unauthorized');
    }
    assert.equal(await tableSnapshot(aws()), before);
  });

  it('rejects a wrong credential with 401 invalid_token and writes nothing', async () => {
    const before = await tableSnapshot(aws());
    for (const res of await attempts('p1_this-is-not-the-admin-token-at-all')) {
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'invalid_token');
    }
    assert.equal(await tableSnapshot(aws()), before);
  });

  it('keeps reads public', async () => {
    assert.equal((await call(url('/products'), 'GET')).status, 200);
  });

  it('rotation retires the old token and the new one works', async () => {
    const rotated = await runCli(['admin-token', 'rotate', '--json', '--endpoint-url', api.endpoint], { cwd: api.dir });
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = rotated.json<{ token: string }>().token;
    assert.notEqual(fresh, api.token);
    assert.doesNotMatch(rotated.stderr, new RegExp(fresh), 'the token goes to stdout only');
    // The authorizer still caches the old token: the new one makes it read the parameter again.
    assert.equal(
      (await call(url('/products'), 'POST', { body: product(), token: fresh })).status,
      201,
      'new token works at once',
    );
    assert.equal(
      (await call(url('/products'), 'POST', { body: product(), token: api.token })).status,
      401,
      'old token refused',
    );
    api.token = fresh;
  });
});

describe('bad input gets a 4xx JSON error and changes nothing', () => {
  const huge = 'x'.repeat(1024 * 1024);
  const cases: {
    name: string;
    method: 'POST' | 'PUT' | 'GET' | 'DELETE';
    path?: string;
    raw?: string;
    body?: unknown;
    headers?: Record<string, string>;
    status: number;
    error: string;
    fields?: string[];
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      raw: '{"name": "x",',
      headers: { 'Content-Type': 'application/json' },
      status: 400,
      error: 'malformed_json',
    },
    {
      name: 'NaN literal',
      method: 'POST',
      raw: '{"name":"x","category":"c","price":NaN,"stock":1}',
      headers: { 'Content-Type': 'application/json' },
      status: 400,
      error: 'malformed_json',
    },
    {
      name: 'empty body',
      method: 'POST',
      raw: '',
      headers: { 'Content-Type': 'application/json' },
      status: 400,
      error: 'empty_body',
    },
    {
      name: 'wrong content type',
      method: 'POST',
      raw: 'name=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      status: 415,
      error: 'unsupported_media_type',
    },
    { name: 'a JSON array', method: 'POST', body: [1, 2], status: 400, error: 'validation_error', fields: ['(body)'] },
    {
      name: 'wrong types',
      method: 'POST',
      body: { name: 5, category: true, price: '19.99', stock: 1.5 },
      status: 400,
      error: 'validation_error',
      fields: ['name', 'category', 'price', 'stock'],
    },
    {
      name: 'missing fields',
      method: 'POST',
      body: { name: 'x' },
      status: 400,
      error: 'validation_error',
      fields: ['category', 'price', 'stock'],
    },
    {
      name: 'extra and server fields',
      method: 'POST',
      body: product({ colour: 'red', product_id: 'mine', version: 7 }),
      status: 400,
      error: 'validation_error',
      fields: ['colour', 'product_id', 'version'],
    },
    {
      name: 'negative numbers',
      method: 'POST',
      body: product({ price: -1, stock: -2 }),
      status: 400,
      error: 'validation_error',
      fields: ['price', 'stock'],
    },
    {
      name: 'huge numbers',
      method: 'POST',
      raw: JSON.stringify(product()).replace('19.99', '1e400'),
      headers: { 'Content-Type': 'application/json' },
      status: 400,
      error: 'validation_error',
      fields: ['price'],
    },
    {
      name: 'too many decimals',
      method: 'POST',
      body: product({ price: 1.005 }),
      status: 400,
      error: 'validation_error',
      fields: ['price'],
    },
    {
      name: 'a 1 MB string',
      method: 'POST',
      body: product({ description: huge }),
      status: 413,
      error: 'payload_too_large',
    },
    {
      name: 'blank name',
      method: 'POST',
      body: product({ name: '   ' }),
      status: 400,
      error: 'validation_error',
      fields: ['name'],
    },
    {
      name: 'expiry in milliseconds',
      method: 'POST',
      body: product({ expires_at: Date.now() }),
      status: 400,
      error: 'validation_error',
      fields: ['expires_at'],
    },
    {
      name: 'update with nothing to change',
      method: 'PUT',
      path: '/products/abc',
      body: { version: 1 },
      status: 400,
      error: 'validation_error',
      fields: ['(body)'],
    },
    {
      name: 'path id with %00',
      method: 'GET',
      path: '/products/%00',
      status: 400,
      error: 'validation_error',
      fields: ['product_id'],
    },
    // The gateway decodes %2F before routing, and URL parsing resolves "..": both end at no route.
    { name: 'path id with an encoded slash', method: 'GET', path: '/products/a%2Fb', status: 404, error: 'not_found' },
    {
      name: 'path id with ..',
      method: 'PUT',
      path: '/products/..',
      body: { stock: 1, version: 1 },
      status: 404,
      error: 'not_found',
    },
    {
      name: 'path id with dots and spaces',
      method: 'DELETE',
      path: '/products/a.b%20c',
      status: 400,
      error: 'validation_error',
      fields: ['product_id'],
    },
    { name: 'path id with a slash', method: 'GET', path: '/products/a/b', status: 404, error: 'not_found' },
    {
      name: 'limit out of range',
      method: 'GET',
      path: '/products?limit=1000',
      status: 400,
      error: 'validation_error',
      fields: ['limit'],
    },
    {
      name: 'forged cursor',
      method: 'GET',
      path: '/products?cursor=bm90LWEtY3Vyc29y',
      status: 400,
      error: 'invalid_cursor',
    },
    {
      name: 'cursor with an empty key',
      method: 'GET',
      path: '/products?cursor=eyJwcm9kdWN0X2lkIjogIiJ9',
      status: 400,
      error: 'invalid_cursor',
    },
    {
      name: 'cursor with a path in its key',
      method: 'GET',
      path: '/products?cursor=eyJwcm9kdWN0X2lkIjogIi4uL2V0Yy9wYXNzd2QifQ',
      status: 400,
      error: 'invalid_cursor',
    },
    {
      name: 'cursor with a control character',
      method: 'GET',
      path: '/products?cursor=eyJwcm9kdWN0X2lkIjogImFcdTAwMDFiIn0',
      status: 400,
      error: 'invalid_cursor',
    },
    {
      name: 'category cursor whose category breaks the category rules',
      method: 'GET',
      path: `/products?category=books&cursor=${Buffer.from(JSON.stringify({ product_id: 'p1', category: '' })).toString('base64url')}`,
      status: 400,
      error: 'invalid_cursor',
    },
    {
      name: 'a name with an unpaired surrogate',
      method: 'POST',
      raw: '{"name":"Lamp \\ud800","category":"home","price":1,"stock":1}',
      headers: { 'Content-Type': 'application/json' },
      status: 400,
      error: 'validation_error',
      fields: ['name'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const before = await tableSnapshot(aws());
      const res = await call(url(c.path ?? '/products'), c.method, {
        raw: c.raw,
        body: c.body,
        headers: c.headers,
        token: api.token,
      });
      assert.equal(res.status, c.status, res.text.slice(0, 300));
      assert.equal(res.body.error, c.error);
      assert.equal(typeof res.body.message, 'string');
      assert.doesNotMatch(res.text, /at \w+ \(|node_modules|Exception/, 'no internals in the body');
      if (c.fields)
        assert.deepEqual((res.body.details as { field: string }[]).map((d) => d.field).sort(), [...c.fields].sort());
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(await tableSnapshot(aws()), before);
    });
  }

  it('unicode survives the round trip', async () => {
    const name = 'Théière 茶壶 🫖 «ñ»';
    const created = await call(url('/products'), 'POST', {
      body: product({ name, category: 'cuisine-café' }),
      token: api.token,
    });
    assert.equal(created.status, 201, created.text);
    const read = await call(url(`/products/${String(created.body.product_id)}`), 'GET');
    assert.equal(read.body.name, name);
    const listed = await call(url(`/products?category=${encodeURIComponent('cuisine-café')}`), 'GET');
    assert.equal((listed.body.items as unknown[]).length, 1);
  });
});
