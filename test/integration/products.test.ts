// `projet1 products ...` on the emulator: every command's happy path and errors, seeding,
// and the disaster-recovery round trip export -> down -> up -> import.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DynamoDBClient, ListBackupsCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { generateProducts } from '../../src/catalog/generate.js';
import type { Product } from '../../runtime/catalog/product.js';
import { tableSnapshot } from '../helpers/api.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';

const dir = projectDir({});
const emulator = useEmulator(async (h) => {
  const up = await runCli(['up', '--yes', '--endpoint-url', h.endpoint], { cwd: dir });
  if (up.code !== 0) throw new Error(up.stderr);
});
const cli = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: dir });
const aws = () => emulatorClients(emulator.get().endpoint);
const all = async (...extra: string[]) => {
  const run = await cli('products', 'list', '--all', '--json', ...extra);
  assert.equal(run.code, 0, run.stderr);
  const doc = run.json<{ ok: boolean; items: Product[]; count: number }>();
  assert.equal(doc.count, doc.items.length, 'one streamed envelope with its count');
  return doc.items;
};
const sortLines = (text: string) => text.trim().split('\n').sort().join('\n');

describe('seeding', () => {
  it('seeds 1,000 reproducible products that list --all counts', async () => {
    const run = await cli('products', 'seed', '--count', '1000', '--seed', '42');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Seeded 1,000 product\(s\) .* Seed 42/);
    const listed = await all();
    assert.equal(listed.length, 1000);
    const expected = [...generateProducts(1000, 42)].map((p) => p.product_id).sort();
    assert.deepEqual(listed.map((p) => p.product_id).sort(), expected);
    // The same seed writes the same products again: still 1,000.
    assert.equal((await cli('products', 'seed', '--count', '1000', '--seed', '42')).code, 0);
    assert.equal((await all()).length, 1000);
  });

  it('lists a category (only that category) and pages with a cursor', async () => {
    const books = await all('--category', 'books');
    assert.ok(books.length > 0 && books.every((p) => p.category === 'books'));
    const first = (await cli('products', 'list', '--limit', '10', '--json')).json<{
      items: Product[];
      cursor: string;
    }>();
    assert.equal(first.items.length, 10);
    const second = (await cli('products', 'list', '--limit', '10', '--cursor', first.cursor, '--json')).json<{
      items: Product[];
    }>();
    assert.equal(second.items.length, 10);
    assert.equal(new Set([...first.items, ...second.items].map((p) => p.product_id)).size, 20);
    const table = await cli('products', 'list', '--limit', '3');
    assert.match(table.stdout, /^NAME\s+CATEGORY\s+PRICE\s+STOCK\s+ID\n/);
    assert.equal(table.stdout.trim().split('\n').length, 4);
    assert.match(table.stderr, /--cursor \S+/);
  });
});

