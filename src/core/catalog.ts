// Catalog operations on DynamoDB directly (no API Gateway), with the handlers' validation.
// Errors become user errors with distinct exit codes: 2 invalid, 3 not found, 4 conflict.
import { DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../runtime/aws/clients.js';
import { classifyAwsError, FIRST_CALL_ATTEMPTS, FIRST_CALL_REQUEST_MS, firstCall, isAwsError } from '../aws/errors.js';
import { fromTagList } from '../aws/tags.js';
import { ownershipProblem } from '../engine/plan.js';
import {
  AlreadyExists,
  BadCursor,
  HISTORY_KEEP,
  type HistoryEntry,
  NotFound,
  ProductRepository,
  VersionConflict,
  type Page,
} from '../../runtime/catalog/repository.js';
import {
  validateCreate,
  validatePatch,
  validateProductId,
  type FieldProblem,
  type Product,
  LIMITS,
  textProblem,
} from '../../runtime/catalog/product.js';
import { resourceNames, stackTags } from '../config/names.js';
import { ConflictError, EXIT, UserError } from '../errors.js';
import { cliClients, openConfig, type SessionOptions } from './session.js';
import { callerIdentity } from '../stack/stack-env.js';
import type { Config } from '../config/schema.js';

export interface Catalog {
  config: Config;
  aws: AwsClients;
  repo: ProductRepository;
  doc: DynamoDBDocumentClient;
  table: string;
  /** The ownership check, made once before the first read or write (so bad flags and files fail first). */
  ownership?: Promise<void>;
  /** Who writes (the caller's ARN, STS GetCallerIdentity), asked once by the first write. */
  caller?: Promise<string>;
}

export async function openCatalog(options: SessionOptions): Promise<Catalog> {
  const { config } = await openConfig(options);
  const aws = cliClients(config, options.env);
  const names = resourceNames(config);
  const client = aws.client(DynamoDBClient);
  return {
    config,
    aws,
    repo: new ProductRepository(client, names.table, names.categoryIndex, {
      ttlAttribute: config.table.ttlAttribute,
      retentionDays: config.audit.retentionDays,
    }),
    doc: DynamoDBDocumentClient.from(client),
    table: names.table,
  };
}

export function invalid(problems: FieldProblem[], what = 'product'): UserError {
  return new UserError(`Invalid ${what}:\n${problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n')}`, {
    exitCode: EXIT.usage,
  });
}

/** Maps storage errors to what the operator should read. */
export function catalogError(err: unknown, catalog: Catalog): unknown {
  if (err instanceof NotFound) return new UserError(`Product ${err.id} does not exist.`, { exitCode: EXIT.notFound });
  if (err instanceof VersionConflict) {
    return new UserError(
      `Product ${err.id} is at version ${err.current}, not ${err.expected}: it changed since it was read. Nothing was written.`,
      {
        exitCode: EXIT.conflict,
        hint: 'Read it again (projet1 products get) and retry with --expected-version.',
      },
    );
  }
  if (err instanceof AlreadyExists)
    return new UserError(`Product ${err.id} already exists; nothing was written.`, { exitCode: EXIT.conflict });
  if (err instanceof BadCursor)
    return new UserError('The --cursor value is not one projet1 printed.', { exitCode: EXIT.usage });
  if (isAwsError(err, 'ResourceNotFoundException')) {
    return new UserError(
      `Table ${catalog.table} does not exist in ${catalog.config.region}${catalog.config.endpointUrl ? ` at ${catalog.config.endpointUrl}` : ''}.`,
      {
        exitCode: EXIT.notFound,
        hint: 'Run `projet1 up` first (with the same --environment / --endpoint-url).',
      },
    );
  }
  return classifyAwsError(err, catalog.aws.target, `table ${catalog.table}`);
}

/**
 * Who the CLI writes as: the caller's ARN (recorded as `updated_by` and in the history), asked once, in
 * parallel with the table's ownership check.
 */
export function writer(catalog: Catalog): Promise<{ actor: string }> {
  catalog.caller ??= callerIdentity(catalog.aws).then((me) => {
    if (!me.Arn) throw new Error('STS GetCallerIdentity returned no ARN');
    return me.Arn;
  });
  return catalog.caller.then((actor) => ({ actor }));
}

/** A write: as `guarded`, with who writes (asked while the table's ownership is checked). */
export async function guardedWrite<T>(catalog: Catalog, op: (who: { actor: string }) => Promise<T>): Promise<T> {
  catalog.ownership ??= verifyTable(catalog);
  const who = writer(catalog);
  // Awaited below; if the ownership check fails first, its error is the one reported.
  who.catch(() => undefined);
  await catalog.ownership;
  let resolved: { actor: string };
  try {
    resolved = await who;
  } catch (err) {
    throw catalogError(err, catalog);
  }
  return guarded(catalog, () => op(resolved));
}

/** Runs a storage operation on a table proved to be this stack's, with its errors made readable. */
export async function guarded<T>(catalog: Catalog, op: () => Promise<T>): Promise<T> {
  catalog.ownership ??= verifyTable(catalog);
  await catalog.ownership;
  try {
    return await op();
  } catch (err) {
    throw catalogError(err, catalog);
  }
}

/**
 * The table must be this stack's (same tags `up` puts on it): a shared default name must
 * never let `--environment qa` read or write development's products.
 */
export async function verifyTable(catalog: Catalog): Promise<void> {
  const expected = stackTags(catalog.config);
  let tags: Record<string, string>;
  try {
    // Two attempts: the first call also proves the endpoint answers, and a silent one should fail fast.
    const client = catalog.aws.client(DynamoDBClient, {
      maxAttempts: FIRST_CALL_ATTEMPTS,
      requestMs: FIRST_CALL_REQUEST_MS,
    });
    const table = await firstCall(
      () => client.send(new DescribeTableCommand({ TableName: catalog.table })),
      catalog.aws.target,
    );
    // The endpoint answered: from here on, the usual retries.
    const tagged = catalog.aws.client(DynamoDBClient);
    tags = fromTagList((await tagged.send(new ListTagsOfResourceCommand({ ResourceArn: table.Table?.TableArn }))).Tags);
  } catch (err) {
    throw catalogError(err, catalog);
  }
  const problem = ownershipProblem(tags, expected);
  if (problem) {
    throw new ConflictError(
      `Table ${catalog.table} is not this stack's: it ${problem}.`,
      'Check --environment / --config, or give each environment its own table name ("products-catalog-{environment}").',
    );
  }
}

function checkId(id: string): void {
  const problems = validateProductId(id);
  if (problems.length > 0) throw invalid(problems, 'product id');
}

export async function listPage(
  catalog: Catalog,
  opts: { category?: string; limit: number; cursor?: string },
): Promise<Page> {
  // The same rule as the API and the files: checked before any call.
  const problem = opts.category === undefined ? undefined : textProblem(opts.category, LIMITS.category);
  if (problem) throw invalid([{ field: '--category', message: problem }], 'category');
  return guarded(catalog, () => catalog.repo.list(opts));
}

/** Every product, one page at a time: the caller streams them out, nothing accumulates. */
export async function* listAll(
  catalog: Catalog,
  opts: { category?: string; pageSize?: number },
): AsyncGenerator<Product> {
  let cursor: string | undefined;
  do {
    const page = await listPage(catalog, {
      limit: opts.pageSize ?? 100,
      ...(opts.category ? { category: opts.category } : {}),
      ...(cursor ? { cursor } : {}),
    });
    yield* page.items;
    cursor = page.cursor ?? undefined;
  } while (cursor);
}

export async function getProduct(catalog: Catalog, id: string): Promise<Product> {
  checkId(id);
  return guarded(catalog, () => catalog.repo.get(id));
}

/** `file`: where the input came from, so errors name it. */
export async function createProduct(catalog: Catalog, input: unknown, file?: string): Promise<Product> {
  const valid = validateCreate(input);
  if (!valid.ok) throw invalid(valid.problems, file ? `product in ${file}` : 'product');
  return guardedWrite(catalog, (who) => catalog.repo.create(valid.value, who));
}

/** Without an expected version, the version just read is used: a concurrent change still fails, never lost. */
export async function updateProduct(
  catalog: Catalog,
  id: string,
  patch: unknown,
  expectedVersion?: number,
): Promise<Product> {
  checkId(id);
  const valid = validatePatch(patch);
  if (!valid.ok) throw invalid(valid.problems);
  return guardedWrite(catalog, async (who) => {
    const expected = expectedVersion ?? valid.value.version ?? (await catalog.repo.get(id)).version;
    return catalog.repo.update(id, valid.value.patch, expected, who);
  });
}

export async function deleteProduct(catalog: Catalog, id: string): Promise<Product> {
  checkId(id);
  return guardedWrite(catalog, (who) => catalog.repo.delete(id, who));
}

export interface ProductHistory {
  productId: string;
  /** The product is in the table now (false: deleted, or never was). */
  exists: boolean;
  entries: HistoryEntry[];
}

/** The product's last changes, newest first. An id with neither a product nor a history is a user error (exit 3). */
export async function productHistory(
  catalog: Catalog,
  id: string,
  limit: number = HISTORY_KEEP,
): Promise<ProductHistory> {
  checkId(id);
  const { entries, exists } = await guarded(catalog, () => catalog.repo.history(id, limit));
  if (!exists && entries.length === 0)
    throw new UserError(`Product ${id} does not exist and has no recorded changes.`, {
      exitCode: EXIT.notFound,
      hint: `A deleted product's history is kept ${catalog.config.audit.retentionDays} day(s) (audit.retentionDays); check the id with \`projet1 products list\`.`,
    });
  return { productId: id, exists, entries };
}
