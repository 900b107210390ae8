// The product model and its validation, shared by the Lambda handlers and the CLI's
// catalog commands so both accept and reject exactly the same input.
import { randomUUID } from 'node:crypto';

export interface Product {
  product_id: string;
  name: string;
  category: string;
  /** Money: at most 2 decimals, so the JSON number round-trips exactly through DynamoDB. */
  price: number;
  stock: number;
  description?: string;
  /** Epoch seconds; the table's TTL attribute. */
  expires_at?: number;
  created_at: string;
  updated_at: string;
  version: number;
  /** Who wrote it last (the API's actor or the CLI caller's ARN); absent on items written before the audit trail. */
  updated_by?: string;
}

export type ProductInput = Pick<Product, 'name' | 'category' | 'price' | 'stock'> &
  Partial<Pick<Product, 'description' | 'expires_at'>>;
/** null on an optional field removes it. */
export type ProductPatch = Partial<Pick<Product, 'name' | 'category' | 'price' | 'stock'>> & {
  description?: string | null;
  expires_at?: number | null;
};

export interface FieldProblem {
  field: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export const LIMITS = {
  name: 200,
  category: 100,
  description: 2000,
  maxPrice: 1_000_000_000,
  maxStock: 1_000_000_000,
  /** 2100-01-01T00:00:00Z; beyond that an expiry is certainly a unit mistake (milliseconds). */
  maxExpiresAt: 4_102_444_800,
} as const;

const SERVER_FIELDS = ['product_id', 'created_at', 'updated_at', 'updated_by'];
/** Text fields that may span lines; the others are one line. */
export const MULTILINE: ReadonlySet<string> = new Set(['description']);
const WRITABLE = ['name', 'category', 'price', 'stock', 'description', 'expires_at'];
/** Ids we generate are UUIDs; accept any id of this shape so imported data keeps its ids. */
export const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Characters that let text lie about itself where it is shown (`products list` in a terminal, the
 * storefront and admin page): C0 controls but tab, LF and CR; DEL; C1 controls (U+009B is a
 * terminal's CSI, which starts an escape sequence on its own); the line and paragraph separators;
 * the bidirectional embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069), which
 * reorder what follows them on screen.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u;
/** One-line fields (name, category, filters): no line break and no tab, which break a table's rows and columns. */
const ONE_LINE = /[\t\n\r]/u;
/** A multi-line field (description): lines end with LF or CRLF; a CR alone moves a terminal's cursor back over the line. */
const LONE_CR = /\r(?!\n)/u;

const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The first forbidden character of `v` and what it is, in words, or undefined. */
function forbiddenCharacter(v: string, multiline: boolean): string | undefined {
  const control = CONTROL.exec(v)?.[0];
  if (control) return `must not contain control characters (${codePoint(control)})`;
  const bidi = BIDI.exec(v)?.[0];
  if (bidi) return `must not contain bidirectional-text controls (${codePoint(bidi)})`;
  if (multiline) return LONE_CR.test(v) ? 'must end its lines with LF or CRLF, not a lone CR (U+000D)' : undefined;
  const lineBreak = ONE_LINE.exec(v)?.[0];
  return lineBreak ? `must be one line, without line breaks or tabs (${codePoint(lineBreak)})` : undefined;
}

/**
 * The one rule for text, wherever it comes from (a body, a query parameter, a cursor, a file,
 * a flag): a string, not blank, well-formed Unicode, at most `max` characters (code points,
 * as a person counts them, not UTF-16 units), none of the characters above. Only a multi-line
 * field (the description) may hold tabs and line breaks (LF or CRLF).
 */
export function textProblem(v: unknown, max: number, opts: { multiline?: boolean } = {}): string | undefined {
  if (typeof v !== 'string') return 'must be a string';
  if (v.trim().length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(v)) return 'must be valid Unicode text (it holds an unpaired surrogate)';
  if ([...v].length > max) return `must be at most ${max} characters`;
  return forbiddenCharacter(v, opts.multiline === true);
}

function checkText(v: unknown, field: string, max: number, problems: FieldProblem[]): void {
  const message = textProblem(v, max, { multiline: MULTILINE.has(field) });
  if (message) problems.push({ field, message });
}

function checkField(field: string, v: unknown, problems: FieldProblem[]): void {
  switch (field) {
    case 'name':
      checkText(v, field, LIMITS.name, problems);
      return;
    case 'category':
      checkText(v, field, LIMITS.category, problems);
      return;
    case 'description':
      checkText(v, field, LIMITS.description, problems);
      return;
    case 'price':
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ field, message: 'must be a number' });
      else if (v < 0) problems.push({ field, message: 'must be 0 or more' });
      else if (v > LIMITS.maxPrice) problems.push({ field, message: `must be at most ${LIMITS.maxPrice}` });
      else if (Math.round(v * 100) / 100 !== v) problems.push({ field, message: 'must have at most 2 decimal places' });
      return;
    case 'stock':
      if (typeof v !== 'number' || !Number.isInteger(v)) problems.push({ field, message: 'must be an integer' });
      else if (v < 0) problems.push({ field, message: 'must be 0 or more' });
      else if (v > LIMITS.maxStock) problems.push({ field, message: `must be at most ${LIMITS.maxStock}` });
      return;
    case 'expires_at':
      if (typeof v !== 'number' || !Number.isInteger(v))
        problems.push({ field, message: 'must be an integer (epoch seconds)' });
      else if (v <= 0 || v > LIMITS.maxExpiresAt)
        problems.push({ field, message: `must be epoch seconds between 1 and ${LIMITS.maxExpiresAt}` });
      return;
  }
}

