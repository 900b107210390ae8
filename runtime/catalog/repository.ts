// Product storage in DynamoDB: conditional create, optimistic-concurrency update,
// listing by page with an opaque cursor, category listing through the GSI. Every write records
// who made it (`updated_by`) and appends to the product's history in the same transaction.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ProductCondition, writeWithHistory } from './audited-write.js';
import {
  asHistoryItem,
  HISTORY_KEEP,
  HISTORY_OF,
  type HistoryEntry,
  historyEntry,
  historyKey,
  isHistoryKey,
  type Retention,
  retained,
} from './history.js';
import {
  LIMITS,
  newProduct,
  type Product,
  type ProductInput,
  type ProductPatch,
  textProblem,
  validateProductId,
} from './product.js';

export { HISTORY_KEEP, type HistoryEntry, type Retention } from './history.js';

export class NotFound extends Error {
  constructor(readonly id: string) {
    super(`product ${id} does not exist`);
    this.name = 'NotFound';
  }
}
export class VersionConflict extends Error {
  constructor(
    readonly id: string,
    readonly expected: number,
    readonly current: number,
  ) {
    super(`product ${id} is at version ${current}, not ${expected}: it changed since it was read`);
    this.name = 'VersionConflict';
  }
}
export class AlreadyExists extends Error {
  constructor(readonly id: string) {
    super(`product ${id} already exists`);
    this.name = 'AlreadyExists';
  }
}
export class BadCursor extends Error {
  constructor() {
    super('cursor is not one this API returned');
    this.name = 'BadCursor';
  }
}

export interface Page {
  items: Product[];
  /** Pass back to get the next page; null on the last page. */
  cursor: string | null;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** A key a Scan may stop on: a product's, or a product's history item (the list skips those, not its cursor). */
const validKey = (v: unknown): boolean =>
  validateProductId(v).length === 0 ||
  (typeof v === 'string' && isHistoryKey(v) && validateProductId(v.slice(historyKey('').length)).length === 0);

/** Cursors are base64url JSON of DynamoDB's LastEvaluatedKey; anything else is rejected. */
export function decodeCursor(cursor: string | undefined, keys: string[]): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadCursor();
    const entries = Object.entries(parsed);
    // Each key attribute must pass the rules of the data it points into: a forged key is refused here,
    // never sent to DynamoDB (where an empty key is a 500).
    const valid = ([k, v]: [string, unknown]): boolean =>
      keys.includes(k) && (k === 'product_id' ? validKey(v) : textProblem(v, LIMITS.category) === undefined);
    if (entries.length !== keys.length || !entries.every(valid)) throw new BadCursor();
    return parsed as Record<string, string>;
  } catch {
    throw new BadCursor();
  }
}

/** Who writes: recorded as the product's `updated_by` and in its history. */
export interface Writer {
  actor: string;
}

/** The table's TTL attribute and the history's retention (config `table.ttlAttribute`, `audit.retentionDays`). */
export const DEFAULT_RETENTION: Retention = { ttlAttribute: 'expires_at', retentionDays: 90 };

/** The API never answers who wrote (its reads are public): an account's e-mail or a caller's ARN is the shop's, not its visitors'. `products get` and `products history` show it. */
export function withoutWriter(product: Product): Product {
  const { updated_by: _writer, ...rest } = product;
  return rest;
}

/** Scans at most this many times to fill one page past history items (bounds what a list read can cost). */
const MAX_SCANS = 4;

