// Generators of bad input, derived from the validation rules in runtime/catalog/product.ts: each
// breaks exactly one rule of an otherwise valid product, id, query or cursor. A generated
// value the rules accept is a bug in the generator, so `invalid*` checks them against the rules.
import fc from 'fast-check';
import {
  LIMITS,
  MULTILINE,
  PRODUCT_ID,
  textProblem,
  validateCreate,
  validatePatch,
  validateStored,
} from '../../runtime/catalog/product.js';

const WRITABLE = ['name', 'category', 'price', 'stock', 'description', 'expires_at'];
const TEXT_MAX: Record<string, number> = {
  name: LIMITS.name,
  category: LIMITS.category,
  description: LIMITS.description,
};

const ascii = (maxLength: number) => fc.string({ maxLength });

export const validProduct = fc.record({
  name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => textProblem(s, LIMITS.name) === undefined),
  category: fc.constantFrom('books', 'toys', 'garden', 'électronique', '玩具'),
  price: fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100),
  stock: fc.nat(100_000),
});

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.array(ascii(3), { maxLength: 2 }), fc.constant({}));

/** Characters refused in every text field: DEL, C1 controls (U+009B is a terminal's CSI), separators, bidi controls. */
const spoofing = fc.oneof(
  fc.constant(0x7f),
  fc.integer({ min: 0x80, max: 0x9f }),
  fc.constantFrom(0x9b, 0x2028, 0x2029),
  fc.integer({ min: 0x202a, max: 0x202e }),
  fc.integer({ min: 0x2066, max: 0x2069 }),
);
/** Refused in a one-line field (name, category, a filter): line breaks and tabs. In a multi-line one: a lone CR. */
const lineBreaking = (multiline: boolean) =>
  multiline ? fc.constant('\r') : fc.constantFrom('\n', '\r', '\r\n', '\t');

/**
 * Text breaking one rule of textProblem: type, blank, length in code points, control character,
 * spoofing character (DEL, C1, bidi), a line break or tab in a one-line field, lone surrogate.
 */
export const badText = (max: number, opts: { surrogates?: boolean; multiline?: boolean } = {}) =>
  fc.oneof(
    notString,
    fc.constantFrom('', ' ', '\t \n'),
    fc
      .tuple(fc.constantFrom('a', 'é', '😀', '中'), fc.integer({ min: max + 1, max: max + 40 }))
      .map(([c, n]) => c.repeat(n)),
    fc
      .tuple(
        ascii(8),
        fc.integer({ min: 0, max: 31 }).filter((c) => ![9, 10, 13].includes(c)),
        ascii(8),
      )
      .map(([a, c, b]) => `x${a}${String.fromCharCode(c)}${b}`),
    fc.tuple(ascii(8), spoofing, ascii(8)).map(([a, c, b]) => `x${a}${String.fromCodePoint(c)}${b}`),
    // Text on both sides, so the value is not blank and no reader trims the break away.
    fc.tuple(ascii(8), lineBreaking(opts.multiline === true), ascii(8)).map(([a, c, b]) => `x${a}${c}y${b}`),
    ...(opts.surrogates === false
      ? []
      : [
          fc
            .tuple(ascii(8), fc.integer({ min: 0xd800, max: 0xdfff }), ascii(8))
            .map(([a, c, b]) => `x${a}${String.fromCharCode(c)}${c < 0xdc00 ? 'y' : ''}${b}`),
        ]),
  );

const badNumber = (opts: { integer: boolean; max: number; min: number }) =>
  fc.oneof(
    notString.filter((v) => typeof v !== 'number'),
    fc.string({ maxLength: 6 }),
    fc.integer({ min: -1_000_000, max: opts.min - 1 }),
    fc.integer({ min: opts.max + 1, max: opts.max * 10 }),
    opts.integer
      ? fc.integer({ min: 0, max: 1000 }).map((n) => n + 0.5)
      : fc.integer({ min: 0, max: 1_000_000 }).map((n) => n + 0.001),
  );

/** A bad value for one writable field. */
export const badValue = (field: string, opts: { surrogates?: boolean } = {}): fc.Arbitrary<unknown> => {
  const max = TEXT_MAX[field];
  if (max !== undefined) return badText(max, { ...opts, multiline: MULTILINE.has(field) });
  if (field === 'price') return badNumber({ integer: false, min: 0, max: LIMITS.maxPrice });
  if (field === 'stock') return badNumber({ integer: true, min: 0, max: LIMITS.maxStock });
  return badNumber({ integer: true, min: 1, max: LIMITS.maxExpiresAt });
};

