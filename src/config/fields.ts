// Field builders over zod (its tree-shakable zod/mini form: the whole of zod took ~25 ms to load
// on every command): each gives its default, its doc and messages in projet1's
// wording ("expected …, found …"), so one description yields the validator, the defaults
// and (through z.infer) the TypeScript type.
import * as z from 'zod/mini';
import type { ConfigIssue } from '../errors.js';

/** A value as a message shows it. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const found = (iss: { input?: unknown }): string => describeValue(iss.input);

interface TextOptions {
  pattern?: RegExp;
  expect?: string;
  oneOf?: readonly [string, ...string[]];
  doc: string;
}

function checkedString(o: TextOptions, kind: string): z.ZodMiniString {
  const s = z.string({ error: (iss) => `expected ${kind}, found ${found(iss)}` });
  if (!o.pattern) return s;
  const expect = o.expect ?? `to match ${String(o.pattern)}`;
  return s.check(z.regex(o.pattern, { error: (iss) => `expected ${expect}, found ${found(iss)}` }));
}

function oneOf<T extends z.ZodMiniType<string | null>>(field: T, allowed: TextOptions['oneOf']): T {
  if (!allowed) return field;
  const message = (iss: { input?: unknown }) => `expected one of ${allowed.join(', ')}, found ${found(iss)}`;
  return field.check(z.refine((v: string | null) => v === null || allowed.includes(v), { error: message }));
}

// `doc` describes each field where it is declared; zod/mini keeps no descriptions, and nothing reads them.
export function text(o: TextOptions & { default: string }) {
  return z._default(oneOf(checkedString(o, 'a string'), o.oneOf), o.default);
}

export function nullableText(o: TextOptions & { default: string | null }) {
  return z._default(oneOf(z.nullable(checkedString(o, 'a string or null')), o.oneOf), o.default);
}

export function integer(o: { default: number; min: number; max: number; oneOf?: readonly number[]; doc: string }) {
  const range = (iss: { input?: unknown }) =>
    `expected an integer from ${o.min} to ${o.max}, found ${String(iss.input)}`;
  const n = z.int({ error: (iss) => `expected an integer, found ${found(iss)}` });
  const allowed = o.oneOf;
  const checked = allowed
    ? n.check(
        z.refine((v: number) => allowed.includes(v), {
          error: (iss) => `expected one of ${allowed.join(', ')}, found ${String(iss.input)}`,
        }),
      )
    : n.check(z.minimum(o.min, { error: range }), z.maximum(o.max, { error: range }));
  return z._default(checked, o.default);
}

export function flag(o: { default: boolean; doc: string }) {
  return z._default(z.boolean({ error: (iss) => `expected true or false, found ${found(iss)}` }), o.default);
}

/** A boolean that may be left to a rule (null), e.g. "on outside development". */
export function nullableFlag(o: { default: boolean | null; doc: string }) {
  const b = z.boolean({ error: (iss) => `expected true, false or null, found ${found(iss)}` });
  return z._default(z.nullable(b), o.default);
}

export function textList(o: { default: string[]; minItems: number; pattern: RegExp; expect: string; doc: string }) {
  const item = z
    .string({ error: (iss) => `expected a string, found ${found(iss)}` })
    .check(z.regex(o.pattern, { error: (iss) => `expected ${o.expect}, found ${found(iss)}` }));
  const list = z
    .array(item, { error: (iss) => `expected an array of strings, found ${found(iss)}` })
    .check(z.minLength(o.minItems, { error: `expected at least ${o.minItems} item(s)` }));
  return z._default(list, o.default);
}

/** An object with known keys only; absent, it takes its fields' defaults. */
export function section<S extends z.core.$ZodLooseShape>(shape: S, _doc: string) {
  const known = Object.keys(shape).filter((k) => k !== '$schema');
  const object = z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key (expected one of: ${known.join(', ')})`
        : `expected an object, found ${found(iss)}`,
  });
  return z.prefault(object, {} as never);
}

/** zod's issues as config issues: dotted paths, one issue per unknown key. */
export function toConfigIssues(error: z.core.$ZodError): ConfigIssue[] {
  const join = (path: PropertyKey[]): string =>
    path.reduce<string>(
      (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      '',
    );
  return error.issues.flatMap((iss) =>
    iss.code === 'unrecognized_keys'
      ? iss.keys.map((k) => ({ path: join([...iss.path, k]), message: iss.message }))
      : [{ path: join(iss.path) || '(root)', message: iss.message }],
  );
}
