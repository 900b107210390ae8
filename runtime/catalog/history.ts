// The audit trail's storage shape: one history item per product, in the products table, holding the
// product's last changes (newest first, at most HISTORY_KEEP), rewritten in the same transaction as
// each write (repository.ts). Why one bounded item per product rather than one item per write:
// - the public list is a Scan of the whole table, and every item it meets costs read units and room
//   in a page: one history item per product at most keeps the table at two items per product,
//   whatever the number of writes, where an item per write would make a busy product's history
//   outweigh the catalog;
// - the last changes of a product are one GetItem of a key derived from its id (no Scan, no index);
// - its size is bounded (HISTORY_KEEP entries of short values), so a write costs a few write units more.
// Its key can never be a product id (those are [A-Za-z0-9_-]: no '#'), it has no `category` (so the
// category index, a sparse index, never holds it), and it carries HISTORY_OF, which the list filters on.
import type { Product, ProductPatch } from './product.js';

/** Changes kept per product: enough for "who changed this lately", small enough to stay ~4 KB. */
export const HISTORY_KEEP = 10;
/** The attribute that marks a history item (its value: the product id). Products never have it. */
export const HISTORY_OF = 'history_of';
const PREFIX = 'history#';
/** Text values longer than this are recorded cut (with "…"): the history says what changed, it is no backup. */
export const VALUE_MAX = 100;

export type HistoryAction = 'create' | 'update' | 'delete';

export interface HistoryEntry {
  /** ISO 8601 time of the write. */
  at: string;
  /** Who wrote: the API caller the authorizer names, or the CLI caller's ARN. */
  by: string;
  action: HistoryAction;
  /** The product's version after the write (for a delete: the version deleted). */
  version: number;
  /** The fields the write set or removed. */
  fields: string[];
  /** New values of those fields (null: removed); the description is named in `fields` only. */
  values: Record<string, string | number | null>;
}

export interface HistoryItem {
  product_id: string;
  history_of: string;
  /** Writes recorded so far: the condition that keeps two concurrent writers from losing an entry. */
  seq: number;
  entries: HistoryEntry[];
  /** The table's TTL attribute, when it has one: epoch seconds. */
  [ttl: string]: unknown;
}

/** The key of a product's history item. */
export function historyKey(productId: string): string {
  return `${PREFIX}${productId}`;
}

/** True for a key `historyKey` made (a product id never starts so: it has no '#'). */
export function isHistoryKey(key: string): boolean {
  return key.startsWith(PREFIX);
}

const FIELDS = ['name', 'category', 'price', 'stock', 'description', 'expires_at'] as const;
/** Fields whose values are never kept: long text (up to 2,000 characters) would make every entry heavy. */
const NAMES_ONLY: ReadonlySet<string> = new Set(['description']);

function recorded(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  const text = String(v);
  const chars = [...text];
  return chars.length > VALUE_MAX ? `${chars.slice(0, VALUE_MAX - 1).join('')}…` : text;
}

/** What a write changed, as an entry: the fields it touched, with the small fields' new values. */
export function historyEntry(
  action: HistoryAction,
  by: string,
  at: Date,
  version: number,
  change: Partial<Product> | ProductPatch,
): HistoryEntry {
  const fields = action === 'delete' ? [] : FIELDS.filter((f) => f in change && change[f] !== undefined);
  const values: Record<string, string | number | null> = {};
  for (const f of fields) if (!NAMES_ONLY.has(f)) values[f] = recorded(change[f]);
  return { at: at.toISOString(), by, action, version, fields, values };
}

export interface Retention {
  /** The table's TTL attribute; null: the table has no TTL, so history items are never expired by DynamoDB. */
  ttlAttribute: string | null;
  retentionDays: number;
}

const DAY_MS = 86_400_000;

/** Entries still within the retention, newest first. */
export function retained(entries: readonly HistoryEntry[], now: Date, days: number): HistoryEntry[] {
  const since = now.getTime() - days * DAY_MS;
  return entries.filter((e) => Date.parse(e.at) >= since);
}

/**
 * The history item after one more write: the new entry first, older entries past the retention dropped,
 * at most HISTORY_KEEP kept, and the TTL moved to now + retention (the whole item goes once the product has
 * not been written for that long, a deleted product's included).
 */
export function nextHistory(
  productId: string,
  previous: HistoryItem | undefined,
  entry: HistoryEntry,
  retention: Retention,
  now: Date,
): HistoryItem {
  const kept = retained(previous?.entries ?? [], now, retention.retentionDays);
  const item: HistoryItem = {
    product_id: historyKey(productId),
    [HISTORY_OF]: productId,
    seq: (previous?.seq ?? 0) + 1,
    entries: [entry, ...kept].slice(0, HISTORY_KEEP),
  };
  if (retention.ttlAttribute)
    item[retention.ttlAttribute] = Math.floor(now.getTime() / 1000) + retention.retentionDays * 86_400;
  return item;
}

/** A stored item read back as a history item, or undefined when it is not one. */
export function asHistoryItem(raw: Record<string, unknown> | undefined): HistoryItem | undefined {
  if (!raw || typeof raw[HISTORY_OF] !== 'string' || !Array.isArray(raw.entries)) return undefined;
  return raw as HistoryItem;
}
