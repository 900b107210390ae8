// Product storage in DynamoDB: conditional create, optimistic-concurrency update,
// listing by page with an opaque cursor, category listing through the GSI.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  LIMITS,
  newProduct,
  type Product,
  type ProductInput,
  type ProductPatch,
  textProblem,
  validateProductId,
} from './product.js';

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

const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string }).name === 'ConditionalCheckFailedException';

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

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
      keys.includes(k) &&
      (k === 'product_id' ? validateProductId(v).length === 0 : textProblem(v, LIMITS.category) === undefined);
    if (entries.length !== keys.length || !entries.every(valid)) throw new BadCursor();
    return parsed as Record<string, string>;
  } catch {
    throw new BadCursor();
  }
}

export class ProductRepository {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly table: string,
    readonly categoryIndex: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(id: string): Promise<Product> {
    const res = await this.doc.send(new GetCommand({ TableName: this.table, Key: { product_id: id } }));
    if (!res.Item) throw new NotFound(id);
    return res.Item as Product;
  }

  /** Never overwrites: the write is conditional on the id being new. */
  async create(input: ProductInput, id?: string): Promise<Product> {
    const product = newProduct(input, new Date(), id);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: product,
          ConditionExpression: 'attribute_not_exists(product_id)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new AlreadyExists(product.product_id);
      throw err;
    }
    return product;
  }

  /** Applies `patch` only if the stored version is `expected`; bumps the version. */
  async update(id: string, patch: ProductPatch, expected: number): Promise<Product> {
    const names: Record<string, string> = { '#v': 'version', '#u': 'updated_at' };
    const values: Record<string, unknown> = { ':expected': expected, ':one': 1, ':now': new Date().toISOString() };
    const sets = ['#v = #v + :one', '#u = :now'];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(patch)) {
      names[`#${field}`] = field;
      if (value === null) removes.push(`#${field}`);
      else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
    }
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { product_id: id },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(product_id) AND #v = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return res.Attributes as Product;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // The failed condition returns the current item, if any: tells "gone" from "stale".
      const current = (err as { Item?: Record<string, unknown> }).Item;
      const version = current
        ? Number((current.version as { N?: string } | undefined)?.N ?? current.version)
        : undefined;
      if (!current) throw new NotFound(id);
      throw new VersionConflict(id, expected, Number.isFinite(version) ? (version as number) : -1);
    }
  }

  async delete(id: string): Promise<Product> {
    try {
      const res = await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { product_id: id },
          ConditionExpression: 'attribute_exists(product_id)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      return res.Attributes as Product;
    } catch (err) {
      if (isConditionFailure(err)) throw new NotFound(id);
      throw err;
    }
  }

  /** One page: by category through the GSI (a Query, not a filtered Scan), else a Scan. */
  async list(opts: { limit: number; cursor?: string; category?: string }): Promise<Page> {
    if (opts.category !== undefined) {
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
    const start = decodeCursor(opts.cursor, ['product_id']);
    const res = await this.doc.send(
      new ScanCommand({ TableName: this.table, Limit: opts.limit, ExclusiveStartKey: start }),
    );
    return { items: (res.Items ?? []) as Product[], cursor: encodeCursor(res.LastEvaluatedKey) };
  }
}