/** A bad value as typed on a command line or in a CSV cell: text, still breaking a rule once read as text. */
export const badTyped = (field: string, opts: { surrogates?: boolean } = {}): fc.Arbitrary<string> =>
  badValue(field, opts)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .filter((v) => {
      const max = TEXT_MAX[field];
      // Empty text means "not given" on a command line and in a CSV cell.
      if (v.trim() === '') return false;
      if (max !== undefined) return textProblem(v, max, { multiline: MULTILINE.has(field) }) !== undefined;
      // Typed numbers are read as numbers: "2" is a fine price there.
      return !/^-?\d+(\.\d+)?$/.test(v.trim()) || !validatePatch({ [field]: Number(v) }).ok;
    });

const strangeKey = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter((k) => !WRITABLE.includes(k) && k !== 'version' && k !== '__proto__');

/** A create body breaking one rule: a bad field, a missing one, an unknown or server field, not an object. */
export const invalidCreateBody: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.tuple(validProduct, fc.constantFrom(...WRITABLE)).chain(([p, f]) => badValue(f).map((v) => ({ ...p, [f]: v }))),
    fc.tuple(validProduct, fc.constantFrom('name', 'category', 'price', 'stock')).map(([p, f]) => {
      const copy: Record<string, unknown> = { ...p };
      delete copy[f];
      return copy;
    }),
    fc.tuple(validProduct, strangeKey, fc.jsonValue()).map(([p, k, v]) => ({ ...p, [k]: v })),
    fc
      .tuple(validProduct, fc.constantFrom('product_id', 'created_at', 'updated_at'), ascii(10))
      .map(([p, k, v]) => ({ ...p, [k]: v })),
    fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.integer(), ascii(10), fc.constant(null)),
  )
  .filter((b) => !validateCreate(b).ok);

/** A stored product (an import file's row) breaking one rule; unlike a create body it may carry its id and times. */
export const invalidStoredRow: fc.Arbitrary<unknown> = invalidCreateBody.filter((b) => !validateStored(b).ok);

/** An update body breaking one rule (a bad field, a null required field, a bad version, nothing to change). */
export const invalidPatchBody: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.constantFrom(...WRITABLE).chain((f) => badValue(f).map((v) => ({ [f]: v }))),
    fc.constantFrom('name', 'category', 'price', 'stock').map((f) => ({ [f]: null })),
    fc.oneof(fc.integer({ max: 0 }), ascii(4), fc.constant(1.5)).map((version) => ({ stock: 1, version })),
    fc.constant({}),
    fc.tuple(strangeKey, fc.jsonValue()).map(([k, v]) => ({ stock: 1, [k]: v })),
  )
  .filter((b) => !validatePatch(b).ok);

/** A product id breaking the id rule (1-64 of A-Z a-z 0-9 - _). */
export const invalidId: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }),
    fc.constantFrom('a'.repeat(65), 'x y', 'ü', '%', 'a.b', '😀'),
  )
  .filter(
    (id) =>
      !/[\uD800-\uDFFF]/.test(id) && !PRODUCT_ID.test(id) && id.trim() !== '' && !/^\.+$/.test(id) && !id.includes('/'),
  );

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A cursor that is garbage or well-formed with a forged key. */
export const invalidCursor: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^[A-Za-z0-9_-]+$/.test(s) || s.length < 4),
  invalidId.map((id) => b64({ product_id: id })),
  fc.tuple(strangeKey, ascii(5)).map(([k, v]) => b64({ [k]: v })),
  fc.constant(b64({ product_id: '' })),
  fc.constant(b64(['product_id'])),
);

/** A query string breaking one rule of GET /products. */
export const invalidQuery: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc
    .oneof(fc.integer({ min: -100, max: 0 }).map(String), fc.integer({ min: 101, max: 10_000 }).map(String), ascii(4))
    .filter((l) => l !== '' && (!/^\d+$/.test(l) || Number(l) < 1 || Number(l) > 100))
    .map((limit) => ({ limit })),
  // A URL carries only well-formed text: a lone surrogate cannot be sent in a query.
  badText(LIMITS.category, { surrogates: false })
    .filter((c): c is string => typeof c === 'string' && c !== '')
    .map((category) => ({ category })),
  invalidCursor.map((cursor) => ({ cursor })),
);