describe('single products', () => {
  it('create, get, update, delete', async () => {
    const created = await cli(
      'products',
      'create',
      '--name',
      'Desk Lamp',
      '--category',
      'brand-new-category',
      '--price',
      '49.90',
      '--stock',
      '12',
      '--description',
      'LED',
    );
    assert.equal(created.code, 0, created.stderr);
    const p = created.json<Product>();
    assert.equal(p.price, 49.9);
    assert.equal(p.version, 1);
    assert.deepEqual((await cli('products', 'get', p.product_id)).json<Product>(), p);

    const updated = (
      await cli('products', 'update', p.product_id, '--stock', '11', '--description', '')
    ).json<Product>();
    assert.equal(updated.version, 2);
    assert.equal(updated.stock, 11);
    assert.equal(updated.description, undefined);
    assert.equal(updated.name, 'Desk Lamp');

    const stale = await cli('products', 'update', p.product_id, '--stock', '1', '--expected-version', '1');
    assert.equal(stale.code, 4);
    assert.match(stale.stderr, /is at version 2, not 1/);
    assert.equal((await cli('products', 'get', p.product_id)).json<Product>().stock, 11, 'nothing written');

    assert.equal((await cli('products', 'delete', p.product_id)).code, 0);
    const gone = await cli('products', 'get', p.product_id);
    assert.equal(gone.code, 3);
    assert.match(gone.stderr, /does not exist/);
    assert.equal((await cli('products', 'delete', p.product_id)).code, 3);
  });

  it('creates from --file', async () => {
    const file = join(dir, 'product.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'Kettle', category: 'kitchen', price: 25, stock: 4, expires_at: 4102444000 }),
    );
    const run = await cli('products', 'create', '--file', file);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json<Product>().expires_at, 4102444000);
  });

  it('rejects bad input listing every bad field, writing nothing', async () => {
    const before = await tableSnapshot(aws());
    const bad = await cli('products', 'create', '--name', '', '--category', 'x', '--price', 'cheap', '--stock', '-3');
    assert.equal(bad.code, 2);
    for (const f of ['name', 'price', 'stock']) assert.match(bad.stderr, new RegExp(`- ${f}: `));
    assert.equal((await cli('products', 'get', '../etc')).code, 2);
    assert.equal((await cli('products', 'list', '--limit', '0')).code, 2);
    assert.equal((await cli('products', 'update', 'abc')).code, 2, 'nothing to change');
    assert.equal(await tableSnapshot(aws()), before);
  });

  it('refuses another environment sharing the table name', async () => {
    const run = await cli('products', 'list', '--environment', 'qa');
    assert.equal(run.code, 4);
    assert.match(run.stderr, /not this stack's/);
    // status names the foreign table as what stops `up`, not "N resource(s) need `projet1 up`".
    const status = await cli('status', '--environment', 'qa');
    assert.equal(status.code, 2);
    const verdict = status.stderr.split('\n')[1] ?? '';
    assert.match(
      verdict,
      /^Needs attention: 1 resource\(s\) with our name belong to someone else \(products-catalog\): `projet1 up` refuses to touch them;/,
    );
    assert.doesNotMatch(verdict, /need `projet1 up`/);
  });
});

describe('deletion protection', () => {
  it('is on outside development: down refuses and explains, nothing is deleted; turned off, down works', async () => {
    const qa = projectDir({ environment: 'qa', table: { name: 'catalog-{environment}' } });
    const inQa = (...args: string[]) => runCli([...args, '--endpoint-url', emulator.get().endpoint], { cwd: qa });
    assert.equal((await inQa('up', '--yes')).code, 0);
    const refused = await inQa('down', '--yes');
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /Table catalog-qa has deletion protection on; nothing was deleted\./);
    assert.match(refused.stderr, /"deletionProtection": false/);
    const tables = (await aws().client(DynamoDBClient).send(new ListTablesCommand({}))).TableNames ?? [];
    assert.ok(tables.includes('catalog-qa'));
    assert.equal((await inQa('plan', '--exit-code')).code, 0, 'nothing else was deleted either');
    writeFileSync(
      join(qa, 'projet1.config.json'),
      JSON.stringify({ environment: 'qa', table: { name: 'catalog-{environment}', deletionProtection: false } }),
    );
    assert.equal((await inQa('up', '--yes')).code, 0);
    assert.equal((await inQa('down', '--yes')).code, 0);
  });
});

