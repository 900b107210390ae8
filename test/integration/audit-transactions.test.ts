// The audit trail's transaction on the emulator, below the API: a product write and its history item
// in one TransactWriteItems, its CancellationReasons read back (the product's condition, the history's
// race, AWS's TransactionConflict through the fault proxy), and the history kept bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ProductCondition, type TransactItem, writeWithHistory } from '../../runtime/catalog/audited-write.js';
import { asHistoryItem, HISTORY_KEEP, historyEntry, historyKey } from '../../runtime/catalog/history.js';
import { NotFound, ProductRepository, VersionConflict } from '../../runtime/catalog/repository.js';
import { tableSnapshot } from '../helpers/api.js';
import { transactionConflict } from '../helpers/aws-behaviour/dynamodb-transactions.js';
import { emulatorClients, useEmulator } from '../helpers/emulator.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { only } from '../helpers/held-call.js';

const TABLE = 'audit-table';
const retention = { ttlAttribute: 'expires_at', retentionDays: 30 };
const emulator = useEmulator(async (h) => {
  await emulatorClients(h.endpoint)
    .client(DynamoDBClient)
    .send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'product_id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'product_id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
});
const aws = () => emulatorClients(emulator.get().endpoint);
const doc = () => DynamoDBDocumentClient.from(aws().client(DynamoDBClient));
const repo = () => new ProductRepository(aws().client(DynamoDBClient), TABLE, 'category-index', retention);
const item = async (key: string) =>
  (await doc().send(new GetCommand({ TableName: TABLE, Key: { product_id: key } }))).Item;
const entry = (by: string) => historyEntry('update', by, new Date(), 2, { stock: 1 });
const who = { actor: 'tester' };
const make = (name: string) => repo().create({ name, category: 'audit', price: 1, stock: 1 }, who);
const touch = (id: string, n: number): TransactItem => ({
  Update: {
    TableName: TABLE,
    Key: { product_id: id },
    UpdateExpression: 'SET stock = :n',
    ExpressionAttributeValues: { ':n': n },
  },
});

describe('a product write and its history entry, one transaction', () => {
  it('a failed product condition throws with the item as it is, and writes neither the product nor its history', async () => {
    const p = await make('Raced');
    const before = await tableSnapshot(aws(), TABLE);
    const stale: TransactItem = {
      Delete: {
        TableName: TABLE,
        Key: { product_id: p.product_id },
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': 5 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
    const history = asHistoryItem(await item(historyKey(p.product_id)));
    const err = await writeWithHistory(doc(), TABLE, p.product_id, stale, entry('x'), retention, history).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ProductCondition, String(err));
    assert.deepEqual([err.current?.version, err.current?.name], [1, 'Raced']);
    assert.equal(await tableSnapshot(aws(), TABLE), before);
    // Through the repository: the same cancellation answers 404 or 409, as the single-item writes did.
    await assert.rejects(repo().update('missing', { stock: 2 }, 1, who), NotFound);
    await assert.rejects(repo().update(p.product_id, { stock: 2 }, 3, who), VersionConflict);
    await assert.rejects(repo().delete('missing', who), NotFound);
    assert.equal(await tableSnapshot(aws(), TABLE), before);
  });

  it('two writers of one history: the one that read it stale tries again from the item it finds, and no entry is lost', async () => {
    const p = await make('Busy');
    // Both start from "no history" (as a create does): each meets the item that exists and tries again from it.
    await Promise.all([
      writeWithHistory(doc(), TABLE, p.product_id, touch(p.product_id, 2), entry('one'), retention, undefined),
      writeWithHistory(doc(), TABLE, p.product_id, touch(p.product_id, 3), entry('two'), retention, undefined),
    ]);
    const { entries } = await repo().history(p.product_id);
    assert.deepEqual(entries.map((e) => e.by).sort(), ['one', 'tester', 'two']);
    assert.equal((await item(historyKey(p.product_id)))?.seq, 3);
  });

  it('a transaction cancelled by another in progress on its items (TransactionConflict) is tried again', async () => {
    const p = await make('Contended');
    const proxy = await startFaultProxy(emulator.get().endpoint, { ...only([transactionConflict]), scale: 1 });
    try {
      const viaProxy = DynamoDBDocumentClient.from(emulatorClients(proxy.url).client(DynamoDBClient));
      const read = asHistoryItem(await item(historyKey(p.product_id)));
      await Promise.all([
        writeWithHistory(viaProxy, TABLE, p.product_id, touch(p.product_id, 2), entry('one'), retention, read),
        writeWithHistory(viaProxy, TABLE, p.product_id, touch(p.product_id, 3), entry('two'), retention, read),
      ]);
      assert.ok((proxy.injected.get('dynamodb-transaction-conflict') ?? 0) > 0, 'the two met');
    } finally {
      await proxy.close();
    }
    const { entries } = await repo().history(p.product_id);
    assert.deepEqual(entries.map((e) => e.by).sort(), ['one', 'tester', 'two']);
  });

  it(`keeps the last ${HISTORY_KEEP} changes, newest first`, async () => {
    const p = await make('Often');
    for (let v = 1; v <= HISTORY_KEEP + 2; v++) await repo().update(p.product_id, { stock: v }, v, who);
    const { entries, exists } = await repo().history(p.product_id);
    assert.equal(exists, true);
    assert.equal(entries.length, HISTORY_KEEP);
    assert.deepEqual(entries[0]?.values, { stock: HISTORY_KEEP + 2 });
    assert.deepEqual(
      entries.map((e) => e.version),
      Array.from({ length: HISTORY_KEEP }, (_, i) => HISTORY_KEEP + 3 - i),
      'the create and the first updates dropped',
    );
  });
});
