// Field builders over zod: each gives its default, its doc and messages in projet1's
// wording ("expected …, found …"), so one description yields the validator, the defaults
// and (through z.infer) the TypeScript type.
import { z } from 'zod';
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

function checkedString(o: TextOptions, kind: string): z.ZodString {
  let s = z.string({ error: (iss) => `expected ${kind}, found ${found(iss)}` });
  if (o.pattern) {
    const expect = o.expect ?? `to match ${String(o.pattern)}`;
    s = s.regex(o.pattern, { error: (iss) => `expected ${expect}, found ${found(iss)}` });
  }
  return s;
}

function oneOf<T extends z.ZodType<string | null>>(field: T, allowed: TextOptions['oneOf']): T {
  if (!allowed) return field;
  const message = (iss: { input?: unknown }) => `expected one of ${allowed.join(', ')}, found ${found(iss)}`;
  return field.refine((v) => v === null || allowed.includes(v), { error: message }) as unknown as T;
}

export function text(o: TextOptions & { default: string }) {
  return oneOf(checkedString(o, 'a string'), o.oneOf).default(o.default).describe(o.doc);
}

export function nullableText(o: TextOptions & { default: string | null }) {
  return oneOf(checkedString(o, 'a string or null').nullable(), o.oneOf).default(o.default).describe(o.doc);
}

export function integer(o: { default: number; min: number; max: number; oneOf?: readonly number[]; doc: string }) {
  const range = (iss: { input?: unknown }) =>
    `expected an integer from ${o.min} to ${o.max}, found ${String(iss.input)}`;
  let n = z
    .number({ error: (iss) => `expected an integer, found ${found(iss)}` })
    .int({ error: (iss) => `expected an integer, found ${found(iss)}` });
  if (o.oneOf) {
    const allowed = o.oneOf;
    n = n.refine((v) => allowed.includes(v), {
      error: (iss) => `expected one of ${allowed.join(', ')}, found ${String(iss.input)}`,
    });
  } else n = n.min(o.min, { error: range }).max(o.max, { error: range });
  return n.default(o.default).describe(o.doc);
}

export function flag(o: { default: boolean; doc: string }) {
  return z
    .boolean({ error: (iss) => `expected true or false, found ${found(iss)}` })
    .default(o.default)
    .describe(o.doc);
}

/** A boolean that may be left to a rule (null), e.g. "on outside development". */
export function nullableFlag(o: { default: boolean | null; doc: string }) {
  return z
    .boolean({ error: (iss) => `expected true, false or null, found ${found(iss)}` })
    .nullable()
    .default(o.default)
    .describe(o.doc);
}

export function textList(o: { default: string[]; minItems: number; pattern: RegExp; expect: string; doc: string }) {
  const item = z
    .string({ error: (iss) => `expected a string, found ${found(iss)}` })
    .regex(o.pattern, { error: (iss) => `expected ${o.expect}, found ${found(iss)}` });
  return z
    .array(item, { error: (iss) => `expected an array of strings, found ${found(iss)}` })
    .min(o.minItems, { error: `expected at least ${o.minItems} item(s)` })
    .default(o.default)
    .describe(o.doc);
}

/** An object with known keys only; absent, it takes its fields' defaults. */
export function section<S extends z.ZodRawShape>(shape: S, doc: string) {
  const known = Object.keys(shape).filter((k) => k !== '$schema');
  return z
    .strictObject(shape, {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `unknown key (expected one of: ${known.join(', ')})`
          : `expected an object, found ${found(iss)}`,
    })
    .prefault({} as never)
    .describe(doc);
}

/** zod's issues as config issues: dotted paths, one issue per unknown key. */
export function toConfigIssues(error: z.ZodError): ConfigIssue[] {
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
