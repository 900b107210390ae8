// A product write and its history entry as one DynamoDB transaction (TransactWriteItems): both
// happen or neither does, so a refused write (a missing product, a stale version) leaves no entry and
// a recorded entry always names a write that happened.
import {
  TransactWriteCommand,
  type TransactWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { backoff } from '../aws/backoff.js';
import { asHistoryItem, type HistoryEntry, type HistoryItem, nextHistory, type Retention } from './history.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The product's own condition failed; `current` is the item as it is (absent: there is none). */
export class ProductCondition extends Error {
  constructor(readonly current: Record<string, unknown> | undefined) {
    super('the product write condition failed');
    this.name = 'ProductCondition';
  }
}

interface Reason {
  code: string;
  item?: Record<string, unknown>;
}

/**
 * The reasons of a cancelled transaction, one per action in order (TransactionCanceledException's
 * CancellationReasons, with the item as it was when its condition failed: ReturnValuesOnConditionCheckFailure).
 * The document client does not translate an error's items, hence unmarshall.
 */
function cancellation(err: unknown): Reason[] | undefined {
  const e = err as { name?: string; CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] };
  if (e.name !== 'TransactionCanceledException' || !Array.isArray(e.CancellationReasons)) return undefined;
  return e.CancellationReasons.map((r) => ({
    code: r.Code ?? 'None',
    ...(r.Item ? { item: unmarshall(r.Item) } : {}),
  }));
}

/**
 * The history item's rewrite: conditional on the item being as read (`seq`), so two writers of one product
 * never drop each other's entry; the loser reads the winner's item from its failed condition and tries again.
 */
function historyWrite(
  table: string,
  previous: HistoryItem | undefined,
  next: HistoryItem,
  ttl: string | null,
): TransactItem {
  const names: Record<string, string> = { '#of': 'history_of', '#seq': 'seq', '#e': 'entries' };
  const values: Record<string, unknown> = { ':of': next.history_of, ':seq': next.seq, ':e': next.entries };
  const sets = ['#of = :of', '#seq = :seq', '#e = :e'];
  if (ttl) {
    names['#ttl'] = ttl;
    values[':ttl'] = next[ttl];
    sets.push('#ttl = :ttl');
  }
  if (previous) values[':prev'] = previous.seq;
  return {
    Update: {
      TableName: table,
      Key: { product_id: next.product_id },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: previous ? '#seq = :prev' : 'attribute_not_exists(product_id)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Tries before giving up on a history item other writers keep changing (each try is one transaction). */
const ATTEMPTS = 6;

/**
 * Writes `product` (an action on the product's item, whose condition failing throws ProductCondition) and
 * appends `entry` to the product's history, atomically. `previous` is the history item as last read
 * (undefined: none, as for a new product).
 */
export async function writeWithHistory(
  doc: DynamoDBDocumentClient,
  table: string,
  productId: string,
  product: TransactItem,
  entry: HistoryEntry,
  retention: Retention,
  previous: HistoryItem | undefined,
): Promise<void> {
  let known = previous;
  for (let attempt = 1; ; attempt++) {
    const next = nextHistory(productId, known, entry, retention, new Date());
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [product, historyWrite(table, known, next, retention.ttlAttribute)],
        }),
      );
      return;
    } catch (err) {
      const reasons = cancellation(err);
      if (!reasons || attempt >= ATTEMPTS) throw err;
      const [own, history] = reasons;
      if (own?.code === 'ConditionalCheckFailed') throw new ProductCondition(own.item);
      if (history?.code === 'ConditionalCheckFailed') {
        // Another writer (or the TTL) changed the history item: start from what it is now.
        known = asHistoryItem(history.item);
        continue;
      }
      // TransactionConflict: another transaction holds one of the items; the SDK does not retry a cancellation.
      if (!reasons.some((r) => r.code === 'TransactionConflict')) throw err;
      await new Promise((r) => setTimeout(r, backoff(attempt, 25, 400, true)));
    }
  }
}