describe('export and import', () => {
  it('round-trips losslessly through down and up (JSON Lines and CSV)', async () => {
    const jsonl = join(dir, 'backup.jsonl');
    const csv = join(dir, 'backup.csv');
    assert.equal((await cli('products', 'export', '--out', jsonl)).code, 0);
    assert.equal((await cli('products', 'export', '--format', 'csv', '--out', csv)).code, 0);
    const before = sortLines(readFileSync(jsonl, 'utf8'));
    assert.ok(before.split('\n').length > 1000);

    const down = await cli('down', '--yes');
    assert.equal(down.code, 0, down.stderr);
    // The catalog never goes with a down by accident: a non-empty table is backed up first.
    const arn = /Backed up products-catalog before deleting it: (arn:aws:dynamodb:\S+)/.exec(down.stderr)?.[1];
    assert.ok(arn, down.stderr);
    const backups = await aws()
      .client(DynamoDBClient)
      .send(new ListBackupsCommand({ TableName: 'products-catalog' }));
    assert.ok(
      (backups.BackupSummaries ?? []).some((b) => b.BackupArn === arn),
      'the backup exists',
    );
    assert.equal((await cli('up', '--yes')).code, 0);
    assert.equal((await all()).length, 0);

    const imported = await cli('products', 'import', jsonl);
    assert.equal(imported.code, 0, imported.stderr);
    const stdout = await cli('products', 'export');
    assert.equal(sortLines(stdout.stdout), before, 'ids, prices, versions and dates are back exactly');

    // CSV restores the same items (replacing, not duplicating).
    const viaCsv = await cli('products', 'import', csv);
    assert.equal(viaCsv.code, 0, viaCsv.stderr);
    assert.equal(sortLines((await cli('products', 'export')).stdout), before);
  });

  it('warns that rows without product_id become new products, each time the file is imported', async () => {
    const file = join(dir, 'no-ids.csv');
    writeFileSync(file, 'name,category,price,stock\nIdless Lamp,lighting,12.5,3\nIdless Desk,furniture,99,1\n');
    const first = await cli('products', 'import', file, '--json');
    assert.equal(first.json<{ newIds: number }>().newIds, 2);
    const again = await cli('products', 'import', file);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stderr,
      /Warning: 2 row\(s\) of \S+no-ids\.csv have no product_id: each becomes a new product, so importing this file again adds them again\./,
    );
    const lamps = (await all()).filter((p) => p.name === 'Idless Lamp');
    assert.equal(lamps.length, 2, 'as warned: two imports, two lamps');
  });

  it('refuses text that is not well-formed Unicode in a file, with its line', async () => {
    const file = join(dir, 'surrogate.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ name: 'Ok', category: 'c', price: 1, stock: 1 })}\n{"name":"Lamp \\ud800","category":"c","price":1,"stock":1}\n`,
    );
    const before = await tableSnapshot(aws());
    const run = await cli('products', 'import', file);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /line 2: name must be valid Unicode text \(it holds an unpaired surrogate\)/);
    assert.equal(await tableSnapshot(aws()), before, 'nothing imported');
  });

  it('imports nothing from a file with bad rows, and lists each with its line', async () => {
    const good = [...generateProducts(3, 9)].map((p) => JSON.stringify(p));
    const file = join(dir, 'broken.jsonl');
    writeFileSync(
      file,
      [
        good[0],
        '{"name": oops}',
        good[1],
        JSON.stringify({ name: 'x', category: 'y', price: -1, stock: 1 }),
        good[0],
        good[2],
      ].join('\n'),
    );
    const before = await tableSnapshot(aws());
    const run = await cli('products', 'import', file);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /has 3 problem\(s\)/);
    assert.match(run.stderr, /line 2: not valid JSON/);
    assert.match(run.stderr, /line 4: price must be 0 or more/);
    assert.match(run.stderr, /line 5: product_id \S+ already appears on line 1/);
    assert.match(run.stderr, /nothing was imported/);
    assert.equal(await tableSnapshot(aws()), before);
  });

  it('says clearly when a file cannot be read or has no known format', async () => {
    const missing = await cli('products', 'import', join(dir, 'nope.jsonl'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /The product file .*nope\.jsonl does not exist\./);
    const odd = join(dir, 'data.xml');
    writeFileSync(odd, '<products/>');
    assert.match((await cli('products', 'import', odd)).stderr, /Cannot tell the format/);
  });
});

