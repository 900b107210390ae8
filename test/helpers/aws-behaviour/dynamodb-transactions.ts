// DynamoDB cancels a transaction that meets another one in progress on one of its items: the emulator
// runs transactions one after the other and never does.
import { perProxy } from './state.js';
import { type Behaviour, scaled } from './types.js';

/** A transaction's own time in progress (not documented: a TransactWriteItems of two items takes tens of ms). */
const IN_PROGRESS_MS = 50;

/** Items (table and key) held by a transaction in progress, per proxy. */
const held = perProxy(() => new Set<string>());

type Action = { TableName?: unknown; Key?: unknown; Item?: { product_id?: unknown } };

/** One "table key" string per action of the transaction, in order (a Put names its key in its item). */
function itemsOf(body: Buffer): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { TransactItems?: Record<string, Action>[] };
    return (parsed.TransactItems ?? []).map((entry) => {
      const action = Object.values(entry)[0] ?? {};
      const key = action.Key ?? (action.Item ? { product_id: action.Item.product_id } : {});
      return `${String(action.TableName)} ${JSON.stringify(key)}`;
    });
  } catch {
    return [];
  }
}

export const transactionConflict: Behaviour = {
  kind: 'dynamodb-transaction-conflict',
  source:
    'DynamoDB API Reference, TransactWriteItems: TransactionCanceledException, "There is an ongoing transaction ' +
    'on one or more of the items in the request" (CancellationReasons Code TransactionConflict, one reason per ' +
    'action in order, None for the others); DynamoDB Developer Guide, "Transaction conflict handling in DynamoDB"',
  async before(call, req, ctx) {
    if (call.service !== 'dynamodb' || call.operation !== 'TransactWriteItems') return undefined;
    const items = itemsOf(req.body);
    const busy = held(ctx);
    const conflicts = items.map((k) => busy.has(k));
    if (conflicts.some(Boolean)) {
      ctx.count('dynamodb-transaction-conflict');
      const codes = conflicts.map((c) => (c ? 'TransactionConflict' : 'None'));
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
          CancellationReasons: codes.map((Code) =>
            Code === 'None' ? { Code } : { Code, Message: 'Transaction is ongoing for the item' },
          ),
        }),
      };
    }
    // In progress: the items are held while it runs, then it goes on to the emulator.
    for (const k of items) busy.add(k);
    try {
      await new Promise((r) => setTimeout(r, scaled(ctx, IN_PROGRESS_MS)));
    } finally {
      for (const k of items) busy.delete(k);
    }
    return undefined;
  },
};