export class ProductRepository {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
    readonly categoryIndex: string,
    readonly retention: Retention = DEFAULT_RETENTION,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async item(key: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { product_id: key }, ConsistentRead: true }),
    );
    return res.Item;
  }

  async get(id: string): Promise<Product> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { product_id: id } }));
    // A history item is never a product, whatever key reaches here.
    if (!res.Item || HISTORY_OF in res.Item) throw new NotFound(id);
    return res.Item as Product;
  }

  /** Never overwrites: the write is conditional on the id being new. */
  async create(input: ProductInput, writer: Writer & { id?: string }): Promise<Product> {
    const product: Product = { ...newProduct(input, new Date(), writer.id), updated_by: writer.actor };
    const entry = historyEntry('create', writer.actor, new Date(product.created_at), 1, product);
    const put = {
      Put: {
        TableName: this.table,
        Item: product,
        ConditionExpression: 'attribute_not_exists(product_id)',
      },
    };
    try {
      // A new id has no history yet; an id used before (an import's) is found by the failed condition.
      await writeWithHistory(this.doc, this.table, product.product_id, put, entry, this.retention, undefined);
    } catch (err) {
      if (err instanceof ProductCondition) throw new AlreadyExists(product.product_id);
      throw err;
    }
    return product;
  }

  /** Applies `patch` only if the stored version is `expected`; bumps the version. */
  async update(id: string, patch: ProductPatch, expected: number, writer: Writer): Promise<Product> {
    // A transaction returns no item: the product read here (consistently) is what the patch applies to, since
    // the write's condition is that its version is still `expected`. A missing or stale product is not refused
    // from this read: the transaction's condition decides (404 or 409), so there is one source of truth.
    const [current, history] = await Promise.all([this.item(id), this.item(historyKey(id))]);
    const now = new Date().toISOString();
    const names: Record<string, string> = { '#v': 'version', '#u': 'updated_at', '#by': 'updated_by' };
    const values: Record<string, unknown> = { ':expected': expected, ':one': 1, ':now': now, ':by': writer.actor };
    const sets = ['#v = #v + :one', '#u = :now', '#by = :by'];
    const removes: string[] = [];
    const after: Record<string, unknown> = {
      ...current,
      version: expected + 1,
      updated_at: now,
      updated_by: writer.actor,
    };
    for (const [field, value] of Object.entries(patch)) {
      names[`#${field}`] = field;
      if (value === null) {
        removes.push(`#${field}`);
        delete after[field];
      } else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
        after[field] = value;
      }
    }
    const update = {
      Update: {
        TableName: this.table,
        Key: { product_id: id },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        // Not a history item either: those have no version.
        ConditionExpression: 'attribute_exists(product_id) AND #v = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
    const entry = historyEntry('update', writer.actor, new Date(now), expected + 1, patch);
    try {
      await writeWithHistory(this.doc, this.table, id, update, entry, this.retention, asHistoryItem(history));
    } catch (err) {
      // Missing, or at another version: the failed condition returns the item as it is.
      if (err instanceof ProductCondition) throw conflictOf(id, expected, err.current);
      throw err;
    }
    // Written at `expected`, so the item read was that version (or, absent when read, made since: read it).
    return (current ? after : await this.get(id)) as Product;
  }

  /** Deletes the product as read (its version is the condition), so the answer names what was deleted. */
  async delete(id: string, writer: Writer): Promise<Product> {
    let [current, history] = await Promise.all([this.item(id), this.item(historyKey(id))]);
    for (let attempt = 1; ; attempt++) {
      if (!current || HISTORY_OF in current) throw new NotFound(id);
      const product = current as unknown as Product;
      const del = {
        Delete: {
          TableName: this.table,
          Key: { product_id: id },
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': product.version },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      };
      const entry = historyEntry('delete', writer.actor, new Date(), product.version, {});
      try {
        await writeWithHistory(this.doc, this.table, id, del, entry, this.retention, asHistoryItem(history));
        return product;
      } catch (err) {
        if (!(err instanceof ProductCondition)) throw err;
        // Gone: 404. Changed since read: delete what it is now (its history read again), a few times at most.
        if (!err.current || attempt >= 3) throw conflictOf(id, product.version, err.current);
        [current, history] = [err.current, await this.item(historyKey(id))];
      }
    }
  }

  /** The product's last changes, newest first, within the retention (its item may outlive it until DynamoDB's TTL runs). */
  async history(id: string, limit = HISTORY_KEEP): Promise<{ entries: HistoryEntry[]; exists: boolean }> {
    const [item, product] = await Promise.all([this.item(historyKey(id)), this.item(id)]);
    const entries = retained(asHistoryItem(item)?.entries ?? [], new Date(), this.retention.retentionDays);
    return { entries: entries.slice(0, limit), exists: product !== undefined && !(HISTORY_OF in product) };
  }

  /** One page: by category through the GSI (a Query, not a filtered Scan), else a Scan. */
  async list(opts: { limit: number; cursor?: string; category?: string }): Promise<Page> {
    if (opts.category !== undefined) {
      // History items have no category: the index never holds them.
      const start = decodeCursor(opts.cursor, ['product_id', 'category']);
      const res = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: this.categoryIndex,
          KeyConditionExpression: '#c = :c',
          ExpressionAttributeNames: { '#c': 'category' },
          ExpressionAttributeValues: { ':c': opts.category },
          Limit: opts.limit,
          ExclusiveStartKey: start,
        }),
      );
      return { items: (res.Items ?? []) as Product[], cursor: encodeCursor(res.LastEvaluatedKey) };
    }
    return this.scanPage(opts.limit, decodeCursor(opts.cursor, ['product_id']));
  }

  /**
   * A Scan meets history items too (one per product at most) and filters them out, so a page can come back
   * short: it scans again for what is missing, a few times at most, and returns a cursor where it stopped.
   */
  private async scanPage(limit: number, start: Record<string, string> | undefined): Promise<Page> {
    const items: Product[] = [];
    let key: Record<string, unknown> | undefined = start;
    for (let scans = 0; scans < MAX_SCANS && items.length < limit; scans++) {
      const res = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          Limit: limit - items.length,
          ExclusiveStartKey: key,
          FilterExpression: 'attribute_not_exists(#h)',
          ExpressionAttributeNames: { '#h': HISTORY_OF },
        }),
      );
      items.push(...((res.Items ?? []) as Product[]));
      key = res.LastEvaluatedKey;
      if (!key) break;
    }
    return { items, cursor: encodeCursor(key) };
  }
}

/** What a failed product condition means: gone (404), or at another version (409). */
function conflictOf(id: string, expected: number, current: Record<string, unknown> | undefined): Error {
  if (!current) return new NotFound(id);
  const version = Number(current.version);
  return new VersionConflict(id, expected, Number.isFinite(version) ? version : -1);
}