describe('backups and restore', () => {
  it('a backup made by down brings the catalog back, into the re-created table or over a changed one', async () => {
    const before = (await all()).map((p) => p.product_id).sort();
    assert.ok(before.length > 0);
    const down = await cli('down', '--yes');
    const arn = /Backed up products-catalog before deleting it: (\S+)/.exec(down.stderr)?.[1] ?? '';
    assert.ok(arn, down.stderr);

    const refused = await cli('restore', '--backup', arn);
    assert.equal(refused.code, 2, 'replacing the catalog needs --yes without a terminal');
    assert.match(refused.stderr, /\nHint: Pass --yes to approve, after reviewing `projet1 backups`\.\n$/);
    const back = await cli('restore', '--backup', arn, '--yes', '--json');
    assert.equal(back.code, 0, back.stderr + back.stdout);
    assert.equal(back.json<{ recreated: boolean }>().recreated, true);
    assert.equal((await cli('up', '--yes')).code, 0, "up adopts the restored table (it carries the stack's tags)");
    assert.deepEqual((await all()).map((p) => p.product_id).sort(), before);

    // Over a table that changed since: the deleted product comes back, the new one goes.
    const gone = before[0] ?? '';
    assert.equal((await cli('products', 'delete', gone)).code, 0);
    const made = await cli(
      'products',
      'create',
      '--name',
      'After the backup',
      '--category',
      'c',
      '--price',
      '1',
      '--stock',
      '1',
      '--json',
    );
    assert.equal(made.code, 0);
    const again = await cli('restore', '--backup', arn, '--yes');
    assert.equal(again.code, 0, again.stderr);
    // The count is of products: their history items (the audit trail) come back with them, uncounted.
    assert.match(
      again.stderr,
      new RegExp(
        `Restored ${before.length.toLocaleString('en-US')} product\\(s\\) into products-catalog from \\S+ in [\\d.]+s\\.`,
      ),
    );
    assert.deepEqual((await all()).map((p) => p.product_id).sort(), before);

    const listed = await cli('backups', '--json');
    assert.ok(listed.json<{ backups: { arn: string }[] }>().backups.some((b) => b.arn === arn));
    const window = (await cli('backups')).stdout;
    assert.match(window, /Point in time: from /);
    // MiniStack answers "now" for both ends of the window, however long recovery has been on: said, not hidden.
    assert.match(window, /The endpoint reports a zero-width window \(an emulator such as MiniStack answers "now"/);
    // The window is zero-width on MiniStack (it would restore "now" whatever the time): refused, naming the window.
    const pitr = await cli('restore', '--time', '1m', '--yes');
    assert.equal(pitr.code, 2, pitr.stderr);
    assert.match(
      pitr.stderr,
      /^Error: --time 1m \(\S+\) is outside the point-in-time window of products-catalog: from \S+ to \S+\.$/m,
    );
    assert.match(pitr.stderr, /Hint: The endpoint reports a zero-width window/);
    assert.deepEqual((await all()).map((p) => p.product_id).sort(), before);
  });

  it('refuses a malformed or unknown backup ARN, and a time outside the window, before changing anything', async () => {
    const before = await tableSnapshot(aws());
    const malformed = await cli('restore', '--backup', 'not-an-arn', '--yes');
    assert.equal(malformed.code, 2, malformed.stderr);
    assert.match(malformed.stderr, /^Error: --backup "not-an-arn" is not a DynamoDB backup ARN\.$/m);
    assert.match(
      malformed.stderr,
      /Hint: A backup ARN looks like arn:aws:dynamodb:<region>:<account>:table\/<table>\/backup\/<id>/,
    );
    const unknownArn = 'arn:aws:dynamodb:eu-west-3:000000000000:table/products-catalog/backup/01700000000000-deadbeef';
    const unknown = await cli('restore', '--backup', unknownArn, '--yes');
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, new RegExp(`^Error: The backup ${unknownArn} was not found`, 'm'));
    assert.match(unknown.stderr, /Hint: `projet1 backups` lists the backups/);
    const future = await cli('restore', '--time', '2099-01-01T00:00:00Z', '--yes');
    assert.equal(future.code, 2, future.stderr);
    assert.match(
      future.stderr,
      /--time 2099-01-01T00:00:00Z \(2099-01-01T00:00:00\.000Z\) is outside the point-in-time window of products-catalog: from /,
    );
    const garbled = await cli('restore', '--time', 'yesterday', '--yes');
    assert.equal(garbled.code, 2);
    assert.match(garbled.stderr, /--time must be an ISO date or a duration ago/);
    for (const run of [malformed, unknown, future, garbled]) assert.doesNotMatch(run.stderr, /Internal error|Restored/);
    assert.equal(await tableSnapshot(aws()), before);
  });
});
