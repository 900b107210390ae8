// Bulk writes: BatchWriteItem in groups of 25 (its limit), several batches in flight,
// UnprocessedItems retried with exponential backoff. Items are pulled from an
// (async) iterable as capacity frees up, so memory holds only what is in flight.
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { backoff } from '../engine/retry.js';
import type { Product } from '../../runtime/catalog/product.js';

export const BATCH_SIZE = 25;

export interface BatchProgress {
  written: number;
  /** Batches whose UnprocessedItems had to be resent. */
  retries: number;
  /** True when `signal` ended the run before every item was taken. */
  stopped: boolean;
}

export interface BatchOptions {
  concurrency: number;
  onProgress?: (p: BatchProgress) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Give up when a batch still has unprocessed items after this many attempts. */
  maxAttempts?: number;
  /** The run's stop (`io.signal`), checked before each new batch: once aborted no item is taken; batches in flight finish. */
  signal?: AbortSignal;
}

type PutRequest = { PutRequest: { Item: Record<string, unknown> } };

export class BatchWriteFailed extends Error {
  constructor(
    readonly written: number,
    readonly unprocessed: number,
    cause: unknown,
  ) {
    super(`bulk write stopped after ${written} item(s); ${unprocessed} not written`, { cause });
    this.name = 'BatchWriteFailed';
  }
}

export async function writeAll(
  doc: DynamoDBDocumentClient,
  table: string,
  items: Iterable<Product> | AsyncIterable<Product>,
  opts: BatchOptions,
): Promise<BatchProgress> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAttempts = opts.maxAttempts ?? 10;
  const progress: BatchProgress = { written: 0, retries: 0, stopped: false };
  const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]()) as
    | AsyncIterator<Product>
    | Iterator<Product>;
  let exhausted = false;
  let failure: unknown;

  const nextBatch = async (): Promise<PutRequest[]> => {
    const batch: PutRequest[] = [];
    while (!exhausted && batch.length < BATCH_SIZE) {
      const r = await iterator.next();
      if (r.done) exhausted = true;
      else batch.push({ PutRequest: { Item: r.value as unknown as Record<string, unknown> } });
    }
    return batch;
  };

  const send = async (batch: PutRequest[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      const left = (res.UnprocessedItems?.[table] ?? []) as PutRequest[];
      progress.written += pending.length - left.length;
      opts.onProgress?.(progress);
      if (left.length === 0) return;
      if (attempt >= maxAttempts)
        throw new BatchWriteFailed(
          progress.written,
          left.length,
          new Error('DynamoDB kept returning UnprocessedItems (throttled)'),
        );
      progress.retries++;
      // Unprocessed items mean throttling: back off, with jitter so workers do not resend in step.
      await sleep(backoff(attempt + 1, 50, 5000, true));
      pending = left;
    }
  };

  // The next batch is taken when one in flight lands. After a failure none is taken, and those in
  // flight land before it is thrown (so `written` counts them).
  async function* batches(): AsyncGenerator<PutRequest[]> {
    while (!failure) {
      if (opts.signal?.aborted) {
        progress.stopped = !exhausted;
        return;
      }
      const batch = await nextBatch();
      if (batch.length === 0) return;
      yield batch;
    }
  }
  const sendKeepingFailure = async (batch: PutRequest[]): Promise<void> => {
    try {
      await send(batch);
    } catch (err) {
      failure ??= err;
    }
  };
  await pMap(batches(), sendKeepingFailure, { concurrency: Math.max(1, opts.concurrency) });
  if (failure) throw failure instanceof BatchWriteFailed ? failure : new BatchWriteFailed(progress.written, 0, failure);
  return progress;
}