function unknownFields(body: Record<string, unknown>, allowed: string[], problems: FieldProblem[]): void {
  for (const key of Object.keys(body)) {
    if (SERVER_FIELDS.includes(key))
      problems.push({ field: key, message: 'is set by the server and cannot be written' });
    else if (!allowed.includes(key))
      problems.push({ field: key, message: `is not a product field (allowed: ${allowed.join(', ')})` });
  }
}

export function validateCreate(body: unknown): Validated<ProductInput> {
  if (!isPlainObject(body)) return { ok: false, problems: [{ field: '(body)', message: 'must be a JSON object' }] };
  const problems: FieldProblem[] = [];
  unknownFields(body, WRITABLE, problems);
  for (const field of ['name', 'category', 'price', 'stock']) {
    if (body[field] === undefined || body[field] === null) problems.push({ field, message: 'is required' });
    else checkField(field, body[field], problems);
  }
  for (const field of ['description', 'expires_at'])
    if (body[field] !== undefined && body[field] !== null) checkField(field, body[field], problems);
  if (problems.length > 0) return { ok: false, problems };
  const value: ProductInput = {
    name: body.name as string,
    category: body.category as string,
    price: body.price as number,
    stock: body.stock as number,
  };
  if (typeof body.description === 'string') value.description = body.description;
  if (typeof body.expires_at === 'number') value.expires_at = body.expires_at;
  return { ok: true, value };
}

/** A partial update; `version` (the version the caller read) may come in the body. */
export function validatePatch(body: unknown): Validated<{ patch: ProductPatch; version: number | undefined }> {
  if (!isPlainObject(body)) return { ok: false, problems: [{ field: '(body)', message: 'must be a JSON object' }] };
  const problems: FieldProblem[] = [];
  unknownFields(body, [...WRITABLE, 'version'], problems);
  const patch: Record<string, unknown> = {};
  for (const field of WRITABLE) {
    const v = body[field];
    if (v === undefined) continue;
    if (v === null && (field === 'description' || field === 'expires_at')) patch[field] = null;
    else if (v === null) problems.push({ field, message: 'cannot be null (it is required)' });
    else {
      checkField(field, v, problems);
      patch[field] = v;
    }
  }
  let version: number | undefined;
  if (body.version !== undefined) {
    if (typeof body.version !== 'number' || !Number.isInteger(body.version) || body.version < 1)
      problems.push({ field: 'version', message: 'must be a positive integer' });
    else version = body.version;
  }
  if (problems.length === 0 && Object.keys(patch).length === 0)
    problems.push({ field: '(body)', message: `must change at least one of: ${WRITABLE.join(', ')}` });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { patch: patch as ProductPatch, version } };
}

export function validateProductId(id: unknown): FieldProblem[] {
  return typeof id === 'string' && PRODUCT_ID.test(id)
    ? []
    : [{ field: 'product_id', message: 'must be 1-64 letters, digits, "-" or "_"' }];
}

export function newProduct(input: ProductInput, now: Date = new Date(), id: string = randomUUID()): Product {
  const at = now.toISOString();
  return { product_id: id, ...input, created_at: at, updated_at: at, version: 1 };
}

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;

/**
 * A stored product, as export writes and import reads it: the writable fields are
 * validated as on create; server fields are kept when present (and checked), filled when absent.
 */
export function validateStored(record: unknown, now: Date = new Date()): Validated<Product> {
  if (!isPlainObject(record)) return { ok: false, problems: [{ field: '(row)', message: 'must be an object' }] };
  // Who wrote it is the importer now (catalog-bulk.ts): a listing's `updated_by` is dropped, not refused.
  const { product_id, created_at, updated_at, version, updated_by: _writer, ...writable } = record;
  const base = validateCreate(writable);
  const problems = base.ok ? [] : [...base.problems];
  if (product_id !== undefined) problems.push(...validateProductId(product_id));
  for (const [field, v] of [
    ['created_at', created_at],
    ['updated_at', updated_at],
  ] as const) {
    if (v !== undefined && (typeof v !== 'string' || !ISO_DATE.test(v) || Number.isNaN(Date.parse(v))))
      problems.push({ field, message: 'must be an ISO 8601 UTC time such as 2026-01-31T12:00:00.000Z' });
  }
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1))
    problems.push({ field: 'version', message: 'must be a positive integer' });
  if (!base.ok || problems.length > 0) return { ok: false, problems };
  const filled = newProduct(base.value, now, typeof product_id === 'string' ? product_id : undefined);
  if (typeof created_at === 'string') filled.created_at = created_at;
  filled.updated_at = typeof updated_at === 'string' ? updated_at : filled.created_at;
  if (typeof version === 'number') filled.version = version;
  return { ok: true, value: filled };
}
